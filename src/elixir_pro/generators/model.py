"""The generators' data: what a prompt asks to create, and what generating it stages.

Built by :mod:`elixir_pro.generators.request` (``match``) and
:mod:`elixir_pro.generators.build` (``generate``); read by the offline backend, which stages
the edits into the turn's changeset and describes them in its answer.
"""

from __future__ import annotations

from dataclasses import dataclass


class GeneratorError(Exception):
    """A request the generators cannot serve on this project; ``str(exc)`` is one line for the
    user (nothing is staged)."""


@dataclass(frozen=True, slots=True)
class GeneratorRequest:
    """What a prompt asks to create.

    ``kind`` is a catalog id (``genserver``, ``dynamic_supervisor``...); ``name`` the base name
    read from the prompt in CamelCase, possibly dotted (``CartSession``, ``Billing.Invoice``),
    or "" for the kind's default; ``supervisor`` the supervisor the prompt names ("" for the
    application's); ``fields`` the ``name:type`` pairs of an Ecto schema; ``context`` the Ecto
    context module the prompt names ("" for one derived from the schema). ``exact``: the prompt
    gave the name with "called"/"named", so a kind with one main module takes it as is
    (``called PriceCache`` -> ``Courier.PriceCache``, not ``Courier.PriceCacheCache``).
    ``settings`` are template values the prompt sets, as Elixir expressions (``every 5
    minutes`` -> ``("interval", ":timer.minutes(5)")``); the catalog has their defaults.
    """

    kind: str
    name: str = ""
    supervisor: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    context: str = ""
    prompt: str = ""
    exact: bool = False
    settings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class StagedEdit:
    """One file's whole new text (``created``: the file does not exist yet)."""

    path: str  # posix, relative to the project root
    text: str
    created: bool


@dataclass(frozen=True, slots=True)
class Generation:
    """What :func:`~elixir_pro.generators.generate` produced, ready to stage and describe."""

    request: GeneratorRequest
    title: str  # the kind's name for people ("DynamicSupervisor with a Registry")
    edits: tuple[StagedEdit, ...]
    modules: tuple[str, ...]  # the modules created
    children: tuple[str, ...]  # the child specs added to the supervisor, as written
    supervisor: str  # the module the children were added under ("" when none)
    supervisor_path: str  # its file ("" when none)
    test_path: str  # the generated ExUnit test
    notes: tuple[str, ...] = ()  # what is left to the user (a route to add...)

    @property
    def created_paths(self) -> list[str]:
        return [e.path for e in self.edits if e.created]
