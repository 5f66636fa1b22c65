"""Comparisons from facts: an OTP or Phoenix choice ("Registry vs :global") answered from the
curated knowledge base (:mod:`elixir_pro.knowledge`), every option the question names in
full (strengths, costs, when to choose it, its sources), tied to what the project actually
uses (:mod:`elixir_pro.engine.uses`). The options it does not name are listed briefly.

Used by the offline backend for compare requests in any pane.
"""

from __future__ import annotations

from elixir_pro.engine.uses import ProjectUses
from elixir_pro.knowledge import Match, Option
from elixir_pro.llm import offline_text_tasks as FX
from elixir_pro.llm.offline_answer import Answer
from elixir_pro.llm.offline_engine import ProjectView


def _places(option: Option, uses: ProjectUses) -> tuple[list[str], int]:
    places: list[str] = []
    count = 0
    for fact in option.uses:
        count += uses.counts.get(fact, 0)
        places.extend(str(p) for p in uses.where(fact) if str(p) not in places)
    return places, count


def used(option: Option, uses: ProjectUses) -> bool:
    if option.absent:
        return not any(uses.uses(fact) for fact in option.absent)
    return any(uses.uses(fact) for fact in option.uses)


def _in_project(option: Option, project: ProjectView) -> str:
    if project.unavailable:
        return FX.COMPARE_UNKNOWN
    if option.absent:
        if not used(option, project.uses):
            return FX.COMPARE_UNUSED
        return FX.COMPARE_ABSENT.format(facts=", ".join(f"`{f}`" for f in option.absent))
    places, count = _places(option, project.uses)
    if not places:
        return FX.COMPARE_UNUSED
    shown = ", ".join(places[:3])
    more = FX.COMPARE_USED_MORE.format(count=count) if count > len(places[:3]) else ""
    return FX.COMPARE_USED.format(places=shown) + more


def _option_text(option: Option, project: ProjectView) -> str:
    return FX.COMPARE_OPTION.format(
        name=option.name,
        summary=option.summary,
        strengths=" ".join(option.strengths),
        costs=" ".join(option.costs),
        choose_when=option.choose_when,
        in_project=_in_project(option, project),
        sources=", ".join(option.sources),
    )


def _clause(text: str) -> str:
    """``text`` to continue a sentence: its first letter lowered unless it starts a name."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def _names(options: list[Option]) -> str:
    names = [f"**{o.name}**" for o in options]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _for_project(shown: list[Option], project: ProjectView) -> list[str]:
    if project.unavailable:
        return []
    yes = [o for o in shown if used(o, project.uses)]
    no = [o for o in shown if not used(o, project.uses)]
    out = [FX.COMPARE_PROJECT_HEAD]
    if yes and no:
        out.append(FX.COMPARE_PROJECT_USES.format(used=_names(yes), unused=_names(no)))
        for other in no:
            out.append(
                FX.COMPARE_KEEP.format(
                    used=_names(yes),
                    choose_when=" ".join(_clause(o.choose_when) for o in yes),
                    other=f"**{other.name}**",
                    other_when=_clause(other.choose_when),
                )
            )
    elif yes:
        out.append(FX.COMPARE_PROJECT_ALL.format(used=_names(yes)))
    else:
        out.append(FX.COMPARE_PROJECT_NONE.format(names=_names(shown)))
        out.extend(FX.COMPARE_PICK.format(name=o.name, choose_when=o.choose_when) for o in shown)
    return out


def compare(match: Match, project: ProjectView) -> Answer:
    comparison = match.comparison
    shown = list(match.named) if len(match.named) >= 2 else list(comparison.options)
    others = [o for o in comparison.options if o not in shown]
    out = [FX.COMPARE_HEAD.format(title=comparison.title, question=comparison.question)]
    out.extend(_option_text(o, project) for o in shown)
    if others:
        brief = "; ".join(
            FX.COMPARE_ALSO_ONE.format(name=o.name, summary=o.summary) for o in others
        )
        out.append(FX.COMPARE_ALSO.format(others=brief))
    out.extend(_for_project(shown, project))
    out.extend(FX.COMPARE_NOTE.format(note=note) for note in comparison.notes)
    if comparison.sources:
        out.append(FX.COMPARE_SOURCES.format(sources=", ".join(comparison.sources)))
    gate = comparison.human_gate
    return Answer(
        body="".join(out),
        result=FX.RESULT_COMPARE.format(
            title=comparison.title, names=", ".join(o.name for o in shown)
        ),
        confidence="low" if project.unavailable else "medium",
        uncertainty=FX.UNCERTAINTY_COMPARE,
        verification=FX.VERIFY_COMPARE,
        gate=FX.GATE_COMPARE.format(reason=gate) if gate else FX.GATE_NO_COMPARE,
        claude_adds=FX.CLAUDE_ADDS_COMPARE,
    )
