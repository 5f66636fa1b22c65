"""The check before apply: the tree a review is heading towards, compiled and format-checked
in a shadow build (:mod:`elixir_pro.compiler.shadow`), with only what is *new* relative to the
current tree kept and put on the files and hunks it concerns.

1. The proposed tree (:mod:`elixir_pro.compiler.proposed`) is compiled in a shadow seeded from
   the project's build, so only the changed files and their dependents recompile.
2. Meanwhile the current tree is compiled the same way with the same files recompiled (and,
   after, every other file the proposed build complained about), and its diagnostics are
   subtracted (:mod:`elixir_pro.compiler.baseline`).
3. With a ``.formatter.exs``, ``mix format`` runs on the changed files inside the shadow; a file
   is unformatted when the formatter would change lines of its hunks (lines elsewhere were
   already so and are not this change's doing).

Used by the review screen (in a thread worker) and by tests; no Textual here. Slow: seconds.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from elixir_pro.changes.linediff import opcodes
from elixir_pro.changes.textio import decode, split_lines
from elixir_pro.compiler.baseline import baseline_diagnostics, new_diagnostics
from elixir_pro.compiler.model import CompileResult, CompileStatus, Diagnostic
from elixir_pro.compiler.proposed import ProposedFile
from elixir_pro.compiler.review_prompts import FIX_PROPOSED, PROBLEM_LINE, UNFORMATTED_LINE
from elixir_pro.compiler.shadow import ShadowError, ShadowTree, is_compiled_source
from elixir_pro.config import PrecheckConfig

Progress = Callable[[str], None]
MAX_PROMPT_PROBLEMS = 15
TURNED_OFF = "check before apply: off"
NOTHING_TO_CHECK = "nothing would change"
NOT_MIX = "not a mix project"
NO_MIX = "mix is not installed: the change was not compiled before apply"
QUIET = frozenset({TURNED_OFF, NOTHING_TO_CHECK, NOT_MIX})  # nothing worth a line on screen


class PrecheckState(StrEnum):
    OK = "ok"  # compiles with nothing new, formatted
    PROBLEMS = "problems"  # new errors or warnings, or unformatted hunks
    SKIPPED = "skipped"  # mix missing, not a mix project, turned off, nothing to check
    FAILED = "failed"  # the shadow build could not run to its end (``message`` says why)


@dataclass(frozen=True, slots=True)
class Note:
    """One thing to show on a file of the review: ``hunk`` is None when no hunk covers it."""

    path: str
    hunk: int | None
    kind: str  # "error" | "warning" | "format"
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class PrecheckReport:
    state: PrecheckState
    key: str = ""  # fingerprint of the checked tree
    new: tuple[Diagnostic, ...] = ()
    notes: tuple[Note, ...] = ()
    unformatted: tuple[str, ...] = ()
    message: str = ""
    duration: float = 0.0
    compiled: CompileResult | None = None
    steps: tuple[str, ...] = field(default=())

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.new if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.new if not d.is_error)

    @property
    def quiet(self) -> bool:
        """Skipped for a reason nobody needs told (turned off, not a mix project)."""
        return self.state is PrecheckState.SKIPPED and self.message in QUIET

    @property
    def does_not_compile(self) -> bool:
        return bool(self.errors)

    def notes_for(self, path: str) -> dict[int | None, list[Note]]:
        out: dict[int | None, list[Note]] = {}
        for note in self.notes:
            if note.path == path:
                out.setdefault(note.hunk, []).append(note)
        return out

    def file_mark(self, path: str) -> str | None:
        """The worst note on ``path``: error, warning, format, or None."""
        kinds = {n.kind for n in self.notes if n.path == path}
        return next((k for k in ("error", "warning", "format") if k in kinds), None)

    def headline(self) -> str:
        if self.state in (PrecheckState.SKIPPED, PrecheckState.FAILED):
            return self.message
        broken = self.compiled is not None and self.compiled.status is CompileStatus.ERROR
        if self.state is PrecheckState.OK and broken:
            return "✓ nothing new from the compiler (the current tree does not compile either)"
        if self.state is PrecheckState.OK:
            return f"✓ compiles, nothing new from the compiler{self._formatted()}"
        parts = []
        if self.errors:
            n = len(self.errors)
            parts.append(f"{n} compile error{'s' * (n != 1)}")
        if self.warnings:
            n = len(self.warnings)
            parts.append(f"{n} new warning{'s' * (n != 1)}")
        if self.unformatted:
            parts.append(f"{len(self.unformatted)} file(s) not formatted")
        return "✗ " + ", ".join(parts)

    def _formatted(self) -> str:
        return ", formatted" if any(s.startswith("mix format") for s in self.steps) else ""

    def fix_prompt(self) -> str:
        """The next prompt that asks Claude to fix what the check found ("" when nothing)."""
        lines = [
            PROBLEM_LINE.format(
                location=d.location or "(no file)", severity=d.severity.value, message=d.message
            )
            for d in self.new[:MAX_PROMPT_PROBLEMS]
        ]
        for path in self.unformatted:
            where = ", ".join(
                f"line {n.line}" for n in self.notes if n.path == path and n.kind == "format"
            )
            lines.append(UNFORMATTED_LINE.format(path=path, where=where or "it"))
        return FIX_PROPOSED.format(problems="\n".join(lines)) if lines else ""


def tree_key(files: Mapping[str, ProposedFile]) -> str:
    digest = hashlib.sha256()
    for rel in sorted(files):
        data = files[rel].data()
        digest.update(rel.encode() + b"\0" + (b"-" if data is None else b"+" + data) + b"\0")
    return digest.hexdigest()[:16]


def run_precheck(
    root: Path,
    files: Mapping[str, ProposedFile],
    settings: PrecheckConfig | None = None,
    *,
    progress: Progress | None = None,
) -> PrecheckReport:
    """Compile and format-check ``files`` over ``root`` in shadow builds; never writes under
    ``root``. Does not raise for anything mix or the project does: see the report's state."""
    settings = settings or PrecheckConfig()
    root = Path(root).resolve()
    key = tree_key(files)
    started = time.monotonic()
    reason = skip_reason(root, files, settings)
    if reason:
        return PrecheckReport(PrecheckState.SKIPPED, key, message=reason)
    say = progress or (lambda _text: None)
    try:
        return _check(root, files, settings, key, started, say)
    except (ShadowError, OSError) as exc:
        return PrecheckReport(PrecheckState.FAILED, key, message=f"shadow build: {exc}")


def skip_reason(
    root: Path, files: Mapping[str, ProposedFile], settings: PrecheckConfig | None = None
) -> str:
    """Why there is nothing to check ("" when there is): quick, no process started."""
    from elixir_pro.engine.mix import mix_available

    settings = settings or PrecheckConfig()
    if not settings.compile and not settings.format:
        return TURNED_OFF
    if not files:
        return NOTHING_TO_CHECK
    if not (root / "mix.exs").is_file():
        return NOT_MIX
    if not mix_available():
        return NO_MIX
    return ""


def _check(
    root: Path,
    files: Mapping[str, ProposedFile],
    settings: PrecheckConfig,
    key: str,
    started: float,
    say: Progress,
) -> PrecheckReport:
    data = {rel: f.data() for rel, f in files.items()}
    compiled: CompileResult | None = None
    new: list[Diagnostic] = []
    steps: list[str] = []
    formatted: dict[str, bytes] | None = None
    sources = {rel for rel in files if is_compiled_source(rel)}
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="precheck-baseline")
    early: Future[tuple[Diagnostic, ...]] | None = None
    try:
        if settings.compile and sources:
            # the current tree's side runs meanwhile (its result is kept for the next check)
            early = pool.submit(baseline_diagnostics, root, sources, settings.timeout_s)
        with ShadowTree(root, data) as shadow:
            if early is not None:
                say("compiling proposed change…")
                compiled = shadow.compile(timeout=settings.timeout_s)
                steps.append(compiled.headline())
                if compiled.status is CompileStatus.FAILED:
                    return PrecheckReport(
                        PrecheckState.FAILED,
                        key,
                        message=f"compiling the proposed change: {compiled.message}",
                        duration=time.monotonic() - started,
                        compiled=compiled,
                    )
            if settings.format:
                say("checking format…")
                formatted, syntax = shadow.format_files(files, timeout=settings.timeout_s)
                if formatted is not None:
                    steps.append(f"mix format: {len(formatted)} file(s)")
                reported = {(d.path, d.line) for d in compiled.errors} if compiled else set()
                new += [d for d in syntax if (d.path, d.line) not in reported]
        if compiled is not None and early is not None and compiled.diagnostics:
            say("comparing with the current tree…")
            baseline = early.result()
            named = {
                d.path for d in compiled.diagnostics if d.path and not Path(d.path).is_absolute()
            }
            others = named - sources
            if others:
                baseline += baseline_diagnostics(root, others, settings.timeout_s)
            new = new_diagnostics(compiled.diagnostics, baseline, files) + new
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    notes = [_note(d, files) for d in new]
    unformatted: list[str] = []
    for rel, after in sorted((formatted or {}).items()):
        format_notes = _format_notes(files[rel], after)
        if format_notes:
            unformatted.append(rel)
            notes.extend(format_notes)
    state = PrecheckState.PROBLEMS if new or unformatted else PrecheckState.OK
    return PrecheckReport(
        state,
        key,
        tuple(new),
        tuple(notes),
        tuple(unformatted),
        duration=time.monotonic() - started,
        compiled=compiled,
        steps=tuple(steps),
    )


def _note(d: Diagnostic, files: Mapping[str, ProposedFile]) -> Note:
    changed = files.get(d.path)
    hunk = changed.hunk_at(d.line) if changed is not None else None
    return Note(d.path, hunk, "error" if d.is_error else "warning", d.line, _short(d.message))


def _short(message: str) -> str:
    """The message's first line, and the next one when the first ends with a colon ("Did you
    mean:")."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):
        return f"{lines[0]} {lines[1]}"
    return lines[0] if lines else ""


def _format_notes(file: ProposedFile, after: bytes) -> list[Note]:
    before = file.data()
    if before is None or before == after:
        return []
    old = split_lines(file.text or "")
    new = split_lines(decode(after)[0])
    notes: dict[int, Note] = {}
    for tag, i1, i2, _j1, _j2 in opcodes(old, new):
        if tag == "equal":
            continue
        for hunk in file.hunks_touching(i1, i2):
            if hunk not in notes:
                text = f"not formatted: mix format would change line {i1 + 1}"
                notes[hunk] = Note(file.path, hunk, "format", i1 + 1, text)
    return [notes[h] for h in sorted(notes)]
