"""The one hook between a create request and the offline generators
(:mod:`elixir_pro.generators`): match the prompt, generate on the project (built upon what the
turn's changeset already stages), stage the files and the supervisor edit, and describe them.
A create request never stages anything else (no autofixes).

Blocking code (the generators format with the installed Elixir); run in a thread.
"""

from __future__ import annotations

from elixir_pro.agent.modes import ToolMode
from elixir_pro.llm import offline_text_tasks as FX
from elixir_pro.llm.base import TurnRequest
from elixir_pro.llm.offline_answer import Answer


def _catalog() -> list[tuple[str, str]]:
    """(title, example prompt) of every generator kind."""
    from elixir_pro.generators.catalog import kinds

    return [(k.title, FX.CREATE_EXAMPLES.get(k.id, f"Create a {k.title}")) for k in kinds()]


def create_examples() -> list[tuple[str, str]]:
    """Two create prompts for the "what the engine can do" answer."""
    return [(FX.CREATE_EXAMPLE, FX.CREATE_EXAMPLES[k]) for k in ("dynamic_supervisor", "genserver")]


def _nothing(body: list[str], why: str, confidence: str = "medium") -> Answer:
    return Answer(
        body="".join(body),
        result=FX.RESULT_CREATE_NONE.format(why=why),
        confidence=confidence,
        uncertainty=FX.UNCERTAINTY_CREATE,
        verification=FX.VERIFY_CREATE,
        gate=FX.GATE_CREATE,
        claude_adds=FX.CLAUDE_ADDS_CREATE,
    )


def matches(request: TurnRequest) -> bool:
    """Whether the generators recognise a create request in the prompt."""
    from elixir_pro.generators import match

    try:
        return match(request.prompt, request.project_root) is not None
    except Exception:  # a project the generators cannot read: not a create request for them
        return False


def create(request: TurnRequest) -> Answer:
    """Generate what the prompt asks and stage it (solution tool mode only)."""
    from elixir_pro.generators import GeneratorError, generate, match, stage

    body = [FX.CREATE_HEAD]
    wanted = match(request.prompt, request.project_root)
    if wanted is None:
        body.append(FX.CREATE_NO_MATCH)
        body.extend(FX.CREATE_CATALOG_LINE.format(title=t, example=e) for t, e in _catalog())
        return _nothing(body, "no generator matches the request", "low")
    changeset = request.changeset
    reader = changeset.view if changeset is not None else None
    try:
        generation = generate(wanted, request.project_root, reader)
    except GeneratorError as exc:
        body.append(FX.CREATE_FAILED.format(reason=str(exc)))
        return _nothing(body, str(exc))
    except Exception as exc:  # the generators must never take the conversation down
        reason = FX.CREATE_BROKE.format(error=f"{type(exc).__name__}: {exc}")
        body.append(FX.CREATE_FAILED.format(reason=reason))
        return _nothing(body, reason, "low")
    if request.tool_mode is not ToolMode.SOLUTION or changeset is None:
        tool = request.tool_mode.value
        body.append(FX.FIX_READ_ONLY.format(tool=tool))
        body.extend(f"- `{e.path}`\n" for e in generation.edits)
        return _nothing(body, f"the {tool} tool mode is read-only")
    edits = stage(generation, changeset)
    body.append(FX.CREATE_STAGED.format(title=generation.title))
    for edit in edits:
        what = FX.CREATE_NEW if edit.kind == "create" else FX.CREATE_EDITED
        body.append(
            FX.CREATE_FILE.format(path=edit.path, what=what, added=edit.added, removed=edit.removed)
        )
    if generation.children and generation.supervisor:
        children = ", ".join(f"`{c}`" for c in generation.children)
        body.append(
            FX.CREATE_CHILDREN.format(
                supervisor=generation.supervisor,
                path=generation.supervisor_path,
                children=children,
            )
        )
    if generation.test_path:
        body.append(FX.CREATE_TEST.format(path=generation.test_path))
    if generation.notes:
        body.append(FX.CREATE_NOTES_HEAD)
        body.extend(FX.CREATE_NOTE.format(note=n) for n in generation.notes)
    return Answer(
        body="".join(body),
        result=FX.RESULT_CREATE.format(title=generation.title, count=len(edits)),
        confidence="medium",
        uncertainty=FX.UNCERTAINTY_CREATE,
        verification=FX.VERIFY_CREATE,
        gate=FX.GATE_CREATE,
        claude_adds=FX.CLAUDE_ADDS_CREATE,
        edits=edits,
    )
