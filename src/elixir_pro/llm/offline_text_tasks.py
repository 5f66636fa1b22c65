"""Text templates of the offline answers that do a task (no logic here): scoped fixes, the
generators hook, comparisons from the knowledge base, the panel's decision and the answer
that says what the offline engine can do. Filled in by the ``llm/offline_*.py`` modules;
the shared templates (header, envelope) are in :mod:`elixir_pro.llm.offline_text`.
"""

from __future__ import annotations

# -- fixes ----------------------------------------------------------------------------------
FIX_HEAD = "## Implementation\n"
FIX_STAGED = (
    "Staged safe autofixes in {scope}{rules}; nothing is written until you accept them in "
    "the review (ctrl+g):\n"
)
FIX_RULES = " for {rules}"
FIX_LINE = "- `{path}` (+{added} −{removed}): {what}\n"
FIX_WHAT = "{title} (line {line})"
FIX_ALREADY = "\nAlready staged by an earlier turn (still pending review): {items}.\n"
FIX_NONE = "The engine found nothing with a safe autofix in {scope}{rules}.\n"
FIX_LEFT_HEAD = "\nNot fixed automatically (no safe autofix; the rule's advice):\n"
FIX_LEFT_LINE = "- [{severity}] {title} at {location}: {recommendation}\n"
FIX_LEFT_MORE = "- …and {count} more (see `elixir-pro audit`).\n"
FIX_NEED_TARGET = (
    "Nothing was staged: say what to fix. Safe autofixes exist for {count} finding(s) in "
    "{files} file(s):\n"
)
FIX_NEED_TARGET_NONE = (
    "Nothing was staged: the engine has no safe autofix for any finding in the project.\n"
)
FIX_CANDIDATE = "- `{path}`: {rules}\n"
FIX_EXAMPLES = "\nFor example:\n"
FIX_EXAMPLE = '- "{prompt}"\n'
FIX_READ_ONLY = (
    "Nothing was staged: the {tool} tool mode is read-only. Switch to the solution tool mode "
    "to stage these fixes:\n"
)
FIX_UNAVAILABLE = "The engine's autofixes are not available: {reason}.\n"
CLAUDE_ADDS_FIX = (
    "\n**What Claude would add**: fixes for the findings no safe autofix covers, and changes "
    "that need to understand what the code is for.\n"
)
RESULT_FIX = "{count} file(s) with safe autofixes staged for review ({scope})."
RESULT_FIX_NONE = "Nothing staged ({why})."
UNCERTAINTY_FIX = (
    "Mechanical fixes of well-understood patterns; each fixed file is re-parsed, but what a "
    "timeout or a stray message should mean in your domain is a choice the fix cannot make."
)
VERIFY_FIX = "Review the staged diff, then run `mix format`, `mix compile` and `mix test`."
GATE_MECHANICAL = (
    "no — only mechanical fixes are staged; design decisions stay with you (and Claude)."
)

# -- create (generators) ----------------------------------------------------------------------
CREATE_HEAD = "## Implementation\n"
CREATE_NO_MATCH = (
    "No generator matches this request, so nothing was staged. The offline generators create:\n"
)
# Example prompts for the catalog's kinds (by kind id); kinds without one are listed by title.
CREATE_EXAMPLES: dict[str, str] = {
    "genserver": "Write a GenServer named Inventory",
    "dynamic_supervisor": "Write a DynamicSupervisor that starts one CartSession process per user",
    "supervisor": "Create a supervisor named Billing.Supervisor",
    "registry": "Create a Registry named SessionRegistry",
    "task_supervisor": "Create a Task.Supervisor named Jobs",
    "partition_supervisor": "Create a PartitionSupervisor named Workers",
    "periodic_worker": "Write a periodic worker named Cleanup",
    "agent": "Create an Agent named Settings",
    "rate_limiter": "Write a rate limiter named ApiLimiter",
    "ets_cache": "Write an ETS cache named PriceCache",
    "ecto_schema": "Create an Ecto schema Product with name:string price:integer",
    "live_view": "Create a LiveView named Dashboard",
}
CREATE_EXAMPLE = "generate OTP code wired into the supervision tree (solution tool mode)"
CREATE_CATALOG_LINE = '- {title}: "{example}"\n'
CREATE_FAILED = "Nothing was staged: {reason}\n"
CREATE_BROKE = "the generator failed ({error})."
CREATE_STAGED = (
    "Generated {title}; staged for your review (ctrl+g), nothing is written until you accept it:\n"
)
CREATE_FILE = "- `{path}` ({what}, +{added} −{removed})\n"
CREATE_NEW = "new"
CREATE_EDITED = "edited"
CREATE_CHILDREN = "\nAdded under `{supervisor}` ({path}): {children}.\n"
CREATE_TEST = "\nIts test: `{path}` (run `mix test {path}`).\n"
CREATE_NOTE = "- {note}\n"
CREATE_NOTES_HEAD = "\nLeft to you:\n"
CLAUDE_ADDS_CREATE = (
    "\n**What Claude would add**: code shaped by your requirements (the messages, the state, "
    "the failure handling), beyond the templates the offline generators fill in.\n"
)
RESULT_CREATE = "{title} generated and staged for review ({count} file(s))."
RESULT_CREATE_NONE = "Nothing generated: {why}."
UNCERTAINTY_CREATE = (
    "Template code: it compiles and its test passes, but the behaviour inside the callbacks "
    "is a starting point, not your domain logic."
)
GATE_CREATE = "no — template code for one process; the design choices in it are yours to review."
VERIFY_CREATE = (
    "Review the staged files, then run `mix compile --warnings-as-errors` and `mix test`."
)

# -- comparisons ------------------------------------------------------------------------------
COMPARE_HEAD = "## {title}\n{question}\n"
COMPARE_OPTION = (
    "\n### {name}\n{summary}\n\n"
    "- **Strengths**: {strengths}\n"
    "- **Costs**: {costs}\n"
    "- **Choose it when**: {choose_when}\n"
    "- **In this project**: {in_project}\n"
    "- **Sources**: {sources}\n"
)
COMPARE_USED = "used, e.g. at {places}"
COMPARE_USED_MORE = " ({count} places)"
COMPARE_UNUSED = "not used"
COMPARE_ABSENT = "yes: the code shows none of {facts}"
COMPARE_UNKNOWN = "unknown (the engine could not read the project)"
COMPARE_ALSO = "\n_Also in this comparison_: {others}.\n"
COMPARE_ALSO_ONE = "**{name}** ({summary})"
COMPARE_PROJECT_HEAD = "\n## For this project\n"
COMPARE_PROJECT_USES = "- It uses {used}; it does not use {unused}.\n"
COMPARE_PROJECT_ALL = "- It uses {used}.\n"
COMPARE_PROJECT_NONE = "- It uses none of {names} yet.\n"
COMPARE_KEEP = (
    "- Keeping {used} fits while this holds: {choose_when} Moving to {other} is worth it "
    "when: {other_when}\n"
)
COMPARE_PICK = "- {name}: {choose_when}\n"
COMPARE_NOTE = "- {note}\n"
COMPARE_SOURCES = "\nSources: {sources}\n"
CLAUDE_ADDS_COMPARE = (
    "\n**What Claude would add**: the choice for your requirements (load, failure modes, team, "
    "operations), weighed with reasons; the knowledge base gives the facts, not the decision.\n"
)
RESULT_COMPARE = "{title}: {names} compared from the local knowledge base, with the project's use."
UNCERTAINTY_COMPARE = (
    "General trade-offs from a curated knowledge base; the project's use is read from its code, "
    "not from how it behaves under load."
)
VERIFY_COMPARE = "Check the sources listed; measure before changing a design for performance."
GATE_COMPARE = "yes — {reason}."

# -- the panel's decision -------------------------------------------------------------------
PANEL_HEAD = "## Panel decision\nThe question: {question}\n"
PANEL_MEMBERS_HEAD = "\n### What each member answered\n"
PANEL_MEMBER = "- **{mode}** ({role}): {result} Confidence: {confidence}.\n"
PANEL_OWN_ROLE = "decision maker, its answer below"
PANEL_MEMBER_MISSING = "- **{mode}** ({role}): no answer ({why}).\n"
PANEL_AGREE_HEAD = "\n### Where they agree\n"
PANEL_AGREE_ITEM = "- {what} is named by {modes}.\n"
PANEL_AGREE_CONFIDENCE = "- All {count} answers give the same confidence: {confidence}.\n"
PANEL_AGREE_GATE = "- None of them asks for a human gate.\n"
PANEL_AGREE_NONE = "- They name nothing in common.\n"
PANEL_DIFFER_HEAD = "\n### Where they differ\n"
PANEL_DIFFER_ITEM = "- Only {mode} names {items}.\n"
PANEL_DIFFER_CONFIDENCE = "- Confidence differs: {levels}.\n"
PANEL_DIFFER_GATE = "- {modes} ask(s) for a human gate; the others do not.\n"
PANEL_DIFFER_NONE = "- Nothing: each answer covers the same ground.\n"
PANEL_DECISION_HEAD = "\n### Decision ({mode} mode, on the question)\n"
PANEL_STAGED_NOTE = (
    "\nThe members ran read-only; {count} staged file(s) from this decision are pending your "
    "review (ctrl+g).\n"
)
RESULT_PANEL = "Summary of {count} panel answer(s) on the question, then the {mode} answer: {own}"

# -- what the offline engine can do -------------------------------------------------------------
HELP_HEAD = "## What the offline engine answers\n"
HELP_NOT_UNDERSTOOD = (
    "The offline engine did not find a request it can answer in this prompt{mode_hint}. It "
    "reads the prompt for what is asked (create, review, fix, compare, explain) and about what "
    "(files, `@paths`, modules of this project, Elixir and Erlang symbols). Prompts that work "
    "here:\n"
)
HELP_MODE_HINT = " (in the {mode} pane)"
HELP_EXAMPLE = '- {what}: "{prompt}"\n'
# (what, prompt) with the project's {file}, {fixable} file and {module}; the generators'
# examples go after the first two.
HELP_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("review a file (critical)", "review {file}"),
    ("stage safe fixes for one file (solution tool mode)", "fix {fixable}"),
    ("stage every safe fix", "fix all"),
    ("weigh the design (evaluative)", "is the supervision design sound?"),
    ("compare OTP choices against the project's code", "Registry vs :global"),
    ("compare process abstractions", "GenServer vs Agent vs Task"),
    ("explain a module of this project", "explain {module}"),
    ("read the docs of a symbol (informative)", "explain GenServer.call/3"),
)
CLAUDE_ADDS_HELP = (
    "\n**What Claude would add**: an answer to any question in your own words, about any part of "
    "the code.\n"
)
RESULT_HELP = "No offline answer for this prompt; examples of prompts that work are listed."
UNCERTAINTY_HELP = "The prompt was not understood by the offline engine's request reader."
VERIFY_HELP = "Rephrase with one of the examples, or set ANTHROPIC_API_KEY to ask Claude."
GATE_NO_COMPARE = "no — the knowledge base states trade-offs; the choice stays with you."

# -- a path that does not exist ---------------------------------------------------------------
MISSING_HEAD = "## Not found\n"
MISSING_LINE = "- `{path}` is not a file or folder of this project.{hint}\n"
MISSING_CLOSE = " Did you mean {paths}?"
RESULT_MISSING = "Nothing answered: {paths} not found in the project."
VERIFY_MISSING = "Check the path (relative to the project root) and ask again."
