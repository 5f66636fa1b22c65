"""FileList: the review screen's left pane, one line per file of the changeset with its kind,
+/- counts and how many of its hunks are decided. Colours are theme variables in markup."""

from __future__ import annotations

from textual.content import Content
from textual.markup import escape
from textual.widgets import OptionList

from elixir_pro.changes.changeset import ProposalKind
from elixir_pro.changes.decisions import DecisionState
from elixir_pro.changes.review_model import ReviewModel

KIND = {ProposalKind.MODIFY: "M", ProposalKind.CREATE: "A", ProposalKind.DELETE: "D"}
MAX_PATH = 29  # the pane is 34 cells wide: a longer path keeps its end ("…/reporting/sup.ex")


def short_path(rel: str, width: int = MAX_PATH) -> str:
    return rel if len(rel) <= width else "…" + rel[-(width - 1) :]


class FileList(OptionList, can_focus=False):
    """Files of a ``ReviewModel``; the host listens to ``OptionList.OptionHighlighted``."""

    DEFAULT_CSS = """
    FileList { border: none; background: $panel; }
    """

    def __init__(self, model: ReviewModel, *, id: str | None = None) -> None:
        super().__init__(*[self.prompt(model, rel) for rel in model.paths], id=id)
        self.model = model

    @staticmethod
    def prompt(model: ReviewModel, rel: str) -> Content:
        added, removed = model.counts(rel)
        hunks = model.diff(rel).hunks
        decided = sum(
            1 for h in hunks if model.decision(rel, h.index).state is not DecisionState.UNDECIDED
        )
        kind = KIND[model.proposal(rel).kind]
        done = "[$success]✓[/]" if hunks and decided == len(hunks) else f"{decided}/{len(hunks)}"
        return Content.from_markup(
            f"[$accent]{kind}[/] {escape(short_path(rel))}\n"
            f"  [$success]+{added}[/] [$error]-{removed}[/]  [$text-muted]{done}[/]"
        )

    def refresh_file(self, rel: str) -> None:
        self.replace_option_prompt_at_index(
            self.model.paths.index(rel), self.prompt(self.model, rel)
        )

    def reload(self) -> None:
        """Rebuild every line (after a re-diff changed the hunks)."""
        highlighted = self.highlighted
        self.set_options([self.prompt(self.model, rel) for rel in self.model.paths])
        self.highlighted = highlighted
