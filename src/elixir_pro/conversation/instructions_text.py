"""Fixed text of the project-instructions block that follows the agent's own system prompt,
and of its one-line summary. Used by :mod:`elixir_pro.conversation.instructions`."""

from __future__ import annotations

HEAD = "# Project instructions"
INTRO = (
    "The files below come with this project: its own instructions (AGENTS.md, CLAUDE.md) and "
    "the usage rules its dependencies ship (usage-rules.md). Follow them where they do not "
    "conflict with the instructions above. Each is under a heading naming its file."
)
FILE_HEAD = "## {path}"
LEFT_OUT = (
    "Not included, over the {budget:,}-token budget for project instructions (Read them when "
    "they matter to the request):"
)
LEFT_OUT_ITEM = "- {path} (~{tokens:,} tokens)"

SUMMARY_NONE = "Project instructions: none found (AGENTS.md, CLAUDE.md, deps/*/usage-rules.md)"
SUMMARY_OFF = "Project instructions: off (llm.instructions_budget_tokens is 0)"
SUMMARY = "Project instructions: {count} file{s}, ~{used:,} of {budget:,} tokens"
SUMMARY_LEFT_OUT = "; not included (over budget): {items}"
TITLE = "Instructions · ~{used:,}/{budget:,} tokens"
TITLE_OFF = "Instructions · off"
LISTED_LEFT_OUT = "{path} — not included (~{tokens:,} tokens, over budget)"
