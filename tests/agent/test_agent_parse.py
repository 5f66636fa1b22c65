"""Loading agent files: every field of the real elixir-pro definition, Claude Code agents
with defaults, partial structured agents, and one-line errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_pro.agent import (
    CognitiveMode,
    EnsembleRole,
    ToolMode,
    load_agent,
)
from elixir_pro.errors import UserError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "agent"


@pytest.fixture
def real_text(repo_root: Path) -> str:
    return (repo_root / "agents" / "elixir-pro.md").read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str, name: str = "x.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_real_agent_frontmatter(repo_root: Path) -> None:
    agent = load_agent(repo_root / "agents" / "elixir-pro.md")
    assert agent.name == "elixir-pro"
    assert agent.description.startswith("Masters Elixir development with OTP patterns")
    assert agent.description.endswith("or distributed system patterns.")
    assert agent.model == "sonnet"
    assert agent.tier == "expert"
    assert agent.tools.audit == ("Read", "Grep", "Glob", "Bash")
    assert agent.tools.solution == ("Read", "Write", "Edit", "Grep", "Glob", "Bash")
    assert agent.tools.research == ("Read", "Grep", "Glob", "Bash", "WebSearch", "WebFetch")
    assert agent.tools.default_mode is ToolMode.SOLUTION
    assert agent.tools.for_mode(ToolMode.AUDIT) == agent.tools.audit
    assert agent.cognitive_modes.defined == tuple(CognitiveMode)
    assert agent.cognitive_modes.default is CognitiveMode.GENERATIVE
    critical = agent.cognitive_modes.get(CognitiveMode.CRITICAL)
    assert critical.mindset == (
        "Review code for OTP correctness, fault tolerance design, and functional purity"
    )
    assert critical.output.startswith("Supervision issues, state management bugs")
    assert critical.risk_profile.endswith("risk false positives on process design")
    informative = agent.cognitive_modes.get(CognitiveMode.INFORMATIVE)
    assert informative.risk_profile.startswith("May assume familiarity with BEAM VM internals")
    assert agent.ensemble_roles.defined == tuple(EnsembleRole)
    assert agent.ensemble_roles.default is EnsembleRole.SOLO
    assert agent.ensemble_roles.behavior(EnsembleRole.DECISION_MAKER) == (
        "Choose optimal OTP behaviors and supervision strategies for requirements"
    )
    assert agent.escalation.confidence_threshold == 0.6
    assert agent.escalation.escalate_to == "human"
    assert len(agent.escalation.triggers) == 8
    assert agent.escalation.triggers[0] == (
        "Distributed system design requiring partition tolerance decisions"
    )
    assert agent.role == "executor"
    assert agent.load_bearing is False
    assert agent.proactive_triggers == (
        "*.ex",
        "*.exs",
        "mix.exs",
        "**/lib/**/*.ex",
        "**/test/**/*_test.exs",
    )
    assert agent.version == "1.0.0"
    assert agent.source_path == repo_root / "agents" / "elixir-pro.md"
    assert agent.is_free_form is False


def test_real_agent_body_sections(repo_root: Path) -> None:
    agent = load_agent(repo_root / "agents" / "elixir-pro.md")
    assert agent.title == "Elixir Pro"
    assert agent.identity.text.startswith("You are an Elixir specialist with mastery of OTP")
    assert agent.identity.lens.startswith("OTP supervision trees and fault tolerance patterns")
    assert agent.identity.lens.endswith("implement contract recovery semantics.")
    assert agent.identity.vocabulary[:3] == ("GenServer", "GenStage", "Supervisor")
    assert agent.identity.vocabulary[-1] == "contract compliance"
    assert len(agent.identity.vocabulary) == 30

    always = agent.instructions.always
    assert [i.number for i in always] == [1, 2, 3, 4, 5, 6, 7]
    assert always[4].text == "Follow Elixir formatting standards; use `mix format` for consistency"
    generative = agent.instructions.for_mode(CognitiveMode.GENERATIVE)
    assert [i.number for i in generative] == list(range(6, 13))
    critical = agent.instructions.for_mode(CognitiveMode.CRITICAL)
    assert critical[0].number == 6
    assert critical[0].text == (
        "Profile with :observer and :fprof; identify process bottlenecks and memory issues"
    )
    assert len(critical) == 5
    assert len(agent.instructions.for_mode(CognitiveMode.EVALUATIVE)) == 3
    informative = agent.instructions.for_mode(CognitiveMode.INFORMATIVE)
    assert [i.number for i in informative] == [6, 7]

    assert len(agent.never) == 7
    assert agent.never[5] == "Use send/receive without timeout; risk process deadlocks"

    assert [s.title for s in agent.specializations] == [
        "OTP Patterns & Process Design",
        "Phoenix Framework & LiveView",
        "Distributed Systems & BEAM Optimization",
    ]
    assert all(len(s.items) == 6 for s in agent.specializations)
    assert "**Phase 6 (Detailed Design)**" in agent.pipeline_integration
    assert "### TaskMaster Integration" in agent.pipeline_integration
    assert "https://hexdocs.pm/ecto/" in agent.knowledge_sources
    assert "OTP-Patterns-MCP" in agent.knowledge_sources

    out = agent.output_format
    assert out.envelope.startswith("**Result**: {The actual deliverable}")
    assert out.envelope.splitlines()[-1].startswith("**Human Gate Required**: yes | no")
    assert out.audit.startswith("## Summary")
    assert "### [CRITICAL] {Finding Title}" in out.audit
    assert out.audit.endswith("contract compliance gaps}")
    assert out.solution.startswith("## Implementation")
    assert out.solution.endswith("human gate requirements if any}")
    assert "```" not in out.envelope + out.audit + out.solution
    assert agent.extra_sections == ()


def test_claude_code_agent_gets_defaults() -> None:
    agent = load_agent(FIXTURES / "code-reviewer.md")
    assert agent.is_free_form
    assert agent.model == "haiku"
    assert agent.tools.audit == ("Read", "Grep", "Glob")
    assert agent.tools.solution == ("Read", "Grep", "Glob")
    assert agent.tools.research == ("Read", "Grep", "Glob")
    assert agent.tools.default_mode is ToolMode.AUDIT
    assert agent.cognitive_modes.defined == (CognitiveMode.GENERATIVE,)
    assert agent.cognitive_modes.default is CognitiveMode.GENERATIVE
    assert agent.ensemble_roles.default is EnsembleRole.SOLO
    (item,) = agent.instructions.for_mode(CognitiveMode.GENERATIVE)
    assert item.text.startswith("You are a careful senior reviewer.")
    assert item.text.endswith("Be brief and concrete.")
    # the free prompt reaches every mode
    assert agent.instructions.for_mode(CognitiveMode.CRITICAL) == (item,)
    assert agent.cognitive_modes.get(CognitiveMode.CRITICAL).mindset
    assert agent.never == ()


def test_claude_code_agent_tool_modes_follow_its_tools() -> None:
    agent = load_agent(FIXTURES / "doc-writer.md")
    assert agent.tools.audit == ("Read",)
    assert agent.tools.solution == ("Read", "Write", "Edit", "WebFetch")
    assert agent.tools.research == ("Read", "WebFetch")
    assert agent.tools.default_mode is ToolMode.SOLUTION
    assert agent.color == "green"


def test_agent_without_tools_line_gets_every_tool(tmp_path: Path) -> None:
    agent = load_agent(_write(tmp_path, "---\nname: a\ndescription: b\n---\nBe useful.\n"))
    assert set(agent.tools.solution) == {
        "Read",
        "Write",
        "Edit",
        "Grep",
        "Glob",
        "Bash",
        "WebSearch",
        "WebFetch",
    }
    assert "Write" not in agent.tools.research
    assert agent.model == "sonnet"
    inherit = load_agent(
        _write(tmp_path, "---\nname: a\ndescription: b\nmodel: inherit\n---\n", "i.md")
    )
    assert inherit.model == "sonnet"


def test_partial_structured_agent() -> None:
    agent = load_agent(FIXTURES / "partial.md")
    assert not agent.is_free_form
    assert agent.tools.audit == ("Read", "Grep")
    assert agent.tools.research == ("Read", "Grep")
    assert agent.tools.default_mode is ToolMode.SOLUTION
    assert agent.cognitive_modes.default is CognitiveMode.CRITICAL
    assert agent.cognitive_modes.is_defined(CognitiveMode.INFORMATIVE)
    assert not agent.cognitive_modes.is_defined(CognitiveMode.GENERATIVE)
    assert agent.ensemble_roles.behavior(EnsembleRole.AUDITOR) == "Check the others"
    assert agent.ensemble_roles.behavior(EnsembleRole.SOLO)  # built-in behaviour
    assert agent.escalation.confidence_threshold == 0.75
    assert agent.escalation.escalate_to == "human"
    assert agent.version == "2"
    critical = agent.instructions.for_mode(CognitiveMode.CRITICAL)
    assert critical[1].text == (
        "Look for receive without after and report each one with its mailbox risk"
    )
    assert agent.instructions.for_mode(CognitiveMode.GENERATIVE) == ()
    assert agent.instructions.always[0].number is None
    assert [s.title for s in agent.extra_sections] == ["Notes"]


def _replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


BAD_EDITS: list[tuple[str, str, str, str]] = [
    # (id, old, new, expected fragment of the message)
    (
        "mindset-list",
        '    mindset: "Review code for OTP correctness, fault tolerance design, and functional '
        'purity"',
        "    mindset:\n      - a\n      - b",
        "cognitive_modes.critical.mindset: expected text, got a list",
    ),
    ("unknown-mode", "  evaluative:\n", "  planning:\n", "cognitive_modes.planning: unknown"),
    (
        "unknown-tool",
        "  audit: Read, Grep, Glob, Bash",
        "  audit: Read, Grep, Search",
        "tools.audit: unknown tool 'Search'",
    ),
    ("unknown-key", "tier: expert", "teir: expert", "teir: unknown key; allowed keys: name,"),
    ("name-number", "name: elixir-pro", "name: 42", "name: expected text, got a number (42)"),
    (
        "threshold-text",
        "confidence_threshold: 0.6",
        "confidence_threshold: high",
        "escalation.confidence_threshold: expected a number",
    ),
    (
        "threshold-range",
        "confidence_threshold: 0.6",
        "confidence_threshold: 6",
        "expected a number from 0 to 1",
    ),
    ("load-bearing", "load_bearing: false", "load_bearing: maybe", "expected true or false"),
    (
        "bad-default-mode",
        "  default_mode: solution",
        "  default_mode: fix",
        "tools.default_mode: unknown name 'fix'",
    ),
    (
        "bad-role",
        "  input_provider:\n",
        "  advisor:\n",
        "ensemble_roles.advisor: unknown ensemble role",
    ),
    (
        "missing-behavior",
        '    behavior: "Choose optimal OTP behaviors and supervision strategies for requirements"',
        '    behaviour: "Choose"',
        "ensemble_roles.decision_maker.behaviour: unknown field; allowed: behavior",
    ),
    (
        "triggers-text",
        'proactive_triggers:\n  - "*.ex"\n  - "*.exs"\n  - "mix.exs"\n'
        '  - "**/lib/**/*.ex"\n  - "**/test/**/*_test.exs"',
        "proactive_triggers:\n  {a: 1}",
        "proactive_triggers: expected a list of text, got a mapping",
    ),
    (
        "instruction-mode",
        "### When Evaluative",
        "### When Planning",
        "unknown mode 'When Planning'",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"), [e[1:] for e in BAD_EDITS], ids=[e[0] for e in BAD_EDITS]
)
def test_bad_field_is_one_located_line(
    tmp_path: Path, real_text: str, old: str, new: str, expected: str
) -> None:
    text = _replace(real_text, old, new)
    path = _write(tmp_path, text)
    with pytest.raises(UserError) as info:
        load_agent(path)
    message = str(info.value)
    assert "\n" not in message
    assert expected in message
    assert info.value.line == _line_of(real_text, old)
    assert message.startswith(f"{path}:{info.value.line}: ") or message.startswith(
        f"x.md:{info.value.line}: "
    )


def test_malformed_yaml_names_the_file_line(tmp_path: Path, real_text: str) -> None:
    text = _replace(real_text, "  escalate_to: human", "  escalate_to: [human")
    path = _write(tmp_path, text)
    with pytest.raises(UserError) as info:
        load_agent(path)
    assert "malformed YAML" in str(info.value)
    # the problem is reported at or just after the unclosed bracket, in file lines
    assert info.value.line is not None
    assert _line_of(text, "[human") <= info.value.line <= _line_of(text, "[human") + 2


def test_missing_required_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "---\nname: a\nmodel: sonnet\n---\nbody\n")
    with pytest.raises(UserError, match="missing required key 'description'"):
        load_agent(path)


@pytest.mark.parametrize(
    ("content", "expected", "line"),
    [
        ("no frontmatter here\n", "missing YAML frontmatter", 1),
        ("---\nname: a\ndescription: b\n", "not closed", 1),
        ("---\n---\nbody\n", "frontmatter is empty", 1),
        ("---\n- a\n- b\n---\n", "expected a mapping, got a list", 2),
        ("---\nname: a\nname: b\ndescription: c\n---\n", "name: duplicate key", 3),
        ("---\nname: a\ndescription: b\ntools: Read, Fly\n---\n", "unknown tool 'Fly'", 4),
        ("---\nname: a\ndescription: b\nmodel: [x]\n---\n", "model: expected text", 4),
        ("---\nname: ''\ndescription: b\n---\n", "name: expected text, got an empty value", 2),
        ("---\nname: a\ndescription: !foo b\n---\n", "description: unreadable value", 3),
        ("---\nname: two words\ndescription: b\n---\n", "name: expected one word", 2),
        (
            "---\nname: a\ndescription: b\n? |\n  multi\n  line\n: 1\n---\n",
            "multi line: unknown",
            4,
        ),
    ],
)
def test_structural_errors(tmp_path: Path, content: str, expected: str, line: int) -> None:
    with pytest.raises(UserError) as info:
        load_agent(_write(tmp_path, content))
    assert expected in str(info.value)
    assert info.value.line == line
    assert "\n" not in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such agent file"):
        load_agent(tmp_path / "nope.md")
    with pytest.raises(UserError, match="is a directory"):
        load_agent(tmp_path)


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.md"
    path.write_bytes(b"---\nname: a\ndescription: caf\xe9\n---\n")
    with pytest.raises(UserError) as info:
        load_agent(path)
    assert "not UTF-8 text (byte 0xe9)" in str(info.value)
    assert info.value.line == 3


def test_crlf_and_bom_files_load(tmp_path: Path, real_text: str) -> None:
    path = tmp_path / "crlf.md"
    path.write_bytes(b"\xef\xbb\xbf" + real_text.replace("\n", "\r\n").encode())
    agent = load_agent(path)
    assert agent.name == "elixir-pro"
    assert len(agent.instructions.for_mode(CognitiveMode.CRITICAL)) == 5
