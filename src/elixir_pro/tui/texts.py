"""Text the TUI sends to the agent or shows at length, kept apart from the screens' logic."""

from __future__ import annotations

REVIEW_LAST_CHANGE_PROMPT = (
    "Review my last change (the git diff below) for OTP correctness, fault tolerance, "
    "pattern-matching gaps and anything that would fail at run time. Files: {paths}."
)

REVIEW_DIFF_CONTEXT = "The diff of the changed files against HEAD:\n\n```diff\n{diff}\n```\n"

GATE_INTRO = (
    "The answers that staged these changes escalated to a human (each reason names its pane). "
    "Read why below; the changes are applied only once you acknowledge."
)

NO_CHANGES = "No changed files since HEAD: nothing to review."

REVIEW_OUTCOME_CONTEXT = "What happened to your staged changes in the review:\n{outcome}\n\n"
