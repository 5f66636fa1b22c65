"""The offline backend: the same Backend protocol, answered by elixir-pro's own engine.

Per cognitive mode: critical gives the engine's findings in the agent's Audit Mode format for
the files in context (or paths named in the request, or the whole project); evaluative gives
the supervision map and the trade-offs the findings raise; informative gives local docs for
the Elixir symbols asked about; generative stages the engine's safe autofixes as changes
(``EditProposed``), as does critical in the solution tool mode. Every answer says it is the
offline engine and what Claude would add, and ends with the output envelope.

Engine work is blocking, so it runs in a thread. Text templates live in
:mod:`elixir_pro.llm.offline_text`. Used when there is no API key or with ``--offline``.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from elixir_pro.agent.modes import CognitiveMode, ToolMode
from elixir_pro.config import Config
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.events import CoreEvent, EditProposed, TextDelta, TurnFinished
from elixir_pro.llm import offline_text as T
from elixir_pro.llm.base import TurnRequest
from elixir_pro.llm.context import user_message
from elixir_pro.llm.offline_engine import (
    EngineView,
    impact_and_fix,
    run_analysis,
    supervision_text,
    tradeoff_for,
)

MAX_FINDINGS_SHOWN = 40
MAX_SYMBOLS = 5
PATH_TOKEN = re.compile(r"(?<![\w@])([\w.\-]+(?:/[\w.\-]*)*/?)")


class OfflineBackend:
    """Answers from the engine; ``no_key`` picks the header's explanation."""

    def __init__(self, project_root: Path, config: Config | None = None, *, no_key: bool = True):
        self.project_root = project_root.resolve()
        self.config = config or Config()
        self.no_key = no_key

    @property
    def label(self) -> str:
        return "offline engine"

    @property
    def is_offline(self) -> bool:
        return True

    async def aclose(self) -> None:
        return None

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[CoreEvent]:
        scope = scope_paths(request)
        mode = request.cognitive_mode
        why = T.WHY_NO_KEY if self.no_key else T.WHY_OFFLINE
        parts: list[str] = [T.HEADER.format(mode=mode.value, why=why)]
        edits: list[EditProposed] = []
        view = await asyncio.to_thread(
            run_analysis, request.project_root, self.config, scope, request.changeset
        )
        if mode is CognitiveMode.CRITICAL:
            parts.append(self._critical(view))
            if request.tool_mode is ToolMode.SOLUTION:
                edits = await asyncio.to_thread(stage_fixes, request, view)
                if edits:
                    parts.append(T.FIXES_STAGED.format(count=len(edits)))
            parts.append(T.CLAUDE_ADDS_CRITICAL)
            parts.append(self._envelope_audit(view))
        elif mode is CognitiveMode.EVALUATIVE:
            parts.append(await asyncio.to_thread(self._evaluative, request.project_root, view))
        elif mode is CognitiveMode.INFORMATIVE:
            parts.append(await asyncio.to_thread(self._informative, request.prompt))
        else:
            edits = await asyncio.to_thread(stage_fixes, request, view)
            parts.append(self._generative(view, edits))
        text = ""
        for part in parts:
            for piece in _paragraphs(part):
                text += piece
                yield TextDelta(piece)
        for edit in edits:
            yield edit
        assistant = {"role": "assistant", "content": [{"type": "text", "text": text}]}
        messages = [user_message(request), assistant]
        yield TurnFinished(text=text, extra={"messages": messages, "model": "offline"})

    # -- per mode ---------------------------------------------------------------------------
    def _critical(self, view: EngineView) -> str:
        scope = view.scope_label
        if view.unavailable:
            return T.AUDIT_NO_ENGINE.format(scope=scope)
        counts = Counter(f.severity.value for f in view.findings)
        breakdown = ", ".join(f"{counts[s.value]} {s.value}" for s in Severity if counts[s.value])
        out = [
            T.AUDIT_SUMMARY.format(
                files=view.files_analyzed,
                scope=scope,
                count=len(view.findings),
                breakdown=f" ({breakdown})" if breakdown else "",
            ),
            T.FINDINGS_HEAD,
        ]
        ranked = sorted(view.findings, key=lambda f: (-f.severity.rank, f.sort_key()))
        if not ranked:
            out.append(T.NO_FINDINGS.format(scope=scope))
        for finding in ranked[:MAX_FINDINGS_SHOWN]:
            out.append(_finding_text(finding))
        if len(ranked) > MAX_FINDINGS_SHOWN:
            out.append(T.MORE_FINDINGS.format(count=len(ranked) - MAX_FINDINGS_SHOWN))
        tree, reason = supervision_text(self.project_root)
        out.append(
            T.OTP_HEAD.format(tree=tree) if tree else T.OTP_UNAVAILABLE.format(reason=reason)
        )
        out.append(T.RECOMMENDATIONS_HEAD)
        by_severity: dict[Severity, list[Finding]] = defaultdict(list)
        for finding in ranked:
            by_severity[finding.severity].append(finding)
        if not by_severity:
            out.append(T.RECOMMENDATION_NONE)
        for n, severity in enumerate(sorted(by_severity, key=lambda s: -s.rank), start=1):
            items = by_severity[severity]
            rules = ", ".join(f"`{r}`" for r in sorted({f.rule for f in items}))
            out.append(
                T.RECOMMENDATION_LINE.format(
                    n=n, severity=severity.value, count=len(items), rules=rules
                )
            )
        return "".join(out)

    def _envelope_audit(self, view: EngineView) -> str:
        return T.ENVELOPE.format(
            result=T.RESULT_AUDIT.format(count=len(view.findings), scope=view.scope_label),
            confidence="low" if view.unavailable else "medium",
            uncertainty=T.UNCERTAINTY_STATIC,
            verification=T.VERIFY_AUDIT,
            gate=T.GATE_NO,
        )

    def _evaluative(self, root: Path, view: EngineView) -> str:
        tree, reason = supervision_text(root)
        out = [
            T.EVAL_INTRO.format(scope=view.scope_label, tree=tree)
            if tree
            else T.EVAL_NO_MAP.format(reason=reason),
            T.TRADEOFFS_HEAD,
        ]
        by_rule: dict[str, list[Finding]] = defaultdict(list)
        for finding in view.findings:
            by_rule[finding.rule].append(finding)
        if not by_rule:
            out.append(T.TRADEOFFS_NONE.format(scope=view.scope_label))
        for rule, items in sorted(by_rule.items(), key=lambda kv: (-kv[1][0].severity.rank, kv[0])):
            first = min(items, key=lambda f: f.sort_key())
            out.append(
                T.TRADEOFF_LINE.format(
                    title=first.title or rule,
                    count=len(items),
                    rule=rule,
                    location=first.location,
                    tradeoff=tradeoff_for(rule) or T.TRADEOFF_DEFAULT,
                )
            )
        out.append(T.CLAUDE_ADDS_EVALUATIVE)
        out.append(
            T.ENVELOPE.format(
                result=T.RESULT_EVAL.format(count=len(by_rule), scope=view.scope_label),
                confidence="low" if view.unavailable else "medium",
                uncertainty=T.UNCERTAINTY_STATIC,
                verification=T.VERIFY_AUDIT,
                gate=T.GATE_NO,
            )
        )
        return "".join(out)

    def _informative(self, prompt: str) -> str:
        from elixir_pro.engine.docs import DocResult, extract_symbols, fetch_docs_many

        out = [T.DOCS_HEAD]
        symbols = extract_symbols(prompt, limit=MAX_SYMBOLS)
        if not symbols:
            out.append(T.DOCS_NONE)
        count = 0
        for symbol, answer in zip(
            symbols, fetch_docs_many(symbols) if symbols else [], strict=True
        ):
            if isinstance(answer, DocResult) and answer.markdown.strip():
                count += 1
                text = answer.markdown.strip()
            else:
                text = T.DOC_MISSING.format(message=getattr(answer, "message", "no docs"))
            out.append(T.DOC_ENTRY.format(symbol=symbol, text=text))
        out.append(T.CLAUDE_ADDS_INFORMATIVE)
        out.append(
            T.ENVELOPE.format(
                result=T.RESULT_DOCS.format(count=count),
                confidence="medium" if count else "low",
                uncertainty=T.UNCERTAINTY_DOCS,
                verification=T.VERIFY_DOCS,
                gate=T.GATE_NO,
            )
        )
        return "".join(out)

    def _generative(self, view: EngineView, edits: list[EditProposed]) -> str:
        out = [T.GEN_HEAD]
        if view.unavailable and not edits:
            out.append(T.GEN_NO_ENGINE)
        elif edits:
            out.append(T.GEN_FIXES.format(count=len(edits), scope=view.scope_label))
            for edit in edits:
                out.append(
                    T.GEN_FIX_LINE.format(path=edit.path, added=edit.added, removed=edit.removed)
                )
        else:
            out.append(T.GEN_NO_FIXES.format(scope=view.scope_label))
        out.append(T.CLAUDE_ADDS_GENERATIVE)
        out.append(
            T.ENVELOPE.format(
                result=T.RESULT_GEN.format(count=len(edits), scope=view.scope_label),
                # The staged fixes are mechanical and re-parsed: medium when there are some;
                # a request the engine could not serve at all is low (and escalates).
                confidence="medium" if edits else "low",
                uncertainty=T.UNCERTAINTY_GEN,
                verification=T.VERIFY_GEN,
                gate=T.GATE_MECHANICAL,
            )
        )
        return "".join(out)


def _finding_text(finding: Finding) -> str:
    impact, recommendation = impact_and_fix(finding)
    if finding.fixable:
        recommendation += T.FINDING_FIXABLE
    return T.FINDING.format(
        severity=finding.severity.value.upper(),
        title=finding.title or finding.rule,
        location=finding.location,
        issue=finding.message,
        impact=impact or T.DEFAULT_IMPACT[finding.severity.value],
        recommendation=recommendation or T.DEFAULT_RECOMMENDATION.format(rule=finding.rule),
    )


def scope_paths(request: TurnRequest) -> list[str]:
    """What the answer is about: the context files, else existing paths the prompt names
    (``lib/``, ``lib/courier/queue.ex``), else [] for the whole project."""
    if request.context_files:
        return list(request.context_files)
    root = request.project_root.resolve()
    found: list[str] = []
    for match in PATH_TOKEN.finditer(request.prompt):
        token = match.group(1).rstrip(".")
        if "/" not in token and not token.endswith((".ex", ".exs")):
            continue
        candidate = (root / token).resolve()
        if candidate.is_relative_to(root) and candidate.exists() and candidate != root:
            found.append(candidate.relative_to(root).as_posix())
    return sorted(set(found))


def stage_fixes(request: TurnRequest, view: EngineView) -> list[EditProposed]:
    """Stage the engine's autofixes for the findings in view into the turn's changeset."""
    if request.changeset is None or not view.findings:
        return []
    try:
        from elixir_pro.engine.autofix import autofix_changeset
        from elixir_pro.tools.files import diff_size
    except ImportError:
        return []
    staged = autofix_changeset(request.project_root, view.scope or None, findings=view.findings)
    edits: list[EditProposed] = []
    for rel, proposal in sorted(staged.proposals.items()):
        if proposal.new_text is None:
            continue
        final = request.changeset.propose_text(rel, proposal.new_text)
        if final.is_noop:  # the fix changes nothing: nothing staged, nothing announced
            del request.changeset.proposals[rel]
            continue
        added, removed = diff_size(final.base_text or "", proposal.new_text)
        edits.append(EditProposed(rel, final.kind.value, added, removed, request.changeset.id))
    return edits


def _paragraphs(text: str) -> Sequence[str]:
    """The text in paragraph-sized pieces (each keeps its trailing blank line), so the answer
    streams like one from Claude."""
    return [piece for piece in re.split(r"(?<=\n\n)", text) if piece]
