"""The deployment gate (phase 9): a release, runtime configuration, telemetry, and no
``Mix.env()`` read at run time."""

from __future__ import annotations

from elixir_pro.engine.parse import call_target, node_text, walk
from elixir_pro.pipeline.facts import ProjectFacts, calls, inside_function, line_of
from elixir_pro.pipeline.gates_model import Check, Evidence, Gate, Status

_TELEMETRY_CALLS = (
    ":telemetry.attach",
    ":telemetry.attach_many",
    ":telemetry.execute",
    ":telemetry.span",
)


def _releases(facts: ProjectFacts) -> Check:
    check = Check(
        "deployment.releases",
        "mix.exs declares releases:",
        Status.FAIL,
        fix="add `releases: [my_app: [include_executables_for: [:unix]]]` to project/0 in mix.exs "
        "and ship with `mix release`",
    )
    tree = facts.mix_tree()
    if tree is None:
        check.evidence.append(Evidence("no mix.exs"))
        return check
    for node in walk(tree):
        key = node.child_by_field_name("key") if node.type == "pair" else None
        if key is not None and node_text(key).startswith("releases:"):
            check.status = Status.PASS
            check.evidence.append(Evidence("releases: declared", "mix.exs", line_of(node)))
            return check
    check.evidence.append(Evidence("no releases: key in project/0", "mix.exs"))
    return check


def _runtime_config(facts: ProjectFacts) -> Check:
    present = (facts.root / "config" / "runtime.exs").is_file()
    return Check(
        "deployment.runtime-config",
        "config/runtime.exs is present",
        Status.PASS if present else Status.FAIL,
        [Evidence("present" if present else "missing", "config/runtime.exs")],
        fix="read deployment settings (ports, secrets, URLs) from the environment in "
        "config/runtime.exs, which a release evaluates at boot",
    )


def _telemetry(facts: ProjectFacts) -> Check:
    evidence: list[Evidence] = []
    tree = facts.mix_tree()
    if tree is not None:
        for node in walk(tree):
            if node.type == "atom" and node_text(node).startswith(":telemetry"):
                evidence.append(Evidence(f"dependency {node_text(node)}", "mix.exs", line_of(node)))
    evidence += facts.per_file(
        "lib",
        ".ex",
        "telemetry calls",
        lambda rel, root: [
            Evidence(f"{call_target(call)} call", rel, line_of(call))
            for call in calls(root, *_TELEMETRY_CALLS)
        ],
    )
    return Check(
        "deployment.telemetry",
        "Telemetry is wired (telemetry deps or :telemetry.attach/execute calls)",
        Status.PASS if evidence else Status.FAIL,
        evidence or [Evidence("no telemetry dependency and no :telemetry calls")],
        fix="emit :telemetry events (:telemetry.execute/span) at contract boundaries and attach "
        "handlers or Telemetry.Metrics reporters",
    )


def _no_mix_env(facts: ProjectFacts) -> Check:
    offending = facts.per_file(
        "lib",
        ".ex",
        "Mix.env() calls",
        lambda rel, root: [
            Evidence(
                "Mix.env() read at run time (Mix is not available in a release)", rel, line_of(c)
            )
            for c in calls(root, "Mix.env")
            if inside_function(c)
        ],
    )
    return Check(
        "deployment.no-mix-env",
        "No Mix.env() at run time",
        Status.FAIL if offending else Status.PASS,
        offending or [Evidence("no Mix.env() call inside a function in lib/")],
        fix="read the value at compile time (@env Mix.env()) or from application config",
    )


def deployment_gate(facts: ProjectFacts) -> Gate:
    return Gate(
        "deployment",
        "Deployment gate",
        9,
        [_releases(facts), _runtime_config(facts), _telemetry(facts), _no_mix_env(facts)],
    )
