"""The implementation gate (phase 7) and the test gate (phase 8): engine findings, a strict
compile, the test suite, GenServers referenced by tests, and supervision recovery tests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tree_sitter import Node

from elixir_pro.engine.findings import Severity
from elixir_pro.engine.mix import CompileReport, TestReport
from elixir_pro.engine.parse import call_target, node_text, walk
from elixir_pro.engine.supervision_model import ProcessKind
from elixir_pro.pipeline.facts import ProjectFacts, calls, line_of, referenced_modules
from elixir_pro.pipeline.gates_model import Check, Evidence, Gate, Status

_KILLS = ("Process.exit", ":erlang.exit", "GenServer.stop", "Supervisor.terminate_child")
_RESTART_PROBES = (
    "Process.whereis",
    "GenServer.whereis",
    "Registry.lookup",
    "Supervisor.which_children",
    "Supervisor.count_children",
    "DynamicSupervisor.which_children",
    "DynamicSupervisor.count_children",
)


def _no_high_findings(facts: ProjectFacts) -> Check:
    serious = [f for f in facts.findings if f.severity.at_least(Severity.HIGH)]
    check = Check(
        "implementation.no-high-findings",
        "No engine finding at or above high",
        Status.FAIL if serious else Status.PASS,
        [Evidence(f"[{f.severity.value}] {f.rule}: {f.message}", f.path, f.line) for f in serious],
        fix="fix or suppress (with a reason) each finding: `elixir-pro audit` explains them, "
        "`elixir-pro fix` stages the safe autofixes",
    )
    if facts.audit_error is not None:
        check.status = Status.UNKNOWN
        check.evidence.append(Evidence(f"the audit did not run: {facts.audit_error}"))
    elif not serious:
        check.evidence.append(Evidence(f"{len(facts.findings)} finding(s), none high or critical"))
    return check


def _mix_check(
    check: Check, report: CompileReport | TestReport | None, skipped: str | None
) -> bool:
    """Fill ``check`` for a mix run that did not happen or could not finish; True when the
    report is there to be judged."""
    if report is None:
        check.evidence.append(Evidence(skipped or "not run"))
        return False
    if report.result.unavailable or report.result.timed_out:
        check.evidence.append(Evidence(report.result.headline()))
        return False
    check.status = Status.PASS if report.ok else Status.FAIL
    return True


def _compiles(report: CompileReport | None, skipped: str | None) -> Check:
    check = Check(
        "implementation.compile-warnings-as-errors",
        "mix compile --warnings-as-errors passes",
        Status.UNKNOWN,
        fix="fix each compiler warning and error listed",
    )
    if not _mix_check(check, report, skipped) or report is None:
        return check
    check.evidence = [Evidence(d.message, d.file, d.line) for d in report.diagnostics]
    if not check.evidence:
        check.evidence.append(Evidence(report.result.headline()))
    return check


def _tests_pass(report: TestReport | None, skipped: str | None) -> Check:
    check = Check(
        "test.mix-test", "mix test passes", Status.UNKNOWN, fix="make the failing tests pass"
    )
    if not _mix_check(check, report, skipped) or report is None:
        return check
    check.evidence.append(Evidence(report.summary.headline()))
    check.evidence.extend(
        Evidence(
            f"{f.name}: {f.message.splitlines()[0] if f.message else 'failed'}", f.file, f.line
        )
        for f in report.summary.failed
    )
    if not report.ok and not report.summary.failed:
        check.evidence.extend(Evidence(d.message, d.file, d.line) for d in report.diagnostics)
    return check


def _references(_rel: str, root: Node) -> set[str]:
    return referenced_modules(root)


def _genservers_tested(facts: ProjectFacts) -> Check:
    referenced = set(facts.per_file("test", ".exs", "module references", _references))
    genservers = [
        info for info in facts.smap.modules.values() if info.kind is ProcessKind.GENSERVER
    ]
    untested = [info for info in genservers if info.name not in referenced]
    check = Check(
        "test.genservers-referenced",
        "Every GenServer module is referenced by at least one test",
        Status.FAIL if untested else Status.PASS,
        [
            Evidence(f"{i.name} is not referenced by any test", i.location.path, i.location.line)
            for i in untested
        ],
        fix="add ExUnit tests that exercise each GenServer's public API",
    )
    if not genservers:
        check.status = Status.NOT_APPLICABLE
        check.evidence.append(Evidence("no GenServer modules"))
    elif not untested:
        check.evidence.append(Evidence(f"{len(genservers)} GenServer module(s), all referenced"))
    return check


def _outermost(nodes: Iterable[Node]) -> Iterator[Node]:
    """``nodes`` (in source order) without those inside an earlier one: a ``test`` or ``def``
    cannot be nested in another, and walking each nested one again would cost quadratic time."""
    end = -1
    for node in nodes:
        if node.start_byte >= end:
            end = node.end_byte
            yield node


def _local_calls(root: Node) -> dict[str, set[str]]:
    """Each def/defp name in a file -> the call targets in its bodies."""
    out: dict[str, set[str]] = {}
    for fn in _outermost(calls(root, "def", "defp")):
        args = next((c for c in fn.named_children if c.type == "arguments"), None)
        head = args.named_children[0] if args is not None and args.named_children else None
        while head is not None and head.type == "binary_operator":  # guards
            head = head.child_by_field_name("left")
        name = call_target(head) if head is not None and head.type == "call" else None
        if name:
            out.setdefault(name, set()).update(
                t for n in walk(fn) if n.type == "call" and (t := call_target(n))
            )
    return out


def _is_probe(target: str) -> bool:
    return target in _RESTART_PROBES or target.endswith((".whereis", ".whereis_name"))


def _recovery_tests_in(rel: str, root: Node) -> list[Evidence]:
    """The tests in one file that kill a process and then look for its replacement."""
    found: list[Evidence] = []
    helpers = _local_calls(root)
    for test in _outermost(calls(root, "test")):
        targets = {t for n in walk(test) if n.type == "call" and (t := call_target(n))}
        for _ in range(2):  # through helpers, two levels deep
            targets |= {x for t in list(targets) for x in helpers.get(t, ())}
        if targets & set(_KILLS) and any(_is_probe(t) for t in targets):
            args = next((c for c in test.named_children if c.type == "arguments"), None)
            name = node_text(args.named_children[0]) if args and args.named_children else ""
            found.append(Evidence(f"test {name}", rel, line_of(test)))
    return found


def _recovery_tests(facts: ProjectFacts) -> Check:
    found = facts.per_file("test", ".exs", "recovery tests", _recovery_tests_in)
    return Check(
        "test.supervision-recovery",
        "Supervision recovery is tested (a test kills a child and asserts the restart)",
        Status.PASS if found else Status.FAIL,
        found or [Evidence("no test kills a supervised process and checks it came back")],
        fix="add a test that kills a supervised child (Process.exit(pid, :kill)) and asserts a "
        "new process is registered (Process.whereis / Registry.lookup)",
    )


def implementation_gate(
    facts: ProjectFacts, compile_report: CompileReport | None, skipped: str | None
) -> Gate:
    return Gate(
        "implementation",
        "Implementation gate",
        7,
        [_no_high_findings(facts), _compiles(compile_report, skipped)],
    )


def test_gate(facts: ProjectFacts, test_report: TestReport | None, skipped: str | None) -> Gate:
    return Gate(
        "test",
        "Test gate",
        8,
        [_tests_pass(test_report, skipped), _genservers_tested(facts), _recovery_tests(facts)],
    )
