"""ProjectAnalyzer on real temporary projects: discovery, notices for bad files, partial trees,
suppression comments, project config, incremental re-analysis and the rule registry."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from elixir_pro.config import Config, RulesConfig
from elixir_pro.engine.analyzer import ProjectAnalyzer, analyze_source
from elixir_pro.engine.context import FileContext
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.fixable import FIXABLE_RULES
from elixir_pro.engine.rule import Rule, all_rules, register, unregister
from elixir_pro.engine.scope import ScopePolicy

ATOM = b"""defmodule Web.Sort do
  def sort_by(params), do: String.to_atom(params["sort"])
end
"""
RECEIVE = b"""defmodule Client do
  def fetch(pid) do
    send(pid, :get)
    receive do
      {:reply, v} -> v
    end
  end
end
"""


def write(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def keys(findings: list[Finding]) -> set[tuple[str, str, int]]:
    return {(f.rule, f.path, f.line) for f in findings}


def test_discovers_ex_and_exs_and_skips_build_and_deps(tmp_path: Path) -> None:
    write(tmp_path, "lib/web/sort.ex", ATOM)
    write(tmp_path, "test/sort_test.exs", ATOM)
    write(tmp_path, "lib/notes.txt", ATOM)
    for skipped in ("_build/dev/lib/x.ex", "deps/dep/lib/x.ex", ".git/x.ex", "node_modules/x.ex"):
        write(tmp_path, skipped, ATOM)
    write(tmp_path, ".elixir_ls/x.ex", ATOM)
    analyzer = ProjectAnalyzer(tmp_path, Config())
    report = analyzer.analyze_all()
    assert analyzer.files() == ["lib/web/sort.ex", "test/sort_test.exs"]
    assert report.files_analyzed == 2
    # test code is read (a file of the project) but out of the rules' default scope
    assert keys(report.findings) == {("unsafe-atom-creation", "lib/web/sort.ex", 2)}
    with_tests = ProjectAnalyzer(tmp_path, Config(), policy=ScopePolicy(include_tests=True))
    assert keys(with_tests.analyze_all().findings) == {
        ("unsafe-atom-creation", "lib/web/sort.ex", 2),
        ("unsafe-atom-creation", "test/sort_test.exs", 2),
    }


def test_finding_fields(tmp_path: Path) -> None:
    write(tmp_path, "lib/client.ex", RECEIVE)
    [finding] = ProjectAnalyzer(tmp_path, Config()).analyze_all().findings
    assert (finding.rule, finding.path, finding.line, finding.column) == (
        "receive-without-after",
        "lib/client.ex",
        4,
        5,
    )
    assert (finding.end_line, finding.end_column) == (4, 15)
    assert finding.severity is Severity.HIGH
    assert finding.fixable is ("receive-without-after" in FIXABLE_RULES)
    assert finding.title == "receive without an after clause"


def test_bad_files_give_notices_and_the_audit_goes_on(tmp_path: Path) -> None:
    write(tmp_path, "lib/binary.ex", b"\x00\x01\x02defmodule")
    write(tmp_path, "lib/latin1.ex", b"defmodule A do\n  # caf\xe9\nend\n")
    write(tmp_path, "lib/huge.ex", b"# x\n" * (600 * 1024))
    os.symlink(tmp_path / "missing.ex", tmp_path / "lib" / "dangling.ex")
    write(tmp_path, "lib/good.ex", ATOM)
    progress: list[tuple[int, int]] = []
    report = ProjectAnalyzer(tmp_path, Config()).analyze_all(
        lambda done, total: progress.append((done, total))
    )
    messages = {n.path: n.message for n in report.notices}
    assert "binary" in messages["lib/binary.ex"]
    assert "UTF-8" in messages["lib/latin1.ex"]
    assert "2 MiB" in messages["lib/huge.ex"]
    assert "symbolic link" in messages["lib/dangling.ex"]
    assert [n.line for n in report.notices if n.path == "lib/latin1.ex"] == [2]
    assert keys(report.findings) == {("unsafe-atom-creation", "lib/good.ex", 2)}
    assert report.files_analyzed == 1
    assert progress[-1] == (5, 5)


def test_broken_file_is_analysed_where_readable(tmp_path: Path) -> None:
    source = ATOM + b"\ndefmodule Broken do\n  def oops(x) do\n    case x do\n      1 ->\n  end\n"
    write(tmp_path, "lib/broken.ex", source)
    report = ProjectAnalyzer(tmp_path, Config()).analyze_all()
    assert keys(report.findings) == {("unsafe-atom-creation", "lib/broken.ex", 2)}
    [notice] = report.notices
    assert "syntax error" in notice.message and notice.line is not None and notice.line > 3


SUPPRESSED = b"""defmodule Api do
  # elixir-pro:disable-next-line unsafe-atom-creation
  def a(x), do: String.to_atom(x)
  def b(x), do: String.to_atom(x)
  # elixir-pro:disable-next-line receive-without-after, unsafe-atom-creation
  def c(x), do: String.to_atom(x)
  # elixir-pro:disable unsafe-atom-creation
  def d(x), do: String.to_atom(x)
  def e(x), do: String.to_atom(x)
  # elixir-pro:enable unsafe-atom-creation
  def f(x), do: String.to_atom(x)
  # elixir-pro:disable-next-line all
  def g(x), do: String.to_atom(x)
  def h(x), do: "# elixir-pro:disable-next-line unsafe-atom-creation" <> String.to_atom(x)
  def i(x), do: String.to_atom(x)
end
"""


def test_suppression_comments() -> None:
    lines = [f.line for f in analyze_source("lib/api.ex", SUPPRESSED)]
    assert lines == [4, 11, 14, 15]


def test_disable_without_enable_runs_to_end_of_file() -> None:
    source = b"# elixir-pro:disable unsafe-atom-creation\n" + ATOM + ATOM.replace(b"Web", b"X")
    assert analyze_source("lib/a.ex", source) == []


def test_project_config_disables_rules_and_changes_severity(tmp_path: Path) -> None:
    write(tmp_path, "lib/client.ex", RECEIVE)
    write(tmp_path, "lib/sort.ex", ATOM)
    write(
        tmp_path,
        ".elixir-pro.yaml",
        b"rules:\n  disable: [unsafe-atom-creation]\n  severity: {receive-without-after: low}\n",
    )
    [finding] = ProjectAnalyzer(tmp_path).analyze_all().findings
    assert (finding.rule, finding.severity) == ("receive-without-after", Severity.LOW)
    config = Config(rules=RulesConfig(severity={"unsafe-atom-creation": Severity.LOW}))
    [atom] = analyze_source("lib/sort.ex", ATOM, config)
    assert atom.severity is Severity.LOW


def test_reanalyze_reports_new_and_resolved(tmp_path: Path) -> None:
    write(tmp_path, "lib/sort.ex", ATOM)
    write(tmp_path, "lib/client.ex", RECEIVE)
    analyzer = ProjectAnalyzer(tmp_path, Config())
    analyzer.analyze_all()
    assert len(analyzer.findings) == 2

    unchanged = analyzer.reanalyze(["lib/sort.ex"])
    assert unchanged.new == [] and unchanged.resolved == [] and len(unchanged.findings) == 1

    write(tmp_path, "lib/sort.ex", ATOM.replace(b"to_atom", b"to_existing_atom"))
    write(tmp_path, "lib/new.ex", ATOM.replace(b"Web.Sort", b"Web.New"))
    delta = analyzer.reanalyze(["lib/sort.ex", "lib/new.ex", "README.md", "deps/x/lib/y.ex"])
    assert delta.paths == ("lib/new.ex", "lib/sort.ex")
    assert keys(delta.resolved) == {("unsafe-atom-creation", "lib/sort.ex", 2)}
    assert keys(delta.new) == {("unsafe-atom-creation", "lib/new.ex", 2)}
    assert keys(delta.findings) == keys(delta.new)

    (tmp_path / "lib" / "client.ex").unlink()
    gone = analyzer.reanalyze(["lib/client.ex"])
    assert keys(gone.resolved) == {("receive-without-after", "lib/client.ex", 4)}
    assert "lib/client.ex" not in analyzer.files()
    assert keys(analyzer.findings) == {("unsafe-atom-creation", "lib/new.ex", 2)}


BEHAVIOUR = b"""defmodule MyApp.Notifier do
  @callback deliver(map()) :: :ok
end
"""
IMPLEMENTER = b"""defmodule MyApp.Email do
  @behaviour MyApp.Notifier

  def deliver(msg), do: msg
  def format(msg), do: msg
end
"""


def test_project_behaviours_update_dependents_incrementally(tmp_path: Path) -> None:
    write(tmp_path, "lib/notifier.ex", BEHAVIOUR)
    write(tmp_path, "lib/email.ex", IMPLEMENTER)
    analyzer = ProjectAnalyzer(tmp_path, Config(), policy=ScopePolicy(strict=True))
    report = analyzer.analyze_all()
    assert keys(report.findings) == {("missing-impl", "lib/email.ex", 4)}

    write(tmp_path, "lib/notifier.ex", BEHAVIOUR.replace(b"deliver(map())", b"format(map())"))
    delta = analyzer.reanalyze(["lib/notifier.ex"])
    assert keys(delta.resolved) == {("missing-impl", "lib/email.ex", 4)}
    assert keys(delta.new) == {("missing-impl", "lib/email.ex", 5)}
    assert keys(analyzer.findings) == {("missing-impl", "lib/email.ex", 5)}


@pytest.fixture
def extra_rule() -> Iterator[type[Rule]]:
    @register
    class NoIoInspect(Rule):
        id = "test-no-io-inspect"
        severity = Severity.LOW
        title = "IO.inspect left in code"
        rationale = impact = recommendation = "Remove debugging output."
        dirty_example = "IO.inspect(x)\n"
        clean_example = "x\n"
        triggers = (b"IO.inspect",)

        def check(self, ctx: FileContext) -> Iterator[Finding]:
            for call in ctx.remote("inspect", module="IO"):
                yield self.finding(ctx, call.node, "IO.inspect left in code")

    yield NoIoInspect
    unregister(NoIoInspect.id)


def test_third_party_rule_registers_like_builtins(extra_rule: type[Rule]) -> None:
    assert extra_rule.id in {r.id for r in all_rules()}
    [finding] = analyze_source("lib/a.ex", b"defmodule A do\n  def f(x), do: IO.inspect(x)\nend\n")
    assert (finding.rule, finding.line, finding.column) == ("test-no-io-inspect", 2, 17)


@pytest.fixture
def crashing_rule() -> Iterator[None]:
    @register
    class Crashes(Rule):
        id = "test-crashes"
        severity = Severity.LOW
        title = rationale = impact = recommendation = "crashes"
        dirty_example = clean_example = "x\n"

        def check(self, ctx: FileContext) -> Iterator[Finding]:
            raise RuntimeError("boom")

    yield
    unregister("test-crashes")


def test_a_crashing_rule_is_a_notice(tmp_path: Path, crashing_rule: None) -> None:
    write(tmp_path, "lib/sort.ex", ATOM)
    report = ProjectAnalyzer(tmp_path, Config()).analyze_all()
    assert keys(report.findings) == {("unsafe-atom-creation", "lib/sort.ex", 2)}
    assert [n.message for n in report.notices] == ["rule test-crashes failed: RuntimeError: boom"]


def test_builtin_rules_have_complete_docs() -> None:
    for rule in all_rules():
        for attr in ("title", "rationale", "impact", "recommendation"):
            assert getattr(rule, attr).strip(), (rule.id, attr)
        assert rule.dirty_example.endswith("\n") and rule.clean_example.endswith("\n")


def test_process_pool_matches_single_process(tmp_path: Path) -> None:
    from elixir_pro.engine.parallel import pool_size

    write(tmp_path, "lib/notifier.ex", BEHAVIOUR)
    write(tmp_path, "lib/email.ex", IMPLEMENTER)
    write(tmp_path, "lib/sort.ex", ATOM)
    write(tmp_path, "lib/client.ex", RECEIVE)
    write(tmp_path, "lib/bin.ex", b"\x00binary")
    for i in range(70):
        write(tmp_path, f"lib/gen/m{i}.ex", ATOM.replace(b"Web.Sort", f"M{i}".encode()))
    assert pool_size(75, 2) == 2
    strict = ScopePolicy(strict=True)
    single = ProjectAnalyzer(tmp_path, Config(), jobs=1, policy=strict).analyze_all()
    pooled_analyzer = ProjectAnalyzer(tmp_path, Config(), jobs=2, policy=strict)
    pooled = pooled_analyzer.analyze_all()
    assert pooled.findings == single.findings
    assert pooled.notices == single.notices
    assert pooled.files_analyzed == single.files_analyzed == 74
    assert ("missing-impl", "lib/email.ex", 4) in keys(pooled.findings)
    write(tmp_path, "lib/sort.ex", ATOM.replace(b"to_atom", b"to_existing_atom"))
    delta = pooled_analyzer.reanalyze(["lib/sort.ex"])
    assert keys(delta.resolved) == {("unsafe-atom-creation", "lib/sort.ex", 2)}


def test_pool_size_policy() -> None:
    import threading

    from elixir_pro.engine.parallel import AUTO_MIN_FILES, pool_size

    assert pool_size(10, None) == 1  # small projects: no pool
    assert pool_size(AUTO_MIN_FILES * 10, 1) == 1
    assert 1 <= pool_size(AUTO_MIN_FILES * 10, None) <= 4
    assert pool_size(3, 8) == 3  # never more processes than files
    seen: list[int] = []
    worker = threading.Thread(target=lambda: seen.append(pool_size(5000, 4)))
    worker.start()
    worker.join()
    assert seen == [1]  # never fork while other threads run


def test_paren_less_remote_calls_have_no_arguments() -> None:
    from elixir_pro.engine.nodes import arguments
    from elixir_pro.engine.parse import parse, walk

    tree = parse(b"defmodule A do\n  def env, do: Mix.env\n  def go(x), do: x |> Foo.bar\nend\n")
    calls = [n for n in walk(tree.root_node) if n.type == "call"]
    assert [len(arguments(c)) for c in calls if c.named_child_count == 1] == [0, 0]
    findings = analyze_source("lib/a.ex", tree.root_node.text or b"")
    assert isinstance(findings, list)
