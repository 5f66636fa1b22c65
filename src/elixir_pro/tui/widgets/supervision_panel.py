"""The supervision side panel: the engine's static supervision map as a Tree (applications,
supervisors with their strategy, workers, processes no tree reaches).

Used by the main screen.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from elixir_pro.engine.supervision_model import ProcessNode, SupervisionMap


class SupervisionPanel(Vertical):
    def __init__(self) -> None:
        super().__init__(id="supervision-panel", classes="side-panel")
        self.smap: SupervisionMap | None = None
        self.title_text = "Supervision · loading…"

    def compose(self) -> ComposeResult:
        yield Static(self.title_text, id="supervision-title", classes="panel-title")
        tree: Tree[ProcessNode | None] = Tree("processes", id="supervision-tree")
        tree.show_root = False
        yield tree

    def on_mount(self) -> None:
        if self.smap is not None:
            self.call_after_refresh(self._render_map, self.smap)

    def set_unavailable(self, reason: str) -> None:
        self.title_text = f"Supervision · {reason}"
        if self.is_mounted:
            self.query_one("#supervision-title", Static).update(self.title_text)

    def _add(self, parent: TreeNode[ProcessNode | None], node: ProcessNode) -> None:
        from elixir_pro.engine.supervision_render import describe

        if node.children:
            branch = parent.add(describe(node), data=node, expand=True)
            for child in node.children:
                self._add(branch, child)
        else:
            parent.add_leaf(describe(node), data=node)

    def set_map(self, smap: SupervisionMap) -> None:
        """Keep the map; show it now if the panel is on screen, else when it mounts."""
        self.smap = smap
        count = sum(len(r.walk()) for r in smap.roots)
        self.title_text = f"Supervision · {len(smap.roots)} trees, {count} processes"
        if self.is_mounted:
            self._render_map(smap)

    def _render_map(self, smap: SupervisionMap) -> None:
        tree: Tree[ProcessNode | None] = self.query_one("#supervision-tree", Tree)
        tree.clear()
        for root in smap.roots:
            self._add(tree.root, root)
        if smap.unattached:
            loose = tree.root.add("not supervised", data=None, expand=True)
            for node in smap.unattached:
                self._add(loose, node)
        self.query_one("#supervision-title", Static).update(self.title_text)
        tree.root.expand()
