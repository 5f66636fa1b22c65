"""Text templates of the offline engine's answers (no logic here): the header, reviews,
assessments, docs and the envelope. Fixes, generators, comparisons, the panel's decision and
the help answer are in :mod:`elixir_pro.llm.offline_text_tasks`.

The offline backend's modules fill these in. Each answer says it comes from the offline
engine, what Claude would add, and ends with the agent's output envelope filled in honestly
(static analysis only: confidence is never "high"), each field its own paragraph.
"""

from __future__ import annotations

HEADER = (
    "_Offline engine answer ({mode} mode): elixir-pro's own Elixir analysis, no Claude. {why}_\n\n"
)
WHY_NO_KEY = "Set ANTHROPIC_API_KEY to ask Claude."
WHY_OFFLINE = "Offline mode was chosen."

SCOPE_PROJECT = "the whole project"
SCOPE_PATHS = "{paths}"

# -- critical (Audit Mode format) ---------------------------------------------------------
AUDIT_SUMMARY = (
    "## Summary\n"
    "The engine analysed {files} file(s) in {scope} as they are on disk and found {count} "
    "finding(s){breakdown}.\n"
)
AUDIT_STAGED = (
    "\n{count} of them have fixes staged and pending your review (ctrl+g): the code on disk "
    "still has them until the staged changes are applied.\n"
)
AUDIT_INTRODUCED = (
    "\nThe staged changes to {paths} would add {count} finding(s) that the code on disk does "
    "not have:\n"
)
INTRODUCED_LINE = "- [{severity}] {title} at {location}: {issue}\n"
AUDIT_NO_ENGINE = (
    "## Summary\nThe engine's rule analyser is not available in this build, so no findings "
    "could be computed for {scope}.\n"
)
FINDINGS_HEAD = "\n## Findings\n"
NO_FINDINGS = "No rule fired on {scope}.\n"
FINDING = (
    "\n### [{severity}] {title}\n"
    "- **Location**: {location}\n"
    "- **Issue**: {issue}\n"
    "- **Impact**: {impact}\n"
    "- **Recommendation**: {recommendation}\n"
    "{staged}"
)
FINDING_FIXABLE = ' A safe autofix exists: ask "fix {path}" to stage it.'
FINDING_STAGED = (
    "- **Staged**: a fix is staged for your review (ctrl+g); the file on disk still has this "
    "problem.\n"
)
DEFAULT_IMPACT = {
    "critical": "Can crash or hang the system in production.",
    "high": "Likely to fail under load or on an unexpected message.",
    "medium": "A maintainability or robustness risk.",
    "low": "A style or clarity issue.",
}
DEFAULT_RECOMMENDATION = "See rule `{rule}` in `elixir-pro audit --help` and fix at the location."
MORE_FINDINGS = "\n_…and {count} more finding(s) of lower priority (see `elixir-pro audit`)._\n"
OTP_HEAD = "\n## OTP Analysis\n- **Supervision Trees**:\n\n```\n{tree}\n```\n"
OTP_UNAVAILABLE = "\n## OTP Analysis\n- **Supervision Trees**: {reason}\n"
RECOMMENDATIONS_HEAD = "\n## Recommendations\n"
RECOMMENDATION_LINE = "{n}. Fix the {severity} findings ({count}): {rules}.{staged}\n"
RECOMMENDATION_STAGED = " Fixes for {count} of them are staged: review them with ctrl+g."
RECOMMENDATION_NONE = (
    "1. Nothing the rules check needs fixing; review design questions with Claude.\n"
)
CLAUDE_ADDS_CRITICAL = (
    "\n**What Claude would add**: a reading of the code's intent, problems no static rule "
    "covers (race conditions, wrong restart semantics for the domain, message protocols), "
    "and fixes for the findings the engine cannot fix safely.\n"
)

# -- evaluative -----------------------------------------------------------------------------
EVAL_INTRO = (
    "## Supervision map\nThe supervision structure the engine reads from the code "
    "({scope}):\n\n```\n{tree}\n```\n"
)
EVAL_NO_MAP = "## Supervision map\n{reason}\n"
TRADEOFFS_HEAD = "\n## Trade-offs the findings raise\n"
TRADEOFF_LINE = "- **{title}** ({count}× `{rule}`, e.g. {location}): {tradeoff}{staged}\n"
TRADEOFF_STAGED = " Fixes for {count} of them are staged but not applied yet."
TRADEOFF_DEFAULT = "fixing it costs little now; leaving it trades robustness for speed of change."
TRADEOFFS_NONE = "- The rules raise no trade-offs for {scope}.\n"
CLAUDE_ADDS_EVALUATIVE = (
    "\n**What Claude would add**: weighing the options against your requirements (load, "
    "failure modes, team, operations) and a recommendation with reasons. Offline, ask a "
    'comparison such as "Registry vs :global" or "GenServer vs Agent" for the local '
    "knowledge base's trade-offs tied to this project.\n"
)

# -- informative ------------------------------------------------------------------------------
DOCS_HEAD = "## Local documentation\n"
DOC_ENTRY = "\n### `{symbol}`\n{text}\n"
DOC_MISSING = "_No local docs: {message}_"
DOCS_NONE = (
    "No Elixir symbol (such as `GenServer.call/3`, `Enum` or `:ets`) and no module of this "
    "project was recognised in the question, so there is nothing to look up locally.\n"
)
PROJECT_MODULE = "\n### `{module}` (this project: {path}:{line})\n{details}"
PROJECT_FUNCTION = "\n### `{function}` (this project: {location})\n{details}"
PROJECT_KIND = "- **Process**: {kind}{supervisor}\n"
PROJECT_SUPERVISOR = ", started by `{supervisor}`"
PROJECT_NOT_SUPERVISED = ", not reached from any supervision tree"
PROJECT_PUBLIC = "- **Public functions**: {functions}\n"
PROJECT_FINDINGS = "- **Findings in its file**: {findings}\n"
PROJECT_NO_FINDINGS = "- **Findings in its file**: none\n"
PROJECT_DOC = "\n{doc}\n"
PROJECT_SNIPPET = "\n```elixir\n{code}\n```\n"
PROJECT_FUNCTION_MISSING = "_No definition of `{function}` found in {path}._\n"
CLAUDE_ADDS_INFORMATIVE = (
    "\n**What Claude would add**: an explanation in context, how the pieces fit your code, "
    "examples and pitfalls beyond the reference docs.\n"
)

# -- the envelope ------------------------------------------------------------------------------
ENVELOPE = (
    "\n**Result**: {result}\n\n"
    "**Confidence**: {confidence}\n\n"
    "**Uncertainty Factors**: {uncertainty}\n\n"
    "**Verification**: {verification}\n\n"
    "**OpenSpec Compliance**: Not assessed: the offline engine reads no OpenSpec contracts.\n\n"
    "**Pipeline Impact**: Not assessed offline.\n\n"
    "**Human Gate Required**: {gate}\n"
)
UNCERTAINTY_STATIC = (
    "Static analysis only: no runtime behaviour, no understanding of intent; the rules can miss "
    "problems and flag acceptable trade-offs."
)
UNCERTAINTY_DOCS = "Reference documentation only; it does not know your code or your goal."
VERIFY_AUDIT = "Check each finding at its location; run `mix compile` and `mix test`."
VERIFY_DOCS = "Read the docs with `h Module.fun` in `iex`."
GATE_NO = "no — the offline engine makes no architectural decisions."

RESULT_AUDIT = "{count} finding(s) from the engine's static rules in {scope}, as on disk{staged}."
RESULT_AUDIT_STAGED = "; fixes for {count} of them are staged for review"
RESULT_EVAL = "Supervision map and {count} trade-off(s) raised by the findings ({scope})."
RESULT_DOCS = "Local documentation for {count} symbol(s)."

# Trade-offs by rule id (evaluative answers); a rule without an entry gets TRADEOFF_DEFAULT.
TRADEOFFS: dict[str, str] = {
    "receive-without-after": (
        "an `after` clause bounds the wait at the cost of deciding what a timeout means"
    ),
    "missing-impl": "`@impl true` costs nothing and catches callback typos at compile time",
    "unsupervised-long-lived-process": (
        "supervising the process adds a child spec and restart policy but stops silent deaths"
    ),
    "n-plus-one": "preloading costs memory per query but removes a round trip per row",
    "changeset-bypass": "going through a changeset adds validation code but keeps bad data out",
    "genserver-missing-catch-all": (
        "a catch-all clause keeps the process alive on a stray message but can hide real errors"
    ),
    "process-leak": "awaiting or supervising every task costs a line but bounds memory and work",
    "unsafe-atom-creation": (
        "String.to_existing_atom/1 rejects unknown input, at the cost of handling that error"
    ),
    "genserver-call-infinity": (
        "a finite timeout turns a hung callee into a crash you can see, not a stuck caller"
    ),
}
