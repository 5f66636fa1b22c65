"""The warm compiler companion: a long-lived BEAM running Mix in one project.

Interface (the implementation follows)::

    companion = CompilerCompanion(project_root, env="dev", build_path=None)
    result = companion.compile(timeout=120.0)   # -> CompileResult; starts the BEAM lazily
    companion.available                         # mix installed and mix.exs present
    companion.running                           # the BEAM is up
    companion.stop()                            # idempotent; also at interpreter exit

``build_path`` (absolute) compiles into a build directory of its own (``MIX_BUILD_PATH``), e.g. a
shadow build; by default the project's own ``_build/<env>`` is used, exactly as ``mix compile``.
"""

from __future__ import annotations

from pathlib import Path

from elixir_pro.compiler.model import CompanionInfo, CompileResult

DEFAULT_COMPILE_TIMEOUT = 300.0


class CompilerCompanion:
    """One warm BEAM with Mix for one project (thread-safe: one request at a time)."""

    def __init__(
        self, project_root: Path, *, env: str = "dev", build_path: Path | None = None
    ) -> None:
        self.root = Path(project_root).resolve()
        self.env = env
        self.build_path = build_path

    @property
    def available(self) -> bool:
        raise NotImplementedError

    @property
    def running(self) -> bool:
        raise NotImplementedError

    @property
    def info(self) -> CompanionInfo | None:
        raise NotImplementedError

    def compile(self, *, timeout: float = DEFAULT_COMPILE_TIMEOUT) -> CompileResult:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError
