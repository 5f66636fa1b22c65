"""``elixir-pro mcp``: the engine as an MCP server on stdio, built on the official ``mcp`` SDK.

Tools (all read-only; none writes a file): ``audit`` (the project or some files, severity and
confidence filters), ``findings_for_file``, ``supervision``, ``docs`` (local Elixir docs),
``gates`` and ``propose_fix`` (the engine's safe autofixes as a unified diff). Each is a thin
call into the project service (:mod:`elixir_pro.project`), the docs lookup, the gates or the
autofixes, and its structured output has the CLI's JSON shape (:mod:`.mcp_models`).

Engine work runs in a worker thread, one call at a time (the analyzer keeps per-file results
warm between calls). Imported only by the ``mcp`` command: it loads the SDK.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from elixir_pro import __version__
from elixir_pro.config import Config, load_config
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.project import ProjectService
from elixir_pro.protocols.mcp_models import (
    AuditResult,
    DocsResult,
    FileFindings,
    FindingOut,
    GatesResult,
    HiddenCounts,
    ProposedFix,
    SupervisionResult,
)

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
INSTRUCTIONS = (
    "elixir-pro's offline Elixir engine for the project {root}: static findings for OTP, Ecto "
    "and Phoenix mistakes with severity and confidence, the supervision trees, the installed "
    "Elixir's docs, the phase gates and safe autofixes as a diff. Nothing here writes files."
)

Severities = Literal["critical", "high", "medium", "low"]
Confidences = Literal["high", "medium", "low"]


class EngineTools:
    """The project the server answers for and the services it keeps warm."""

    def __init__(self, root: Path, config: Config | None = None) -> None:
        self.root = root.resolve()
        self.config = config if config is not None else load_config(self.root)
        self._services: dict[tuple[bool, bool, str | None], ProjectService] = {}
        self._lock = asyncio.Lock()

    async def run(self, work: Callable[[], T]) -> T:
        async with self._lock:
            return await asyncio.to_thread(work)

    def service(
        self, include_tests: bool = False, strict: bool = False, confidence: str | None = None
    ) -> ProjectService:
        key = (include_tests, strict, confidence)
        if key not in self._services:
            self._services[key] = ProjectService(
                self.root,
                self.config,
                include_tests=include_tests,
                strict=strict,
                min_confidence=confidence,
            )
        return self._services[key]

    def rel(self, raw: str) -> str:
        """A path inside the project, relative to its root (ToolError otherwise)."""
        candidate = Path(raw)
        full = (candidate if candidate.is_absolute() else self.root / candidate).resolve()
        if full != self.root and not full.is_relative_to(self.root):
            raise ToolError(f"{raw} is not inside the project {self.root}")
        if not full.exists():
            raise ToolError(f"{raw}: no such file or directory in the project")
        return "." if full == self.root else full.relative_to(self.root).as_posix()


def _under(path: str, wanted: list[str]) -> bool:
    return any(w == "." or path == w or path.startswith(w.rstrip("/") + "/") for w in wanted)


def _finding(f: Finding) -> FindingOut:
    from elixir_pro.engine.report import finding_json

    return FindingOut.model_validate(finding_json(f))


def build_server(root: Path, config: Config | None = None) -> MCPServer:
    """The MCP server for the project at ``root`` (its tools registered)."""
    engine = EngineTools(root, config)
    server: MCPServer = MCPServer(
        "elixir-pro",
        version=__version__,
        instructions=INSTRUCTIONS.format(root=engine.root),
        log_level="WARNING",
    )

    def tool(fn: F) -> F:
        """Register ``fn`` as a read-only tool described by its docstring on one line."""
        description = " ".join((fn.__doc__ or "").split())
        server.add_tool(fn, description=description, annotations=READ_ONLY)
        return fn

    @tool
    async def audit(
        paths: Annotated[
            list[str] | None,
            Field(description="files or folders to report on (default: the whole project)"),
        ] = None,
        min_severity: Annotated[Severities, Field(description="leave out lower ones")] = "low",
        min_confidence: Annotated[
            Confidences | None, Field(description="default: medium, or the project's setting")
        ] = None,
        include_tests: Annotated[bool, Field(description="also test and seed code")] = False,
        strict: Annotated[bool, Field(description="also the opt-in style rules")] = False,
    ) -> AuditResult:
        """Audit the Elixir project with elixir-pro's offline engine: OTP, Ecto, Phoenix and
        process-safety findings with severity, confidence and location (as `elixir-pro audit
        --format json`). The whole project is analysed; `paths` narrows what is reported."""
        wanted = [engine.rel(p) for p in paths] if paths else None
        service = engine.service(include_tests, strict, min_confidence)
        report = await engine.run(service.audit)
        floor = Severity(min_severity)
        shown = [
            f
            for f in report.findings
            if f.severity.at_least(floor) and (wanted is None or _under(f.path, wanted))
        ]
        return AuditResult(
            version=1,
            files_analyzed=report.files_analyzed,
            hidden=HiddenCounts(low_confidence=report.hidden_low, baseline=report.hidden_baseline),
            findings=[_finding(f) for f in shown],
        )

    @tool
    async def findings_for_file(
        path: Annotated[str, Field(description="a project file, e.g. lib/app/worker.ex")],
    ) -> FileFindings:
        """The engine's findings for one file (after analysing the project, so cross-file facts
        such as the project's Repo-calling functions count)."""
        rel = engine.rel(path)
        service = engine.service()

        def work() -> list[Finding]:
            service.audit()
            return service.findings_for(rel)

        return FileFindings(path=rel, findings=[_finding(f) for f in await engine.run(work)])

    @tool
    async def supervision() -> SupervisionResult:
        """The project's supervision trees read statically from the source: supervisors with
        strategy and restart limits, workers, dynamic children, and process modules no tree
        starts (as `elixir-pro supervision --json`)."""
        smap = await engine.run(engine.service().supervision)
        return SupervisionResult.model_validate(smap.to_json())

    @tool
    async def docs(
        symbol: Annotated[
            str, Field(description="a module or function: Enum, Enum.map/2, GenServer.call")
        ],
    ) -> DocsResult:
        """Docs of a module or function at the project's versions, offline (as `elixir-pro docs
        --json`): a dependency's from its build in _build, naming the version, the standard
        library's from the installed Elixir; `found` is false, with the reason, when there are
        none."""
        from elixir_pro.engine.dep_docs import project_docs
        from elixir_pro.engine.docs import DocResult

        answer = await asyncio.to_thread(project_docs, engine.root, symbol)
        if isinstance(answer, DocResult):
            from dataclasses import asdict

            data = asdict(answer)
            return DocsResult.model_validate({**data, "found": True, "title": answer.title})
        return DocsResult(
            symbol=answer.symbol, found=False, reason=answer.reason, message=answer.message
        )

    @tool
    async def gates(
        run_mix: Annotated[
            bool, Field(description="also run mix compile and mix test (slower)")
        ] = False,
    ) -> GatesResult:
        """Judge the design, implementation, test and deployment gates with evidence (as
        `elixir-pro gates --json`; without `run_mix` the mix checks are reported unknown)."""
        from elixir_pro.pipeline.gates import evaluate_gates

        def work() -> dict[str, object]:
            report = evaluate_gates(engine.root, use_mix=run_mix, config=engine.config)
            return report.to_json()

        return GatesResult.model_validate(await engine.run(work))

    @tool
    async def propose_fix(
        path: Annotated[
            str | None, Field(description="a file or folder (default: the whole project)")
        ] = None,
    ) -> ProposedFix:
        """The engine's safe autofixes for the findings in `path` as a unified diff. Nothing is
        written: apply the diff yourself after reviewing it."""
        from elixir_pro.conversation.headless import changeset_diff
        from elixir_pro.engine.autofix import autofix_changeset

        rel = engine.rel(path) if path else None
        service = engine.service()

        def work() -> ProposedFix:
            findings = service.audit().findings
            scope = None if rel in (None, ".") else [rel]
            changeset = autofix_changeset(engine.root, scope, findings=findings)
            files = sorted(changeset.proposals)
            fixed = [f for f in findings if f.fixable and f.path in changeset.proposals]
            return ProposedFix(diff=changeset_diff(changeset), files=files, fixes=len(fixed))

        return await engine.run(work)

    return server


async def serve_stdio(root: Path) -> None:
    """Serve the project's engine on stdin/stdout until the client closes the stream."""
    await build_server(root).run_stdio_async()
