"""The LiveView generator: a LiveView skeleton (mount, one event, render) and its test.

"Generate a LiveView for the driver map" gives ``CourierWeb.DriverMapLive`` in
``lib/courier_web/live/driver_map_live.ex``, using ``use CourierWeb, :live_view`` when the
project's web module defines ``live_view`` (else ``use Phoenix.LiveView``). The route is left
to the user (a note says which line to add). Used by :mod:`elixir_pro.generators.build`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from elixir_pro.generators import catalog
from elixir_pro.generators.model import Generation, GeneratorError, GeneratorRequest, StagedEdit
from elixir_pro.generators.naming import ProjectNames, underscore
from elixir_pro.generators.render import render

Reader = Callable[[str], "str | None"]


def build_live_view(
    request: GeneratorRequest,
    kind: catalog.Kind,
    names: ProjectNames,
    root: Path,
    reader: Reader,
) -> Generation:
    from elixir_pro.generators.build import check_free, formatted
    from elixir_pro.generators.wiring import supervision_map, taken_names

    base = request.name or kind.default
    web = names.web_namespace
    live = f"{web}.{base}Live"
    snake = underscore(base).replace("/", "_")
    web_dir = underscore(web)
    path = f"lib/{web_dir}/live/{snake}_live.ex"
    test = f"test/{web_dir}/live/{snake}_live_test.exs"
    check_free([live], taken_names(supervision_map(root)), reader)
    for existing in (path, test):
        if reader(existing) is not None:
            raise GeneratorError(f"{existing} already exists; ask for another name")
    web_module = reader(f"lib/{web_dir}.ex") or ""
    use_line = f"use {web}, :live_view" if "def live_view" in web_module else "use Phoenix.LiveView"
    values = {
        "live": live,
        "live_alias": f"{base}Live",
        "title": snake.replace("_", " ").capitalize(),
        "route": snake.replace("_", "-"),
        "use_line": use_line,
        "endpoint": f"{web}.Endpoint",
    }
    edits = [
        StagedEdit(path, render(catalog.template("live_view.ex.tmpl"), values), True),
        StagedEdit(test, render(catalog.template("live_view_test.exs.tmpl"), values), True),
    ]
    notes = [f'add `live "/{values["route"]}", {base}Live` to your router\'s live scope']
    return Generation(
        request=request,
        title=kind.title,
        edits=tuple(formatted(edits, root, reader)),
        modules=(live,),
        children=(),
        supervisor="",
        supervisor_path="",
        test_path=test,
        notes=tuple(notes),
    )
