"""Fixed text of compaction: the summary request sent to the model, the marked summary block
that replaces the older turns in the history, and what the user is told. Used by
:mod:`elixir_pro.conversation.compaction`."""

from __future__ import annotations

SYSTEM = (
    "You summarise a conversation between a developer and an Elixir/OTP pair-programmer so "
    "that it can go on without the full transcript. Keep what the rest of the conversation "
    "needs: the developer's goals and constraints, decisions made and why, files, modules and "
    "functions discussed (with paths), changes proposed or staged, findings, open questions "
    "and what was about to happen next. Drop pleasantries and repeated tool output. Write "
    "plain markdown, at most about 600 words, no preamble."
)
REQUEST = (
    "Summarise the conversation below (the oldest part of a longer one; an earlier summary "
    "may open it: fold it in).\n\n<transcript>\n{transcript}\n</transcript>"
)
SUMMARY_BLOCK = (
    '<conversation_summary turns="{turns}">\n'
    "The earlier part of this conversation, summarised to save room:\n\n{summary}\n"
    "</conversation_summary>"
)
SUMMARY_ACK = "Understood: I continue from that summary of our earlier conversation."

ROLE_LINE = "[{role}]"
TOOL_CALL = "[tool call {name} {input}]"
TOOL_RESULT = "[tool result{error}: {text}]"
CUT = "[… {count:,} characters left out …]"

NOTHING_TO_COMPACT = "Nothing to compact yet: the {mode} pane has {turns} turn{s} to keep."
OFFLINE = "The offline engine keeps no model context: nothing to compact."
FAILED = "Could not compact the conversation: {detail}"
OVERFLOW = (
    "The conversation filled the model's context window: compacting the older turns and "
    "retrying once."
)
