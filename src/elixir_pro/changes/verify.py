"""Verify after apply, where ``mix`` is present: ``mix format`` on the touched files when the
project has a ``.formatter.exs``, then ``mix compile`` and ``mix test --stale`` (each switchable
in the ``verify`` settings). The result is a :class:`Verification` with failures as file:line
lines and a suggested next prompt ("fix the failing test ...").

Formatting rewrites the applied files, so the journal entry of the apply is amended with the
formatted bytes: undo still restores the bytes from before the apply. Used by the review
screen's host, the CLI and the conversation after an apply. Slow (seconds): run it in a worker.
"""

from __future__ import annotations

from pathlib import Path

from elixir_pro.changes import journal
from elixir_pro.changes.outcome import ApplyOutcome, Verification
from elixir_pro.changes.prompts import FIX_COMPILE, FIX_FORMAT, FIX_TESTS
from elixir_pro.config import VerifyConfig

MAX_FAILURES = 10


def verify_after_apply(
    root: Path, outcome: ApplyOutcome, settings: VerifyConfig | None = None
) -> Verification:
    """Run the configured mix steps on ``root`` after ``outcome``; sets and returns
    ``outcome.verification``."""
    settings = settings or VerifyConfig()
    root = root.resolve()
    verification = _verify(root, outcome, settings)
    outcome.verification = verification
    return verification


def _verify(root: Path, outcome: ApplyOutcome, settings: VerifyConfig) -> Verification:
    from elixir_pro.engine.mix import (
        has_formatter,
        mix_available,
        mix_compile,
        mix_format,
        mix_test,
    )

    if not mix_available():
        return Verification(False, True, ("mix is not installed",))
    if not (root / "mix.exs").is_file():
        return Verification(False, True, ("not a mix project (no mix.exs)",))
    if not outcome.applied:
        return Verification(False, True, ("nothing was applied",))
    steps: list[str] = []
    touched = [a.path for a in outcome.applied if a.action != "deleted"]
    if settings.format and has_formatter(root) and touched:
        result = mix_format(root, touched)
        steps.append(result.headline())
        if not result.ok:
            detail = result.output.strip().splitlines()[-1:] or [result.message]
            return Verification(True, False, tuple(steps), (), FIX_FORMAT.format(detail=detail[0]))
        if outcome.journal_id is not None:
            journal.amend(root, outcome.journal_id, touched)
    if settings.compile:
        report = mix_compile(root, mix_env="test" if settings.test_stale else None)
        steps.append(report.result.headline())
        if not report.ok:
            errors = report.errors or report.diagnostics
            lines = tuple(d.one_line() for d in errors[:MAX_FAILURES])
            first = errors[0] if errors else None
            prompt = FIX_COMPILE.format(
                location=first.location if first else "?",
                message=first.summary if first else report.result.headline(),
            )
            return Verification(True, False, tuple(steps), lines, prompt)
    if settings.test_stale:
        tests = mix_test(root, stale=True)
        steps.append(f"{tests.result.headline()} ({tests.summary.headline()})")
        if not tests.ok:
            failed = tests.summary.failed
            lines = tuple(f.one_line() for f in failed[:MAX_FAILURES])
            if not lines:
                lines = tuple(d.one_line() for d in tests.diagnostics[:MAX_FAILURES])
            names = ", ".join(f"{f.name} ({f.failed_at or f.location})" for f in failed[:3])
            prompt = FIX_TESTS.format(
                plural="s" if len(failed) > 1 else "", tests=names or tests.result.headline()
            )
            return Verification(True, False, tuple(steps), lines, prompt)
    return Verification(True, True, tuple(steps))
