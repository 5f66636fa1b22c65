"""Formatting generated Elixir the way ``mix format`` would, with the installed Elixir.

All texts of one generation are formatted by one ``elixir`` process (``Code.format_string!``
with the project's ``line_length``). Without Elixir, or when formatting fails, the texts stay
as rendered: the templates are written formatted for names of a usual length, so the
formatter only re-wraps the lines a long module name pushed over the limit.

Used by :mod:`elixir_pro.generators.build`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_S = 60.0
DEFAULT_LINE_LENGTH = 98
#: The DSL calls the generated code writes without parentheses, as the deps' own formatter
#: settings export them (what ``import_deps: [:ecto, :ecto_sql, :phoenix_live_view]`` gives).
LOCALS_WITHOUT_PARENS = (
    "[field: 2, field: 3, timestamps: 0, timestamps: 1, belongs_to: 2, belongs_to: 3, "
    "has_one: 2, has_many: 2, add: 2, add: 3, create: 1, create: 2, alter: 2, modify: 2, "
    "modify: 3, remove: 1, attr: 2, attr: 3, slot: 1, slot: 2]"
)
_SCRIPT = """
[line_length, locals | files] = System.argv()
{locals, []} = Code.eval_string(locals)
opts = [line_length: String.to_integer(line_length), locals_without_parens: locals]
for file <- files do
  text = File.read!(file)
  out =
    try do
      IO.iodata_to_binary([Code.format_string!(text, opts), "\\n"])
    rescue
      _ -> text
    end
  File.write!(file <> ".out", out)
end
"""


def line_length(root: Path) -> int:
    """The ``line_length`` of the project's ``.formatter.exs`` (98 when it sets none)."""
    try:
        text = (root / ".formatter.exs").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return DEFAULT_LINE_LENGTH
    found = re.search(r"\bline_length:\s*(\d+)", text)
    return int(found.group(1)) if found else DEFAULT_LINE_LENGTH


def format_texts(texts: list[str], length: int = DEFAULT_LINE_LENGTH) -> list[str] | None:
    """Each text formatted, or None when Elixir is not installed or did not answer."""
    elixir = shutil.which("elixir")
    if elixir is None or not texts:
        return None
    with tempfile.TemporaryDirectory(prefix="elixir-pro-gen-") as tmp:
        paths = [Path(tmp) / f"{n}.ex" for n in range(len(texts))]
        for path, text in zip(paths, texts, strict=True):
            path.write_text(text, encoding="utf-8")
        try:
            done = subprocess.run(
                [elixir, "-e", _SCRIPT, str(length), LOCALS_WITHOUT_PARENS, *map(str, paths)],
                capture_output=True,
                timeout=TIMEOUT_S,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        if done.returncode != 0:
            return None
        outs = [path.with_name(path.name + ".out") for path in paths]
        if not all(out.is_file() for out in outs):
            return None
        return [out.read_text(encoding="utf-8") for out in outs]
