"""Offline explanations and the "what the engine can do" answer.

An explain request gets, for each module or function of the project it names, what the
engine knows (where it is defined, its process kind and supervisor, its public functions,
the findings in its file, its docs from the source) and, for each Elixir or Erlang symbol,
the installed documentation (:mod:`elixir_pro.engine.docs`). A prompt the engine cannot
answer gets example prompts that work, named after the project's own files and modules.

Blocking code (a docs lookup runs ``elixir``); the offline backend runs it in a thread.
"""

from __future__ import annotations

import re

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.engine.supervision_model import ProcessKind, ProcessNode
from elixir_pro.llm import offline_text as T
from elixir_pro.llm import offline_text_tasks as FX
from elixir_pro.llm.offline_answer import Answer
from elixir_pro.llm.offline_create import create_examples
from elixir_pro.llm.offline_engine import ProjectView
from elixir_pro.llm.offline_intent import Targets

MAX_SYMBOLS = 5
_DEF = re.compile(r"^\s*def\s+([a-z_]\w*[?!]?)\s*(?:\((.*)\))?", re.MULTILINE)
_DOC = re.compile(r'@(?:module)?doc\s+(?:"""\n?([\s\S]*?)"""|"((?:[^"\\]|\\.)*)")')
MAX_SNIPPET = 10


def _arity(args: str | None) -> int:
    if not args or not args.strip():
        return 0
    depth, count = 0, 1
    for char in args:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            count += 1
    return count


def _module_source(project: ProjectView, module: str) -> tuple[str, int, str]:
    """(file, line of ``defmodule``, the module's source up to the next ``defmodule``)."""
    rel = project.modules[module]
    text = (project.root / rel).read_text("utf-8", errors="replace")
    start = re.search(rf"^\s*defmodule\s+{re.escape(module)}\s+do\b", text, re.MULTILINE)
    if start is None:
        return rel, 1, text
    rest = text[start.end() :]
    following = re.search(r"^\s*defmodule\s", rest, re.MULTILINE)
    body = rest[: following.start()] if following else rest
    return rel, text.count("\n", 0, start.start()) + 1, body


def _first_paragraph(doc: str) -> str:
    paragraph = doc.strip().split("\n\n")[0]
    return " ".join(paragraph.split())


def _process(project: ProjectView, module: str) -> str:
    if project.service is None:
        return ""
    try:
        smap = project.service.supervision()
    except Exception:  # the map is a bonus here; its own errors are reported elsewhere
        return ""
    for root in [*smap.roots, *smap.unattached]:
        stack: list[tuple[ProcessNode, ProcessNode | None]] = [(root, None)]
        while stack:
            node, parent = stack.pop()
            if node.module == module:
                supervisor = (
                    T.PROJECT_SUPERVISOR.format(supervisor=parent.module or parent.label)
                    if parent is not None
                    else ("" if node.kind.supervises else T.PROJECT_NOT_SUPERVISED)
                )
                return T.PROJECT_KIND.format(kind=node.kind.value, supervisor=supervisor)
            stack.extend((child, node) for child in node.children)
    info = smap.modules.get(module)
    if info is not None and info.kind is not ProcessKind.UNKNOWN:
        return T.PROJECT_KIND.format(kind=info.kind.value, supervisor=T.PROJECT_NOT_SUPERVISED)
    return ""


def explain_module(project: ProjectView, module: str) -> str:
    rel, line, body = _module_source(project, module)
    details = [_process(project, module)]
    functions = sorted({f"{m.group(1)}/{_arity(m.group(2))}" for m in _DEF.finditer(body)})
    if functions:
        details.append(T.PROJECT_PUBLIC.format(functions=", ".join(f"`{f}`" for f in functions)))
    findings = [f for f in project.findings if f.path == rel]
    if findings:
        listed = "; ".join(f"{f.title or f.rule} ({f.location})" for f in findings[:5])
        details.append(T.PROJECT_FINDINGS.format(findings=listed))
    else:
        details.append(T.PROJECT_NO_FINDINGS)
    doc = re.search(r'@moduledoc\s+(?:"""\n?([\s\S]*?)"""|"((?:[^"\\]|\\.)*)")', body)
    text = (doc.group(1) or doc.group(2) or "") if doc else ""
    if text.strip():
        details.append(T.PROJECT_DOC.format(doc=_first_paragraph(text)))
    return T.PROJECT_MODULE.format(module=module, path=rel, line=line, details="".join(details))


def _snippet(source: str) -> str:
    """The definition at the start of ``source``: its head line, and its body up to the
    matching ``end`` when it is a ``do`` block (at most :data:`MAX_SNIPPET` lines)."""
    lines = source.lstrip("\n").splitlines()
    head = lines[0] if lines else ""
    if not re.search(r"\bdo\s*$", head):
        return head.strip()
    indent = head[: len(head) - len(head.lstrip())]
    out = [head]
    for line in lines[1:MAX_SNIPPET]:
        out.append(line)
        if line.rstrip() == f"{indent}end":
            break
    else:
        out.append(f"{indent}  …")
    return "\n".join(line[len(indent) :] if line.startswith(indent) else line for line in out)


def explain_function(project: ProjectView, function: str) -> str:
    module, _, rest = function.rpartition(".")
    name, _, arity = rest.partition("/")
    rel, start, body = _module_source(project, module)
    text = (project.root / rel).read_text("utf-8", errors="replace")
    offset = text.find(body)
    for match in re.finditer(rf"^\s*defp?\s+{re.escape(name)}\b\s*(?:\((.*)\))?", body, re.M):
        if arity and _arity(match.group(1)) != int(arity):
            continue
        line = text.count("\n", 0, offset + match.start()) + 1
        docs = list(_DOC.finditer(body[: match.start()]))
        doc = _first_paragraph(docs[-1].group(1) or docs[-1].group(2) or "") if docs else ""
        between = body[docs[-1].end() : match.start()] if docs else ""
        if doc and re.search(r"^\s*defp?\s", between, re.M):
            doc = ""  # that doc belongs to an earlier function
        details = T.PROJECT_DOC.format(doc=doc) if doc else ""
        details += T.PROJECT_SNIPPET.format(code=_snippet(body[match.start() :]))
        return T.PROJECT_FUNCTION.format(
            function=function, location=f"{rel}:{line}", details=details
        )
    missing = T.PROJECT_FUNCTION_MISSING.format(function=function, path=rel)
    return T.PROJECT_FUNCTION.format(function=function, location=f"{rel}:{start}", details=missing)


def explain(project: ProjectView, targets: Targets) -> Answer:
    from elixir_pro.engine.dep_docs import project_docs_many
    from elixir_pro.engine.docs import DocResult

    out = [T.DOCS_HEAD]
    count = 0
    for module in targets.modules:
        if module in project.modules:
            out.append(explain_module(project, module))
            count += 1
    for function in targets.functions:
        out.append(explain_function(project, function))
        count += 1
    symbols = targets.symbols[:MAX_SYMBOLS]
    answers = project_docs_many(project.root, symbols) if symbols else []  # deps: _build
    for symbol, found in zip(symbols, answers, strict=True):
        if isinstance(found, DocResult) and found.markdown.strip():
            count += 1
            text = found.markdown.strip()
        else:
            text = T.DOC_MISSING.format(message=getattr(found, "message", "no docs"))
        out.append(T.DOC_ENTRY.format(symbol=symbol, text=text))
    if len(out) == 1:
        out.append(T.DOCS_NONE)
    return Answer(
        body="".join(out),
        result=T.RESULT_DOCS.format(count=count),
        confidence="medium" if count else "low",
        uncertainty=T.UNCERTAINTY_DOCS,
        verification=T.VERIFY_DOCS,
        claude_adds=T.CLAUDE_ADDS_INFORMATIVE,
    )


def examples(project: ProjectView) -> list[tuple[str, str]]:
    """(what, prompt) pairs that work offline on this project."""
    files = sorted({f.path for f in project.findings}) or sorted(project.files) or ["lib/"]
    fixable = sorted({f.path for f in project.findings if f.fixable})
    with_findings = {f.path for f in project.findings}
    named = sorted(project.modules, key=lambda m: (project.modules[m] not in with_findings, m))
    module = next((m for m in named if "." in m), "GenServer")
    values = {"file": files[0], "fixable": (fixable or files)[0], "module": module}
    out = [(what, prompt.format(**values)) for what, prompt in FX.HELP_EXAMPLES]
    out[2:2] = create_examples()
    return out


def help_answer(project: ProjectView, mode: CognitiveMode) -> Answer:
    hint = FX.HELP_MODE_HINT.format(mode=mode.value)
    out = [FX.HELP_HEAD, FX.HELP_NOT_UNDERSTOOD.format(mode_hint=hint)]
    out.extend(FX.HELP_EXAMPLE.format(what=w, prompt=p) for w, p in examples(project))
    return Answer(
        body="".join(out),
        result=FX.RESULT_HELP,
        confidence="low",
        uncertainty=FX.UNCERTAINTY_HELP,
        verification=FX.VERIFY_HELP,
        claude_adds=FX.CLAUDE_ADDS_HELP,
    )


def missing_answer(project: ProjectView, missing: list[str]) -> Answer:
    """The prompt names project paths that do not exist: say so and name the closest files,
    instead of answering about the whole project."""
    import difflib

    out = [FX.MISSING_HEAD]
    by_name = {p.rsplit("/", 1)[-1]: p for p in project.files}
    for token in missing:
        close = difflib.get_close_matches(token, project.files, n=3, cutoff=0.5)
        close += [
            by_name[n]
            for n in difflib.get_close_matches(token.rsplit("/", 1)[-1], list(by_name), n=3)
            if by_name[n] not in close
        ]
        shown = ", ".join(f"`{p}`" for p in close[:3])
        hint = FX.MISSING_CLOSE.format(paths=shown) if close else ""
        out.append(FX.MISSING_LINE.format(path=token, hint=hint))
    return Answer(
        body="".join(out),
        result=FX.RESULT_MISSING.format(paths=", ".join(f"`{m}`" for m in missing)),
        confidence="medium",
        uncertainty=FX.UNCERTAINTY_HELP,
        verification=FX.VERIFY_MISSING,
    )
