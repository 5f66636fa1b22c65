"""Offline code generators: OTP processes, Ecto schemas and LiveViews that know the project.

The API, for the offline backend and anything that routes a "create" request::

    request = generators.match(prompt, root)        # GeneratorRequest | None
    generation = generators.generate(request, root)  # Generation; GeneratorError: one line
    events = generators.stage(generation, changeset) # EditProposed per staged file

``generate`` only computes texts (``Generation.edits``): new files rendered from the templates
under ``templates/`` (data, with ``<%= key %>`` placeholders) and, for a process, one edit of
the supervisor that starts it (the child appended to its ``children`` list, found through the
supervision map). ``stage`` puts them into a changeset for review; nothing is written here.

Kinds (``catalog.yaml``): GenServer, Supervisor, DynamicSupervisor (with a per-key process and
a Registry), Registry, Task.Supervisor, PartitionSupervisor, periodic worker, Agent, rate
limiter, ETS cache, Ecto schema + context + migration, LiveView; each with an ExUnit test.
No Textual here.
"""

from __future__ import annotations

from elixir_pro.generators.build import generate, stage
from elixir_pro.generators.model import Generation, GeneratorError, GeneratorRequest, StagedEdit
from elixir_pro.generators.request import match

__all__ = [
    "Generation",
    "GeneratorError",
    "GeneratorRequest",
    "StagedEdit",
    "generate",
    "match",
    "stage",
]
