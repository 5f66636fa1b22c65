"""The templates' substitution engine: ``<%= key %>`` becomes the value of ``key``, and
``<%%`` a literal ``<%`` (for EEx and HEEx inside a template).

Nothing else is evaluated: a template is data, its variations are separate template files. A
placeholder without a value is a bug in the generator, so it raises ``KeyError`` naming it.
Used by :mod:`elixir_pro.generators.build` and the Ecto and LiveView builders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDER = re.compile(r"<%%|<%=\s*(\w+)\s*%>")


def render(text: str, values: Mapping[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key is None:  # the escape <%%
            return "<%"
        if key not in values:
            raise KeyError(f"template placeholder without a value: {key}")
        return values[key]

    return PLACEHOLDER.sub(value, text)


def placeholders(text: str) -> set[str]:
    return {key for key in PLACEHOLDER.findall(text) if key}
