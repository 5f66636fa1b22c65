"""FileList: the review screen's left pane, one line per file of the changeset with its kind,
+/- counts, a mark of its decisions (how many are decided; once all are, whether they land) and
the check before apply's mark (compile error, new warning, not formatted). Colours are theme
variables in markup."""

from __future__ import annotations

from textual.content import Content
from textual.markup import escape
from textual.widgets import OptionList

from elixir_pro.changes.changeset import ProposalKind
from elixir_pro.changes.decisions import DecisionState
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.tui.short_paths import shorten_path

KIND = {ProposalKind.MODIFY: "M", ProposalKind.CREATE: "A", ProposalKind.DELETE: "D"}
MAX_PATH = 29  # the pane is 34 cells wide: a longer path loses its middle, never its file name


def short_path(rel: str, width: int = MAX_PATH) -> str:
    return shorten_path(rel, width)


def decision_mark(model: ReviewModel, rel: str) -> str:
    """The file's mark (markup): ``2/3`` while hunks are undecided; once all are decided, a green
    ``✓`` when every hunk lands, a red ``✗`` when none does, else ``2✓ 1✗``."""
    hunks = model.diff(rel).hunks
    states = [model.decision(rel, h.index) for h in hunks]
    decided = sum(1 for d in states if d.state is not DecisionState.UNDECIDED)
    if not hunks or decided < len(hunks):
        return f"[$text-muted]{decided}/{len(hunks)}[/]"
    landing = sum(1 for d in states if d.lands)
    if landing == len(hunks):
        return "[$success]✓[/]"
    if landing == 0:
        return "[$error]✗[/]"
    return f"[$success]{landing}✓[/] [$error]{len(hunks) - landing}✗[/]"


CHECK_MARKS = {  # the check before apply's worst note on the file
    "error": "  [$error]✗ compile[/]",
    "warning": "  [$warning]⚠ warning[/]",
    "format": "  [$secondary]≠ format[/]",
}


class FileList(OptionList, can_focus=False):
    """Files of a ``ReviewModel``; the host listens to ``OptionList.OptionHighlighted``."""

    DEFAULT_CSS = """
    FileList { border: none; background: $panel; }
    """

    def __init__(self, model: ReviewModel, *, id: str | None = None) -> None:
        super().__init__(*[self.prompt(model, rel) for rel in model.paths], id=id)
        self.model = model
        self.marks: dict[str, str | None] = {}

    @staticmethod
    def prompt(model: ReviewModel, rel: str, mark: str | None = None) -> Content:
        added, removed = model.counts(rel)
        kind = KIND[model.proposal(rel).kind]
        check = CHECK_MARKS.get(mark or "", "")
        return Content.from_markup(
            f"[$accent]{kind}[/] {escape(short_path(rel))}\n"
            f"  [$success]+{added}[/] [$error]-{removed}[/]  {decision_mark(model, rel)}{check}"
        )

    def refresh_file(self, rel: str) -> None:
        self.replace_option_prompt_at_index(
            self.model.paths.index(rel), self.prompt(self.model, rel, self.marks.get(rel))
        )

    def set_marks(self, marks: dict[str, str | None]) -> None:
        """Each file's mark from the check before apply (``error``, ``warning``, ``format``)."""
        self.marks = marks
        self.reload()

    def reload(self) -> None:
        """Rebuild every line (after a re-diff changed the hunks)."""
        highlighted = self.highlighted
        self.set_options(
            [self.prompt(self.model, rel, self.marks.get(rel)) for rel in self.model.paths]
        )
        self.highlighted = highlighted
