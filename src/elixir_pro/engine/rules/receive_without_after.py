"""Rule ``receive-without-after``: a receive that waits for a reply with no timeout."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, arguments, keyword_value
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.locate import has_word
from elixir_pro.engine.rule import Rule, register


@register
class ReceiveWithoutAfter(Rule):
    id = "receive-without-after"
    severity = Severity.HIGH
    title = "receive without an after clause"
    triggers = (b"receive",)

    def applies(self, ctx: FileContext) -> bool:
        return has_word(ctx.source, b"receive")  # not assert_receive / refute_receive

    rationale = (
        "A receive that waits for a reply or a handshake blocks forever when the other side "
        "dies, is slow or never answers. A process's own top-level message loop may wait "
        "forever by design; a one-off wait may not."
    )
    impact = (
        "The process hangs forever when the reply never comes: callers time out, the "
        "mailbox grows, and the hang survives restarts of the other side."
    )
    recommendation = (
        "Add an `after` clause with a timeout that returns an error tuple (for example "
        "`after 5_000 -> {:error, :timeout}`), or use GenServer.call, which has one."
    )
    dirty_example = """\
def fetch(pid) do
  send(pid, {:get, self()})
  receive do
    {:reply, value} -> {:ok, value}
  end
end
"""
    clean_example = """\
def fetch(pid) do
  send(pid, {:get, self()})
  receive do
    {:reply, value} -> {:ok, value}
  after
    5_000 -> {:error, :timeout}
  end
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for node in ctx.calls("receive"):
            if _has_after(node):
                continue
            fn = ctx.function_at(node.start_byte)
            if fn is not None and ctx.is_recursive(fn):
                continue  # the function is itself a receive loop: waiting is its job
            yield self.finding_on_line(
                ctx, node, "receive has no `after` clause: it waits forever if no reply comes"
            )


def _has_after(node: Node) -> bool:
    block = next((c for c in node.children if c.type == "do_block"), None)
    if block is not None:
        return any(c.type == "after_block" for c in block.children)
    args = arguments(node)  # receive(do: ..., after: ...)
    return not args or keyword_value(args[-1], "after") is not None
