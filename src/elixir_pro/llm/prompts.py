"""Fixed text the backends send to Claude or show the user (apart from the loop's logic).

Used by :mod:`elixir_pro.llm.context`, :mod:`elixir_pro.llm.anthropic_backend`,
:mod:`elixir_pro.llm.api_errors` and :mod:`elixir_pro.llm.retry`.
"""

from __future__ import annotations

CONTEXT_INTRO = "Files the user added to the context (paths relative to the project root):"
CONTEXT_FILE = '<file path="{path}">\n{text}\n</file>'
CONTEXT_TRUNCATED = "[... truncated: {shown} of {total} characters shown]"
CONTEXT_SKIPPED = '<file path="{path}" skipped="{reason}"/>'
EXTRA_CONTEXT = "Additional context:\n{text}"
REQUEST = "Request:\n{prompt}"

CONTINUE_AFTER_MAX_TOKENS = (
    "Your answer was cut off by the output limit. Continue exactly where you stopped, "
    "without repeating anything."
)
BAD_TOOL_INPUT = (
    "Invalid input: {name} was not run because {why}. Send the call again with its input as "
    "one JSON object."
)
TOOL_ROUNDS_EXCEEDED = (
    "Not run: the limit of {limit} tool rounds for this request is reached. "
    "Answer now with what you have found so far."
)

# Notices shown to the user.
RETRY_WAIT = "{what}; waiting {seconds:.1f} s before retry {attempt} of {limit}"
TOOL_ROUNDS_NOTICE = "Tool round limit ({limit}) reached: asking Claude to answer with what it has."
CONTINUING_NOTICE = (
    "The answer hit the output limit ({max_tokens} tokens); asking Claude to continue."
)
PAUSE_NOTICE = "Claude paused a long server-side tool run; resuming it."
TRUNCATED_NOTICE = (
    "The answer is cut off: it hit the output limit ({max_tokens} tokens) again after "
    "{limit} continuations; what is shown is incomplete (ask for the rest, or raise "
    "llm.max_tokens)."
)
PAUSED_NOTICE = (
    "Stopped after {limit} resumptions of a long server-side tool run; the answer is "
    "incomplete (ask again to go on)."
)
NO_TOOL_CALL_NOTICE = (
    "Claude stopped to use a tool but asked for none this app runs; the turn ends here."
)
MODEL_FALLBACK = "Could not list models ({reason}); using {model}."
MODEL_NO_LINE = "No active '{line}' model was listed; using {model}."

# TurnError messages (one line each).
ERR_AUTH = "Claude rejected the API key (HTTP {status}): check ANTHROPIC_API_KEY."
ERR_PERMISSION = "The API key may not use this model or feature (HTTP 403): {detail}"
ERR_RATE_LIMIT = "Rate limited by the Anthropic API after {attempts} attempts: retry in a moment."
ERR_OVERLOADED = "The Anthropic API is overloaded (HTTP {status}) after {attempts} attempts: retry."
ERR_SERVER = (
    "The Anthropic API failed with a server error (HTTP {status}) after {attempts} attempts: "
    "retry in a moment."
)
ERR_CONNECTION = (
    "The connection to the Anthropic API at {url} failed ({detail}): retry when connected."
)
ERR_CONNECT_TIMEOUT = (
    "Could not connect to the Anthropic API at {url} within {seconds:g} s "
    "(llm.connect_timeout_s): retry when connected."
)
ERR_IDLE = (
    "The Anthropic API at {url} sent nothing for {seconds:g} s (llm.idle_timeout_s) on "
    "{attempts} attempts: retry when it responds."
)
ERR_IDLE_PARTIAL = (
    "The answer stalled: nothing arrived for {seconds:g} s (llm.idle_timeout_s); the partial "
    "answer is kept, marked interrupted: retry to continue."
)
ERR_EMPTY_STREAM = (
    "The Anthropic API answered with an empty stream (HTTP 200, no events) {attempts} times: "
    "retry in a moment."
)
ERR_CUT_STREAM = (
    "The answer broke off: {detail}; the partial answer is kept, marked interrupted: retry to "
    "continue."
)
BUDGET_SPENT = "stopped retrying after {attempts} attempts: llm.retry_budget_s is {budget:g} s"
ERR_CONTEXT = (
    "The conversation is too long for the model's context window: start a new session or "
    "drop context files."
)
ERR_NOT_FOUND = "The Anthropic API says not found (HTTP 404): {detail} (is the model id right?)"
ERR_BAD_REQUEST = "The Anthropic API rejected the request (HTTP {status}): {detail}"
ERR_API = "The Anthropic API failed (HTTP {status}): {detail}"
ERR_INTERRUPTED = (
    "The answer broke off ({detail}); the partial answer is kept, marked interrupted: retry to "
    "continue."
)
ERR_REFUSAL = "Claude declined to answer this request (stop reason: refusal)."
ERR_TOOL_ROUNDS = "Stopped after {limit} tool rounds without a final answer; retry to continue."
ERR_UNEXPECTED = "The Anthropic client failed: {detail}"
