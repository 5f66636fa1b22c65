"""The Ecto generator: a schema, its context module, a migration and a test of the changeset.

"Create an Ecto schema for Parcel with weight:integer and label:string in the Shipping
context" gives ``Courier.Shipping.Parcel`` (table ``parcels``), ``Courier.Shipping`` (list,
get, create, update, delete, change) and ``priv/repo/migrations/<timestamp>_create_parcels.exs``
(when the project has ``:ecto_sql``). The test checks the changeset, so it needs no database.
Used by :mod:`elixir_pro.generators.build`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from elixir_pro.generators import catalog
from elixir_pro.generators.model import Generation, GeneratorError, GeneratorRequest, StagedEdit
from elixir_pro.generators.naming import (
    ProjectNames,
    plural,
    source_path,
    test_path,
    underscore,
)
from elixir_pro.generators.render import render

Reader = Callable[[str], "str | None"]

#: field type -> (schema type, migration type, a valid sample value)
TYPES: dict[str, tuple[str, str, str]] = {
    "string": (":string", ":string", '"some {field}"'),
    "text": (":string", ":text", '"some {field}"'),
    "integer": (":integer", ":integer", "42"),
    "float": (":float", ":float", "120.5"),
    "decimal": (":decimal", ":decimal", '"120.5"'),
    "boolean": (":boolean", ":boolean", "true"),
    "date": (":date", ":date", "~D[2026-01-01]"),
    "time": (":time", ":time", "~T[14:00:00]"),
    "naive_datetime": (":naive_datetime", ":naive_datetime", "~N[2026-01-01 14:00:00]"),
    "utc_datetime": (":utc_datetime", ":utc_datetime", "~U[2026-01-01 14:00:00Z]"),
    "map": (":map", ":map", "%{}"),
}
_REPO = re.compile(r"defmodule\s+([A-Z][\w.]*)\s+do\s+use\s+Ecto\.Repo\b")


def build_ecto(
    request: GeneratorRequest,
    kind: catalog.Kind,
    names: ProjectNames,
    root: Path,
    reader: Reader,
) -> Generation:
    from elixir_pro.generators.build import check_free, formatted
    from elixir_pro.generators.wiring import supervision_map, taken_names

    name = request.name or kind.default
    context_name = request.context
    if "." in name and not context_name:
        context_name, name = name.rsplit(".", 1)
    context_name = context_name or plural(name)
    fields = list(request.fields) or [("name", "string")]
    unknown = sorted({t for _f, t in fields if t not in TYPES})
    if unknown:
        raise GeneratorError(f"unknown field type(s) {', '.join(unknown)}; use {', '.join(TYPES)}")
    schema = f"{names.namespace}.{context_name}.{name}"
    context = f"{names.namespace}.{context_name}"
    check_free([schema, context], taken_names(supervision_map(root)), reader)
    singular = underscore(name).replace("/", "_")
    table = plural(singular)
    field_list = "[" + ", ".join(f":{f}" for f, _t in fields) + "]"
    values = {
        "schema": schema,
        "schema_alias": name,
        "context": context,
        "context_alias": context_name.rsplit(".", 1)[-1],
        "repo": _repo(root, names),
        "table": table,
        "singular": singular,
        "plural": table,
        "plural_module": plural(name),
        "field_list": field_list,
        "schema_fields": "\n".join(f"    field :{f}, {TYPES[t][0]}" for f, t in fields),
        "migration_fields": "\n".join(f"      add :{f}, {TYPES[t][1]}" for f, t in fields),
        "valid_attrs": "%{"
        + ", ".join(f"{f}: {TYPES[t][2].format(field=f)}" for f, t in fields)
        + "}",
    }
    edits = [
        StagedEdit(
            source_path(schema), render(catalog.template("ecto_schema.ex.tmpl"), values), True
        ),
        StagedEdit(
            source_path(context), render(catalog.template("ecto_context.ex.tmpl"), values), True
        ),
    ]
    notes: list[str] = []
    if "ecto_sql" in names.deps:
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
        path = f"priv/repo/migrations/{stamp}_create_{table}.exs"
        edits.append(
            StagedEdit(path, render(catalog.template("ecto_migration.exs.tmpl"), values), True)
        )
        notes.append(f"run `mix ecto.migrate` to create the `{table}` table")
    else:
        notes.append("no migration: the project has no :ecto_sql dep")
    test = test_path(context)
    if reader(test) is not None:
        raise GeneratorError(f"{test} already exists; ask for another name")
    edits.append(
        StagedEdit(test, render(catalog.template("ecto_context_test.exs.tmpl"), values), True)
    )
    return Generation(
        request=request,
        title=kind.title,
        edits=tuple(formatted(edits, root, reader)),
        modules=(schema, context),
        children=(),
        supervisor="",
        supervisor_path="",
        test_path=test,
        notes=tuple(notes),
    )


def _repo(root: Path, names: ProjectNames) -> str:
    """The project's ``use Ecto.Repo`` module (``<Namespace>.Repo`` when none is found)."""
    lib = root / "lib"
    for path in sorted(lib.rglob("*.ex")) if lib.is_dir() else []:
        try:
            found = _REPO.search(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        if found:
            return found.group(1)
    return f"{names.namespace}.Repo"
