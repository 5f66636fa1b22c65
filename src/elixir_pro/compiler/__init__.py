"""The warm compiler: one long-lived BEAM per project that recompiles on request and returns
structured diagnostics (:mod:`elixir_pro.compiler.model`) without starting a new VM each time.

Used by the project service (compiler diagnostics on save), ``audit --compile`` and the review
screen's shadow build. No Textual here; importing this package starts nothing.
"""

from __future__ import annotations

from elixir_pro.compiler.companion import CompilerCompanion
from elixir_pro.compiler.model import (
    CompanionInfo,
    CompileResult,
    CompileStatus,
    Diagnostic,
    DiagnosticSeverity,
)

__all__ = [
    "CompanionInfo",
    "CompileResult",
    "CompileStatus",
    "CompilerCompanion",
    "Diagnostic",
    "DiagnosticSeverity",
]
