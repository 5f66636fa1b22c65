"""Text the check before apply sends to the conversation when the person asks Claude to fix
what the shadow build found. Kept apart from the logic in ``compiler.precheck``."""

from __future__ import annotations

FIX_PROPOSED = (
    "The change you staged does not pass the compiler check before apply "
    "(nothing has been applied yet). Fix it by staging corrected edits:\n{problems}"
)
PROBLEM_LINE = "- {location}: {severity}: {message}"
UNFORMATTED_LINE = "- {path}: not formatted (mix format would change {where})"
