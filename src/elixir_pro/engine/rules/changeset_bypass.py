"""Rule ``changeset-bypass``: writing a struct or map literal straight to the Repo."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, effective_arguments, text
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._common import is_map_literal, last_binding, repo_calls

WRITES = ("insert", "insert!", "update", "update!", "insert_or_update", "insert_or_update!")


@register
class ChangesetBypass(Rule):
    id = "changeset-bypass"
    severity = Severity.HIGH
    title = "Repo write without a changeset"
    triggers = (b"insert", b"update")
    requires = (b"Repo",)
    rationale = (
        "Ecto validates, casts and enforces constraints only through changesets. Inserting "
        "or updating a struct or map literal skips all of it, so invalid data reaches the "
        "database and constraint errors raise instead of returning {:error, changeset}."
    )
    impact = (
        "Unvalidated data is persisted; unique and foreign-key violations crash the caller "
        "instead of coming back as errors the UI can show."
    )
    recommendation = (
        "Build a changeset (`%User{} |> User.changeset(attrs)`) and pass that to the Repo; "
        "use insert_all/update_all deliberately for bulk writes."
    )
    dirty_example = """\
def create_user(attrs) do
  Repo.insert(%User{email: attrs["email"], role: attrs["role"]})
end
"""
    clean_example = """\
def create_user(attrs) do
  %User{}
  |> User.changeset(attrs)
  |> Repo.insert()
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for call in repo_calls(ctx, WRITES):
            args = effective_arguments(call.node)
            if not args:
                continue
            subject = args[0]
            what = ""
            if is_map_literal(subject):
                what = "a struct literal" if _is_struct(subject) else "a map literal"
            elif subject.type == "identifier":
                fn = ctx.function_at(call.node.start_byte)
                bound = last_binding(fn, text(subject), call.node.start_byte) if fn else None
                if bound is not None and is_map_literal(bound):
                    what = f"`{text(subject)}`, bound to a literal"
            if what:
                yield self.finding_on_line(
                    ctx,
                    call.node,
                    f"{call.module}.{call.fun} is given {what}, bypassing changeset validation",
                )


def _is_struct(node: Node) -> bool:
    return node.type == "call" or any(c.type == "struct" for c in node.children)
