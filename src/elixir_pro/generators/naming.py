"""Names: the project's namespace and deps read from ``mix.exs``, module names turned into file
paths the way Mix lays them out, and words turned into module names.

Used by the request reader and the builders of :mod:`elixir_pro.generators`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from elixir_pro.generators.model import GeneratorError

_MOD = re.compile(r"\bmod:\s*\{\s*([A-Z][\w.]*)\s*,")
_APP = re.compile(r"\bapp:\s*:(\w+)")
_DEP = re.compile(r"\{\s*:(\w+)\s*,")


@dataclass(frozen=True, slots=True)
class ProjectNames:
    """What a generator needs to know about the project it writes into."""

    app: str  # the OTP app, without the colon ("courier")
    namespace: str  # the top module ("Courier")
    app_module: str  # the application callback module ("Courier.Application"; "" for none)
    deps: frozenset[str]  # the deps mix.exs declares

    @property
    def web_namespace(self) -> str:
        return f"{self.namespace}Web"


def project_names(root: Path) -> ProjectNames:
    """Read from ``mix.exs``; a folder without one gets one clear line."""
    mix = root / "mix.exs"
    try:
        text = mix.read_text(encoding="utf-8", errors="replace")
    except OSError:
        raise GeneratorError(
            "the generators need a Mix project: no mix.exs in " + str(root)
        ) from None
    app_match = _APP.search(text)
    mod_match = _MOD.search(text)
    if app_match is None:
        raise GeneratorError("mix.exs names no app (`app: :name` in project/0)")
    app = app_match.group(1)
    app_module = mod_match.group(1) if mod_match else ""
    namespace = app_module.rsplit(".", 1)[0] if "." in app_module else camelize(app)
    deps = frozenset(_DEP.findall(_deps_part(text)))
    return ProjectNames(app, namespace, app_module, deps)


def _deps_part(text: str) -> str:
    """The text of ``defp deps`` (or the whole file when it has none)."""
    start = text.find("defp deps")
    if start < 0:
        start = text.find("def deps")
    return text[start:] if start >= 0 else text


def camelize(words: str) -> str:
    """``cart_session`` / ``cart session`` / ``cart-session`` -> ``CartSession``; an already
    CamelCase word keeps its capitals."""
    parts = [p for p in re.split(r"[\s_\-]+", words.strip()) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts)


def underscore(module: str) -> str:
    """``Courier.CartSession`` -> ``courier/cart_session`` (Elixir's ``Macro.underscore``)."""
    out = []
    for segment in module.split("."):
        word = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", segment)
        word = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", word)
        out.append(word.lower())
    return "/".join(out)


def source_path(module: str) -> str:
    return f"lib/{underscore(module)}.ex"


def test_path(module: str) -> str:
    return f"test/{underscore(module)}_test.exs"


def plural(word: str) -> str:
    """English plural of a CamelCase or snake word, good enough for table and context names."""
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def is_module_name(text: str) -> bool:
    return re.fullmatch(r"[A-Z]\w*(?:\.[A-Z]\w*)*", text) is not None
