"""Audit Mode findings parsed from answers into the engine's Finding type."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_pro.agent.audit_parse import parse_audit_findings, parse_location, slug
from elixir_pro.engine.findings import Finding, Severity

ANSWERS = Path(__file__).resolve().parent.parent / "fixtures" / "agent" / "answers"


def test_canonical_report() -> None:
    findings = parse_audit_findings((ANSWERS / "audit_canonical.md").read_text())
    assert [(f.severity, f.path, f.line, f.end_line) for f in findings] == [
        (Severity.CRITICAL, "lib/courier/tracker.ex", 14, 14),
        (Severity.HIGH, "lib/courier/dispatcher.ex", 42, 51),
        (Severity.MEDIUM, "lib/courier/router.ex", 8, 8),
        (Severity.LOW, "", 0, 0),
    ]
    first = findings[0]
    assert isinstance(first, Finding)
    assert first.source == "claude"
    assert first.rule == "unsupervised-tracker-process"
    assert first.title == "Unsupervised tracker process"
    assert first.message.startswith(
        "Tracker.start/0 calls GenServer.start/3 directly, so nothing restarts it."
    )
    assert "Impact: A crash loses every in-flight delivery" in first.message
    assert "Contract: Reliability contract R2" in first.message
    assert "Recommendation: Start it under Courier.Supervisor" in first.message
    assert first.column == 1
    # the elixir code block under the HIGH finding is not part of its message
    assert "{:ack, ref} -> :ok" not in findings[1].message
    # the "## OTP Analysis" section after the last finding is not part of it
    assert "Supervision Trees" not in findings[3].message
    assert findings[3].column == 0


def test_variants(tmp_path: Path) -> None:
    text = (ANSWERS / "audit_variants.md").read_text().replace("/PROJECT", str(tmp_path))
    findings = parse_audit_findings(text, tmp_path)
    assert [(f.severity, f.title) for f in findings] == [
        (Severity.CRITICAL, "Atom leak from String.to_atom/1"),
        (Severity.HIGH, "GenServer without terminate cleanup"),
        (Severity.MEDIUM, "Blocking call inside handle_info"),
        (Severity.LOW, "Long pipeline without intermediate names"),
    ]
    assert [(f.path, f.line, f.end_line) for f in findings] == [
        ("lib/courier/router.ex", 27, 27),
        ("lib/courier/store.ex", 30, 44),
        ("lib/courier/poller.ex", 61, 61),
        ("lib/courier/report.ex", 0, 0),
    ]
    assert findings[0].message.endswith(
        "Recommendation: Use String.to_existing_atom/1 or keep strings."
    )
    assert "blocks the mailbox for up to 30 seconds, stacking messages." in findings[2].message
    assert all(f.source == "claude" for f in findings)


def test_no_findings_in_prose() -> None:
    assert parse_audit_findings((ANSWERS / "no_envelope.md").read_text()) == []
    assert parse_audit_findings("### High-level overview\nAll good.\n") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lib/a.ex:12", ("lib/a.ex", 12, 12)),
        ("`lib/a.ex:12-18`", ("lib/a.ex", 12, 18)),
        ("lib/a.ex:12:5", ("lib/a.ex", 12, 12)),
        ("./lib/a.ex:3", ("lib/a.ex", 3, 3)),
        ("lib/a.ex (line 12)", ("lib/a.ex", 12, 12)),
        ("lib/a.ex, lines 4-9", ("lib/a.ex", 4, 9)),
        ("lib/a.ex#L7", ("lib/a.ex", 7, 7)),
        ("lib/a.ex:10, lib/b.ex:20", ("lib/a.ex", 10, 10)),
        ("test/a_test.exs", ("test/a_test.exs", 0, 0)),
        ("the whole supervision tree", ("", 0, 0)),
        ("", ("", 0, 0)),
    ],
)
def test_locations(text: str, expected: tuple[str, int, int]) -> None:
    assert parse_location(text) == expected


def test_absolute_path_outside_project_is_kept(tmp_path: Path) -> None:
    assert parse_location("/elsewhere/a.ex:3", tmp_path) == ("/elsewhere/a.ex", 3, 3)


def test_slug() -> None:
    assert slug("receive without after in Dispatcher.await_ack/1") == (
        "receive-without-after-in-dispatcher-await-ack-1"
    )
    assert slug("!!!") == "claude"
    assert len(slug("word " * 40)) <= 60
