"""Rule ``n-plus-one``: a Repo query run once per element of a collection."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, contains, text
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.locate import has_word
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._common import callee_name, functions_reaching, local_refs, repo_calls


@register
class NPlusOne(Rule):
    id = "n-plus-one"
    severity = Severity.HIGH
    title = "N+1 query: Repo call inside a loop"
    triggers = (b"Enum.", b"Stream.", b"for ", b"async_stream")
    requires = (b"Repo",)
    rationale = (
        "A Repo call inside an Enum callback or a `for` body runs one query per element. "
        "With a hundred rows that is a hundred round trips where one query (a preload, a "
        "join or a `where: x.id in ^ids`) would do."
    )
    impact = (
        "Latency and database load grow linearly with the data; pages and jobs that were "
        "fast in development time out in production and exhaust the connection pool."
    )
    recommendation = (
        "Load everything in one query before the loop (Repo.preload, a join, or "
        "`where: x.id in ^ids`), or batch writes with insert_all/Ecto.Multi."
    )
    dirty_example = """\
def with_authors(posts) do
  Enum.map(posts, fn post ->
    %{post | author: Repo.get(User, post.author_id)}
  end)
end
"""
    clean_example = """\
def with_authors(posts) do
  Repo.preload(posts, :author)
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        if not ctx.loop_bodies:
            return
        calls = repo_calls(ctx)
        if not calls:
            return
        reported: set[int] = set()
        for call in calls:
            loop = ctx.loop_around(call.node)
            if loop is not None:
                reported.add(call.node.start_byte)
                yield self.finding_on_line(
                    ctx,
                    call.node,
                    f"{call.module}.{call.fun} runs once per element of the "
                    f"{_loop_name(loop)} at line {loop.start_point[0] + 1}",
                )
        source = ctx.source
        helpers = {  # cheap byte test first: a local helper must be defined in this file
            name
            for name in _names_called_in_loops(ctx)
            if has_word(source, b"def " + name.encode())
            or has_word(source, b"defp " + name.encode())
        }
        if not helpers or not (helpers & {f.name for f in ctx.functions}):
            return
        by_node = {c.node.start_byte: c for c in calls}
        for module in {id(m): m for m in ctx.modules}.values() or [None]:
            reach = functions_reaching(ctx, module, [c.node for c in calls])
            for name, seeds in reach.items():
                if name not in helpers:
                    continue
                for ref in local_refs(ctx, name):
                    loop = ctx.loop_around(ref)
                    if loop is None or _inside_any(ref, seeds):
                        continue
                    for seed in seeds:
                        if seed.start_byte in reported:
                            continue
                        reported.add(seed.start_byte)
                        call = by_node[seed.start_byte]
                        yield self.finding_on_line(
                            ctx,
                            seed,
                            f"{call.module}.{call.fun} runs once per element: "
                            f"{callee_name(ref)} is called from the {_loop_name(loop)} "
                            f"at line {loop.start_point[0] + 1}",
                        )


def _names_called_in_loops(ctx: FileContext) -> set[str]:
    """Local function names called (or captured with ``&name/n``) inside loop bodies."""
    names: set[str] = set()
    for _, body in ctx.loop_bodies:
        for node in walk(body):
            if node.type == "call":
                target = node.child_by_field_name("target")
                if target is not None and target.type == "identifier":
                    names.add(text(target))
            elif node.type == "binary_operator":
                left = node.child_by_field_name("left")
                if left is not None and left.type == "identifier":
                    names.add(text(left))  # &name/arity
    return names


def _loop_name(loop: Node) -> str:
    return call_target(loop) or "loop"


def _inside_any(node: Node, seeds: list[Node]) -> bool:
    return any(contains(seed, node) for seed in seeds)
