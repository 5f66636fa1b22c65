"""Answer parsing never fails, whatever the model writes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from elixir_pro.agent.audit_parse import parse_audit_findings
from elixir_pro.agent.envelope import parse_envelope

PIECES = [
    "**Result**: ",
    "**Confidence**: ",
    "## Confidence\n",
    "Human Gate Required: ",
    "- **Location**: ",
    "### [HIGH] ",
    "### [CRITICAL]",
    "```",
    "```elixir\n",
    "high",
    "72%",
    "yes — ",
    "lib/a.ex:",
    "12",
    "\n",
    "\n\n",
    "- ",
    "**",
    ":",
]

answer = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=40).map(
    "".join
)


@settings(max_examples=300, deadline=None)
@given(answer)
def test_parsers_accept_any_text(text: str) -> None:
    env = parse_envelope(text)
    assert env.confidence_value is None or 0.0 <= env.confidence_value <= 1.0
    assert env.human_gate in (True, False, None)
    assert (env.confidence_value is None) == (env.confidence_label is None)
    for finding in parse_audit_findings(text):
        assert finding.source == "claude"
        assert finding.line >= 0 and finding.end_line >= finding.line
        assert finding.rule
