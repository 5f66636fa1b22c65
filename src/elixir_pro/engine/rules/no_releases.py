"""Rule ``no-releases``: an OTP application's mix.exs without a ``releases:`` config."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, text
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.parse import walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.scope import BUILD

UMBRELLA_CHILD_KEYS = frozenset({"in_umbrella", "build_path", "apps_path"})


@register
class NoReleases(Rule):
    id = "no-releases"
    severity = Severity.MEDIUM
    title = "OTP application without a release configuration"
    mix_exs_only = True
    scopes = frozenset({BUILD})
    triggers = (b"mod:",)
    rationale = (
        "An application with a `mod:` callback is meant to run as a service. Without a "
        "`releases:` entry in `project/0` it is deployed with `mix run`, which needs the "
        "whole build toolchain on the server and gives no runtime configuration, no "
        "hot-upgrade-safe boot scripts and no `bin/app remote` console."
    )
    impact = (
        "Deployments depend on Mix and source code in production; boot configuration and "
        "runtime.exs handling differ from what the team tests."
    )
    recommendation = (
        "Add `releases: [my_app: [include_executables_for: [:unix]]]` to `project/0` and "
        "build with `MIX_ENV=prod mix release`."
    )
    dirty_example = """\
def project do
  [app: :shop, version: "0.1.0", deps: deps()]
end

def application do
  [mod: {Shop.Application, []}, extra_applications: [:logger]]
end
"""
    clean_example = """\
def project do
  [app: :shop, version: "0.1.0", deps: deps(), releases: [shop: []]]
end

def application do
  [mod: {Shop.Application, []}, extra_applications: [:logger]]
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for module in ctx.modules:
            project = next((f for f in module.clauses("project", 0)), None)
            application = next((f for f in module.clauses("application", 0)), None)
            if project is None or application is None:
                continue
            if "mod" not in _keys(application.node):
                continue  # a library
            keys = _keys(project.node)
            if "releases" in keys or keys & UMBRELLA_CHILD_KEYS:
                continue
            yield self.finding_on_line(
                ctx,
                project.node,
                "an OTP application (has `mod:`) with no `releases:` in project/0",
            )


def _keys(node: Node) -> set[str]:
    return {text(n).rstrip(": ") for n in walk(node) if n.type == "keyword"}
