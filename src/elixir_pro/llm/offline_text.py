"""Text templates of the offline engine's answers (no logic here).

The offline backend (:mod:`elixir_pro.llm.offline_backend`) fills these in. Each answer says
it comes from the offline engine, what Claude would add, and ends with the agent's output
envelope filled in honestly (static analysis only: confidence is never "high").
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
    "The engine analysed {files} file(s) in {scope} and found {count} finding(s){breakdown}.\n"
)
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
)
FINDING_FIXABLE = " A safe autofix exists (`elixir-pro fix`)."
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
RECOMMENDATION_LINE = "{n}. Fix the {severity} findings ({count}): {rules}.\n"
RECOMMENDATION_NONE = (
    "1. Nothing the rules check needs fixing; review design questions with Claude.\n"
)
FIXES_STAGED = (
    "\n{count} file(s) have safe autofixes staged for your review (nothing is written until "
    "you accept them).\n"
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
TRADEOFF_LINE = "- **{title}** ({count}× `{rule}`, e.g. {location}): {tradeoff}\n"
TRADEOFF_DEFAULT = "fixing it costs little now; leaving it trades robustness for speed of change."
TRADEOFFS_NONE = "- The rules raise no trade-offs for {scope}.\n"
CLAUDE_ADDS_EVALUATIVE = (
    "\n**What Claude would add**: weighing the options against your requirements (load, "
    "failure modes, team, operations), alternatives such as GenServer vs Agent vs Task or "
    "clustering, and a recommendation with reasons.\n"
)

# -- informative ------------------------------------------------------------------------------
DOCS_HEAD = "## Local documentation\n"
DOC_ENTRY = "\n### `{symbol}`\n{text}\n"
DOC_MISSING = "_No local docs: {message}_"
DOCS_NONE = (
    "No Elixir symbol (such as `GenServer.call/3` or `Enum`) was recognised in the question, "
    "so there is nothing to look up locally.\n"
)
CLAUDE_ADDS_INFORMATIVE = (
    "\n**What Claude would add**: an explanation in context, how the pieces fit your code, "
    "examples and pitfalls beyond the reference docs.\n"
)

# -- generative / solution -------------------------------------------------------------------
GEN_HEAD = "## Implementation\n"
GEN_FIXES = (
    "The engine staged safe autofixes for {count} file(s) in {scope}; review them before "
    "anything is written:\n"
)
GEN_FIX_LINE = "- `{path}` (+{added} −{removed})\n"
GEN_NO_FIXES = (
    "The engine has no safe automatic fix for {scope}: it can only repair well-understood "
    "patterns (missing `@impl`, `receive` without `after`, catch-all logging).\n"
)
GEN_NO_ENGINE = "The engine's autofixes are not available in this build.\n"
CLAUDE_ADDS_GENERATIVE = (
    "\n**What Claude would add**: the implementation you asked for (new modules, GenServers, "
    "supervision trees, tests) designed for your requirements; the offline engine cannot "
    "write new code.\n"
)

# -- the envelope ------------------------------------------------------------------------------
ENVELOPE = (
    "\n**Result**: {result}\n"
    "**Confidence**: {confidence}\n"
    "**Uncertainty Factors**: {uncertainty}\n"
    "**Verification**: {verification}\n"
    "**OpenSpec Compliance**: Not assessed: the offline engine reads no OpenSpec contracts.\n"
    "**Pipeline Impact**: Not assessed offline.\n"
    "**Human Gate Required**: {gate}\n"
)
UNCERTAINTY_STATIC = (
    "Static analysis only: no runtime behaviour, no understanding of intent; the rules can miss "
    "problems and flag acceptable trade-offs."
)
UNCERTAINTY_DOCS = "Reference documentation only; it does not know your code or your goal."
UNCERTAINTY_GEN = "Only mechanical fixes; the requested design or implementation is not done."
VERIFY_AUDIT = "Check each finding at its location; run `mix compile` and `mix test`."
VERIFY_DOCS = "Read the docs with `h Module.fun` in `iex`."
VERIFY_GEN = "Review the staged diff, then run `mix format`, `mix compile` and `mix test`."
GATE_NO = "no — the offline engine makes no architectural decisions."
GATE_MECHANICAL = (
    "no — only mechanical fixes are staged; design decisions stay with you (and Claude)."
)

RESULT_AUDIT = "{count} finding(s) from the engine's static rules ({scope})."
RESULT_EVAL = "Supervision map and {count} trade-off(s) raised by the findings ({scope})."
RESULT_DOCS = "Local documentation for {count} symbol(s)."
RESULT_GEN = "{count} file(s) with safe autofixes staged for review ({scope})."

# Trade-offs by rule id (evaluative answers); a rule without an entry gets TRADEOFF_DEFAULT.
TRADEOFFS: dict[str, str] = {
    "receive-without-after": (
        "an `after` clause bounds the wait at the cost of deciding what a timeout means"
    ),
    "missing-impl": "`@impl true` costs nothing and catches callback typos at compile time",
    "unsupervised-process": (
        "supervising the process adds a child spec and restart policy but stops silent deaths"
    ),
    "n-plus-one": "preloading costs memory per query but removes a round trip per row",
    "changeset-bypass": "going through a changeset adds validation code but keeps bad data out",
    "catch-all-logging": "a catch-all clause keeps the process alive but can hide real errors",
}
