"""Rule ``no-releases``: a deployed application started with Mix instead of a release.

Reads the deployment files beside ``mix.exs`` (``ctx.deploy_files``, see ``_deploy_start.py``);
the finding sits on ``def project`` and names the file and line that run Mix.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, FunctionDef, text
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.parse import walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._deploy_start import heroku_phoenix, mix_starts, release_start
from elixir_pro.engine.scope import BUILD


@register
class NoReleases(Rule):
    id = "no-releases"
    severity = Severity.MEDIUM
    title = "Deployed without a release"
    mix_exs_only = True
    scopes = frozenset({BUILD})
    triggers = (b"mod:", b"apps_path")
    scope_reason = "The deployment is described by the project's mix.exs and the files beside it."
    rationale = (
        "An application deployed with `mix phx.server`, `mix run --no-halt` or `iex -S mix` "
        "runs its build tool in production: the server needs Elixir, Mix, the sources and the "
        "dependencies' build, boots by compiling, reads config the way development does, and "
        "has no `bin/app remote` console or `bin/app eval` for migrations. A release "
        "(`MIX_ENV=prod mix release`, then `bin/app start`) is a self-contained build of the "
        "application and the runtime. The rule reads the deployment files beside mix.exs "
        "(Dockerfile: the final stage's CMD/ENTRYPOINT; Procfile; fly.toml; render.yaml; "
        "app.json; heroku.yml; railway and nixpacks files; systemd units; compose files). "
        "Confidence is high on a production platform (Procfile, fly.toml, ...) or with "
        "`MIX_ENV=prod`, medium for a Dockerfile or compose file that does not say, low for "
        "a development setup (a `.dev` file, `MIX_ENV=dev`), for a project whose other "
        "deployment file starts a release (`bin/app start`), and for a Procfile running "
        "`mix phx.server`, Phoenix's documented Heroku deployment. Libraries (no `mod:` in "
        "application/0) and projects without deployment files are never reported."
    )
    impact = (
        "Production depends on Mix and the source tree; boot is slow and configuration "
        "differs from what a release would load; operators lose the release's remote console "
        "and eval commands."
    )
    recommendation = (
        "Build a release (`MIX_ENV=prod mix release`, `mix phx.gen.release --docker` for "
        "Phoenix) and start it with `bin/<app> start` (Procfile: "
        "`web: _build/prod/rel/<app>/bin/<app> start`)."
    )
    dirty_example = """\
# Procfile, beside mix.exs:
#   web: MIX_ENV=prod mix phx.server
def project do
  [app: :shop, version: "0.1.0", deps: deps()]
end

def application do
  [mod: {Shop.Application, []}, extra_applications: [:logger]]
end
"""
    clean_example = """\
# Procfile, beside mix.exs:
#   web: _build/prod/rel/shop/bin/shop start
def project do
  [app: :shop, version: "0.1.0", deps: deps(), releases: [shop: []]]
end

def application do
  [mod: {Shop.Application, []}, extra_applications: [:logger]]
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        if not ctx.deploy_files:
            return
        for module in ctx.modules:
            project = next(iter(module.clauses("project", 0)), None)
            if project is None or not _application(module.clauses("application", 0), project):
                continue
            starts = mix_starts(ctx.deploy_files)
            if not starts:
                continue
            first = starts[0]
            where = f"{first.path} line {first.line} starts the application with `{first.command}`"
            release = release_start(ctx.deploy_files)
            if release:
                message = (
                    f"{where}, while {release} starts a release: the Mix start is another way "
                    "to run it"
                )
                yield self.finding_on_line(ctx, project.node, message, confidence=Confidence.LOW)
            elif heroku_phoenix(first):
                message = (
                    f"{where}, Phoenix's documented Heroku deployment (the buildpack compiles "
                    "when the slug is built); a release would add `bin/app remote` and `eval`"
                )
                yield self.finding_on_line(ctx, project.node, message, confidence=Confidence.LOW)
            elif first.confidence == Confidence.LOW:
                message = (
                    f"{where}: a development setup? If this file deploys the application, it "
                    "runs without a release"
                )
                yield self.finding_on_line(ctx, project.node, message, confidence=Confidence.LOW)
            else:
                message = f"deployed without a release: {where}"
                yield self.finding_on_line(ctx, project.node, message, confidence=first.confidence)


def _application(application: list[FunctionDef], project: FunctionDef) -> bool:
    """An OTP application (``mod:`` in application/0) or an umbrella root (``apps_path:``)."""
    if any("mod" in _keys(clause.node) for clause in application):
        return True
    return "apps_path" in _keys(project.node)


def _keys(node: Node) -> set[str]:
    return {text(n).rstrip(": ") for n in walk(node) if n.type == "keyword"}
