"""Fixed text of the conversation layer: what sessions tell the user and the model, and the
ensemble's hand-over to the decision maker. Used by :mod:`.session` and :mod:`.ensemble`."""

from __future__ import annotations

BASH_NO_APPROVER = (
    "Command refused: nobody can approve shell commands in this session. Use Read, Grep and "
    "Glob instead."
)
BASH_DENIED = "Command refused by the user. Do not retry it; continue without it."
BACKEND_FAILED = "The backend failed: {detail}. Retry to continue."
SINK_FAILED = "Could not record the conversation ({detail}); it goes on, unsaved."
STOPPED = "Stopped before the answer finished; the partial answer is kept: retry to continue."

PANEL_HANDOVER_INTRO = (
    "A panel answered the request below independently. Read their answers, resolve their "
    "disagreements and decide.\n\nRequest:\n{prompt}"
)
PANEL_ANSWER = '<panel_answer mode="{mode}" role="{role}">\n{text}\n</panel_answer>'
PANEL_ANSWER_PARTIAL = (
    '<panel_answer mode="{mode}" role="{role}" interrupted="true">\n{text}\n</panel_answer>'
)
PANEL_ANSWER_MISSING = '<panel_answer mode="{mode}" role="{role}" missing="{why}"/>'
