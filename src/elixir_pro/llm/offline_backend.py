"""The offline backend: the same Backend protocol, answered by elixir-pro's own engine.

Each turn reads what the prompt asks and about what (:mod:`elixir_pro.llm.offline_intent`)
and answers that, in any pane:

- **create** ("Write a DynamicSupervisor ..."): the generators (:mod:`.offline_create`) stage
  the new files and the supervisor edit; never anything else;
- **fix** ("fix lib/x.ex", "fix the receive in X", "fix all"): the safe autofixes for exactly
  the files (and rules) asked, or the whole project when the prompt says so
  (:mod:`.offline_fix`);
- **review**: the agent's Audit Mode format for the targets, as on disk, naming the findings
  whose fixes are staged and offering the prompt that stages the others (:mod:`.offline_review`);
  a review stages nothing;
- **compare** ("Registry vs :global"): the knowledge base tied to what the project uses
  (:mod:`.offline_compare`);
- **explain**: project modules and functions, and Elixir/Erlang docs (:mod:`.offline_explain`);
- **assess**: the supervision map and the trade-offs the findings raise.

A prompt with no intent word gets its pane's (critical reviews, evaluative assesses,
informative explains); otherwise the answer says what the engine can do, with prompts that
work. In a panel, the critical and informative members look at a comparison through their
own lens (a review of the files that use the options, their docs), and the decision maker
summarises where the members agree and differ (:mod:`.offline_panel`). Only
the solution tool mode stages changes. Every answer says it is the offline engine and what
Claude would add, and ends with the envelope. Engine work is blocking, so it runs in a
thread. Used when there is no API key or with ``--offline``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from pathlib import Path

from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.config import Config
from elixir_pro.events import CoreEvent, TextDelta, TurnFinished
from elixir_pro.llm import offline_text as T
from elixir_pro.llm.base import TurnRequest
from elixir_pro.llm.context import user_message
from elixir_pro.llm.offline_answer import Answer, render
from elixir_pro.llm.offline_engine import ProjectView, load_project, view_for
from elixir_pro.llm.offline_intent import Ask, Intent, read_ask

PANEL_MEMBERS = (EnsembleRole.PANEL_MEMBER, EnsembleRole.AUDITOR, EnsembleRole.INPUT_PROVIDER)


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
        why = T.WHY_NO_KEY if self.no_key else T.WHY_OFFLINE
        header = T.HEADER.format(mode=request.cognitive_mode.value, why=why)
        answer = await asyncio.to_thread(answer_turn, request, self.config)
        text = ""
        for piece in _paragraphs(header + render(answer)):
            text += piece
            yield TextDelta(piece)
        for edit in answer.edits:
            yield edit
        assistant = {"role": "assistant", "content": [{"type": "text", "text": text}]}
        messages = [user_message(request), assistant]
        yield TurnFinished(text=text, extra={"messages": messages, "model": "offline"})


def answer_turn(request: TurnRequest, config: Config) -> Answer:
    """The whole answer to one turn (blocking)."""
    from elixir_pro.llm import offline_panel

    project = load_project(request.project_root, config)
    if request.role is EnsembleRole.DECISION_MAKER and offline_panel.is_handover(request.prompt):
        question, members = offline_panel.read_handover(request.prompt)
        own = answer_prompt(replace(request, prompt=question), project)
        mode = request.cognitive_mode.value
        return offline_panel.decision(question, members, own, mode)
    return answer_prompt(request, project)


def scope_paths(request: TurnRequest) -> list[str]:
    """What a request is about: its context files and the project paths its prompt names."""
    ask = read_ask(
        request.prompt, request.cognitive_mode, request.project_root, request.context_files, {}
    )
    return ask.targets.paths


def answer_prompt(request: TurnRequest, project: ProjectView) -> Answer:
    ask = read_ask(
        request.prompt,
        request.cognitive_mode,
        project.root,
        list(request.context_files),
        project.modules,
        request.history,
    )
    return _dispatch(request, project, ask)


def _dispatch(request: TurnRequest, project: ProjectView, ask: Ask) -> Answer:
    from elixir_pro.llm import offline_create, offline_explain, offline_fix, offline_review
    from elixir_pro.llm.offline_compare import compare

    targets = ask.targets
    intent = ask.intent
    if not ask.explicit and offline_create.matches(request):
        intent = Intent.CREATE  # the generators recognise what the request reader did not
    if intent is Intent.CREATE:
        return offline_create.create(request)
    if intent is Intent.COMPARE and ask.comparison is not None:
        return _member_lens(request, project, ask) or compare(ask.comparison, project)
    if targets.missing and not targets.paths and intent is not Intent.COMPARE:
        return offline_explain.missing_answer(project, targets.missing)
    if intent is Intent.FIX:
        view = view_for(project, targets.paths, request.changeset)
        if not targets.paths and not targets.project_wide:
            return offline_fix.need_target(view, targets.rules)
        if request.tool_mode is not ToolMode.SOLUTION:
            return offline_fix.read_only(view, targets.rules, request.tool_mode.value)
        return offline_fix.fix_answer(request, project, view, targets.rules)
    if intent is Intent.REVIEW:
        view = view_for(project, targets.paths, request.changeset)
        return offline_review.review(project, view)
    if intent is Intent.ASSESS:
        return offline_review.assess(project, view_for(project, targets.paths, request.changeset))
    if intent is Intent.EXPLAIN and not targets.empty:
        return offline_explain.explain(project, targets)
    if intent is Intent.EXPLAIN and request.cognitive_mode is CognitiveMode.INFORMATIVE:
        return offline_explain.explain(project, targets)
    return offline_explain.help_answer(project, request.cognitive_mode)


def _member_lens(request: TurnRequest, project: ProjectView, ask: Ask) -> Answer | None:
    """A panel member's own lens on a comparison (None: answer it as a comparison): the
    critical auditor reviews the files that use the options compared, the informative member
    gives their docs, so the decision maker weighs different evidence."""
    from elixir_pro.llm import offline_explain, offline_review

    if request.role not in PANEL_MEMBERS or ask.comparison is None:
        return None
    if request.cognitive_mode is CognitiveMode.CRITICAL:
        named = ask.comparison.named or ask.comparison.comparison.options
        paths = {p.path for o in named for fact in o.uses for p in project.uses.where(fact)}
        if paths:
            view = view_for(project, sorted(paths), request.changeset)
            return offline_review.review(project, view)
    if request.cognitive_mode is CognitiveMode.INFORMATIVE and ask.targets.symbols:
        return offline_explain.explain(project, ask.targets)
    return None


def _paragraphs(text: str) -> Sequence[str]:
    """The text in paragraph-sized pieces (each keeps its trailing blank line), so the answer
    streams like one from Claude."""
    return [piece for piece in re.split(r"(?<=\n\n)", text) if piece]
