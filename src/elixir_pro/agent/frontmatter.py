"""Reading an agent file: bytes to text, the ``---`` frontmatter split from the markdown
body, and a YAML node reader that keeps line numbers for one-line errors.

Used by :mod:`elixir_pro.agent.parse`. Every problem is raised as a
:class:`~elixir_pro.errors.UserError` naming the file, the line in the *agent file* (the
frontmatter offset is added) and the dotted field.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from elixir_pro.errors import UserError

# libyaml's composer when PyYAML was built with it (same nodes and marks, ~10x faster).
_COMPOSER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)


@dataclass(frozen=True, slots=True)
class SplitFile:
    """The frontmatter text, the body text, and the 1-based file lines where each starts."""

    frontmatter: str
    frontmatter_line: int
    body: str
    body_line: int


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def read_text(path: Path, shown: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError("no such agent file", path=shown) from None
    except IsADirectoryError:
        raise UserError("is a directory, not an agent file", path=shown) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror or exc}", path=shown) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise UserError(f"not UTF-8 text (byte 0x{byte})", path=shown, line=line) from None
    return text.removeprefix("\ufeff")


def split_frontmatter(text: str, shown: str) -> SplitFile:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise UserError(
            "missing YAML frontmatter: the file must start with a '---' line", path=shown, line=1
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return SplitFile(
                frontmatter="".join(lines[1:index]),
                frontmatter_line=2,
                body="".join(lines[index + 1 :]),
                body_line=index + 2,
            )
    raise UserError("the frontmatter is not closed by a '---' line", path=shown, line=1)


def kind_of(node: yaml.Node, value: Any = None) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, datetime.date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, bytes):
        return "binary data"
    return f"{type(value).__name__}"


class NodeReader:
    """Typed access to composed YAML nodes; each accessor raises a located UserError."""

    def __init__(self, shown: str, line_offset: int) -> None:
        self.shown = shown
        self.line_offset = line_offset
        self._loader = yaml.SafeLoader("")
        self._key_lines: dict[int, int] = {}

    def line(self, node: yaml.Node | None) -> int | None:
        """The file line of a node; for a mapping value, the line of its key (a block list
        or mapping value starts on the line after its key)."""
        if node is None:
            return None
        return self._key_lines.get(id(node), node.start_mark.line) + self.line_offset

    def fail(self, node: yaml.Node | None, dotted: str, message: str) -> UserError:
        field = " ".join(dotted.split())
        if len(field) > 60:
            field = field[:59] + "…"
        return UserError(message, path=self.shown, line=self.line(node), field=field or None)

    def compose(self, text: str) -> yaml.Node | None:
        try:
            return yaml.compose(text, Loader=_COMPOSER)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + self.line_offset if mark is not None else None
            problem = exc.problem or exc.context or "unreadable"
            raise UserError(f"malformed YAML: {problem}", path=self.shown, line=line) from None
        except yaml.YAMLError as exc:
            raise UserError(f"malformed YAML: {exc}", path=self.shown) from None
        except RecursionError:
            raise UserError("malformed YAML: nested too deeply", path=self.shown) from None

    def value(self, node: yaml.Node, dotted: str) -> Any:
        """The Python value of a scalar node (None for a mapping or list)."""
        if not isinstance(node, yaml.ScalarNode):
            return None
        try:
            return self._loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            raise self.fail(node, dotted, f"unreadable value ({type(exc).__name__})") from None

    def mapping(self, node: yaml.Node, dotted: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, dotted, f"expected a mapping, got {self.describe(node, dotted)}")
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node, dotted)
            if not isinstance(key, str):
                raise self.fail(key_node, dotted, f"expected a key name, got {kind_of(key_node)}")
            where = f"{dotted}.{key}" if dotted else key
            if key in out:
                raise self.fail(key_node, where, "duplicate key")
            self._key_lines[id(value_node)] = key_node.start_mark.line
            out[key] = value_node
        return out

    def describe(self, node: yaml.Node, dotted: str) -> str:
        return kind_of(node, self.value(node, dotted))

    def text(self, node: yaml.Node, dotted: str) -> str:
        value = self.value(node, dotted)
        if not isinstance(value, str):
            raise self.fail(node, dotted, f"expected text, got {kind_of(node, value)}")
        return value.strip()

    def nonempty_text(self, node: yaml.Node, dotted: str) -> str:
        value = self.text(node, dotted)
        if not value:
            raise self.fail(node, dotted, "expected text, got an empty value")
        return value

    def boolean(self, node: yaml.Node, dotted: str) -> bool:
        value = self.value(node, dotted)
        if not isinstance(value, bool):
            raise self.fail(node, dotted, f"expected true or false, got {kind_of(node, value)}")
        return value

    def number(self, node: yaml.Node, dotted: str) -> float:
        value = self.value(node, dotted)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(node, dotted, f"expected a number, got {kind_of(node, value)}")
        return float(value)

    def version(self, node: yaml.Node, dotted: str) -> str:
        value = self.value(node, dotted)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(node, dotted, f"expected a version, got {kind_of(node, value)}")
        return str(value).strip()

    def text_list(self, node: yaml.Node, dotted: str) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, dotted, f"expected a list of text, got {kind_of(node)}")
        return tuple(
            self.nonempty_text(item, f"{dotted}[{i}]") for i, item in enumerate(node.value)
        )

    def names(self, node: yaml.Node, dotted: str) -> list[tuple[str, yaml.Node]]:
        """A tool list: ``Read, Grep`` as one comma string or a YAML list of names."""
        if isinstance(node, yaml.SequenceNode):
            return [
                (self.nonempty_text(item, f"{dotted}[{i}]"), item)
                for i, item in enumerate(node.value)
            ]
        value = self.value(node, dotted)
        if not isinstance(value, str):
            raise self.fail(
                node,
                dotted,
                f"expected a comma-separated list of tools, got {kind_of(node, value)}",
            )
        return [(part.strip(), node) for part in value.split(",") if part.strip()]
