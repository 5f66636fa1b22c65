"""The OpenSpec panel: the project's ``openspec/`` requirements by capability (reliability ones
marked), their SHALL/MUST statements and scenarios, and the open changes with their task
progress and delta requirements. Problems in the files are listed under the title.

Keys: arrows move, enter opens or closes a branch (on a leaf it opens its location), ``ctrl+e``
opens the location of any row: both post :class:`OpenSpecPanel.OpenLocation`. The app calls
:meth:`OpenSpecPanel.reload` when a file under ``openspec/`` changes.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from elixir_pro.pipeline.openspec import Change, OpenSpec, Requirement, load_openspec

Location = tuple[str, int | None]


class OpenSpecPanel(Vertical):
    """A titled tree of the project's OpenSpec requirements and changes."""

    DEFAULT_CSS = """
    OpenSpecPanel {
        height: 1fr;
    }
    OpenSpecPanel > .panel-title {
        background: $panel;
        color: $accent;
        text-style: bold;
        padding: 0 1;
    }
    OpenSpecPanel #openspec-notices {
        height: auto;
        max-height: 4;
        padding: 0 1;
        color: $text-warning;
    }
    OpenSpecPanel > Tree {
        height: 1fr;
    }
    """

    # a chord, not a letter: letters typed in a side panel go to the prompt (enter on a leaf
    # opens it too)
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+e", "open", "open")]

    class OpenLocation(Message):
        """Open ``path`` (project-relative) at ``line`` in the code view."""

        def __init__(self, path: str, line: int | None) -> None:
            super().__init__()
            self.path = path
            self.line = line

    def __init__(
        self, root: Path, *, id: str = "openspec-panel", classes: str = "side-panel"
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.root = root.resolve()
        self.spec: OpenSpec | None = None

    def compose(self) -> ComposeResult:
        yield Static("OpenSpec", id="openspec-title", classes="panel-title", markup=False)
        yield Static(id="openspec-notices", markup=False)
        tree: Tree[Location | None] = Tree("openspec", id="openspec-tree")
        tree.show_root = False
        yield tree

    def on_mount(self) -> None:
        self.reload()

    @property
    def spec_tree(self) -> Tree[Location | None]:
        return self.query_one("#openspec-tree", Tree)

    def focus_tree(self) -> None:
        self.spec_tree.focus()

    def reload(self) -> None:
        """Read ``openspec/`` again (never raises: problems become notices)."""
        self.spec = load_openspec(self.root)
        spec = self.spec
        title = self.query_one("#openspec-title", Static)
        notices = self.query_one("#openspec-notices", Static)
        tree = self.spec_tree
        tree.clear()
        if spec is None:
            title.update("OpenSpec")
            notices.display = False
            tree.root.add_leaf(Text("No openspec/ folder.", style="dim"))
            return
        reliable = len(spec.reliability_requirements())
        title.update(
            f"OpenSpec · {len(spec.requirements)} requirement(s), {reliable} reliability"
            f" · {len(spec.changes)} change(s)"
        )
        shown = spec.notices[:3]
        more = f"\n… and {len(spec.notices) - 3} more" if len(spec.notices) > 3 else ""
        notices.update("\n".join(shown) + more)
        notices.display = bool(spec.notices)
        by_capability: dict[str, list[Requirement]] = defaultdict(list)
        for requirement in spec.requirements:
            by_capability[requirement.capability].append(requirement)
        for capability, requirements in by_capability.items():
            branch = tree.root.add(Text(capability, style="bold"), expand=True)
            for requirement in requirements:
                _add_requirement(branch, requirement)
        for change in spec.changes:
            _add_change(tree.root, change)
        if not spec.requirements and not spec.changes:
            tree.root.add_leaf(Text("No requirements.", style="dim"))

    def _post_open(self, node: TreeNode[Location | None] | None) -> None:
        if node is not None and node.data is not None:
            self.post_message(self.OpenLocation(*node.data))

    def action_open(self) -> None:
        self._post_open(self.spec_tree.cursor_node)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Location | None]) -> None:
        event.stop()
        if not event.node.allow_expand:
            self._post_open(event.node)


def _add_requirement(parent: TreeNode[Location | None], requirement: Requirement) -> None:
    label = Text()
    if requirement.delta:
        label.append(f"{requirement.delta.upper()} ", style="italic")
    if requirement.is_reliability:
        label.append("⚑ ", style="bold")
    label.append(requirement.name)
    where: Location = (requirement.path, requirement.line)
    node = parent.add(label, data=where)
    for statement in requirement.statements:
        node.add_leaf(Text(statement), data=where)
    for scenario in requirement.scenarios:
        steps = "; ".join(f"{s.keyword} {s.text}" for s in scenario.steps)
        leaf = Text.assemble(("Scenario ", "dim"), scenario.name, (f": {steps}", "dim"))
        node.add_leaf(leaf, data=(requirement.path, scenario.line))
    node.allow_expand = bool(node.children)


def _add_change(parent: TreeNode[Location | None], change: Change) -> None:
    done = sum(1 for t in change.tasks if t.done)
    label = Text.assemble(("change ", "dim"), (change.change_id, "bold"))
    if change.tasks:
        label.append(f" · {done}/{len(change.tasks)} tasks", style="dim")
    node = parent.add(label, data=(f"{change.path}/proposal.md", None))
    if change.why:
        node.add_leaf(Text(change.why, style="italic"), data=(f"{change.path}/proposal.md", 1))
    for requirement in change.deltas:
        _add_requirement(node, requirement)
    node.allow_expand = bool(node.children)
