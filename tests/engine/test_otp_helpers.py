"""The analysis under the OTP rules: function heads and typespecs are not calls, local calls are
followed by name and arity, the code a GenServer runs is told from its client API, and the
messages a process receives are compared with its clauses by their known parts."""

from __future__ import annotations

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, FunctionDef, ModuleDef, arguments
from elixir_pro.engine.parse import call_target, parse, walk
from elixir_pro.engine.rules._messages import (
    ANY,
    DOWN,
    TASK_REPLY,
    Shape,
    atom,
    down_of,
    handled,
    handler_bodies,
    sent_to_self,
    tup,
)
from elixir_pro.engine.rules._otp import (
    DATABASE,
    blocking_work,
    call_graph,
    process_code,
    traps_exits,
)


def _ctx(source: str, path: str = "lib/x.ex") -> FileContext:
    data = source.encode()
    return FileContext(path, data, parse(data))


def test_function_heads_and_typespecs_are_signatures_not_calls() -> None:
    ctx = _ctx(
        """\
defmodule Conn do
  @spec receive(t) :: t
  @callback receive(t) :: t
  def receive(conn, message \\\\ receive(do: (m -> m))) when is_map(conn), do: conn
  defp receive(conn), do: conn
  def wait, do: receive(do: (:go -> :ok))
end
"""
    )
    found = {(c.start_point[0] + 1, ctx.is_signature(c)) for c in ctx.calls("receive")}
    # line 4 holds both the head (a signature) and the default argument (a real receive)
    assert found == {(2, True), (3, True), (4, True), (4, False), (5, True), (6, False)}


def _module(ctx: FileContext, name: str) -> ModuleDef:
    return next(m for m in ctx.modules if m.name == name)


def _names(fns: set[FunctionDef] | list[FunctionDef]) -> set[str]:
    return {f"{f.name}/{f.arity}" for f in fns}


GRAPH_SOURCE = """\
defmodule Store do
  use GenServer

  def fetch(id), do: GenServer.call(__MODULE__, {:fetch, id})

  @impl true
  def init(opts), do: {:ok, load(opts)}

  @impl true
  def handle_call({:fetch, id}, _from, state), do: {:reply, find(id), state}

  @impl true
  def handle_continue(:reload, state), do: {:noreply, init(state, :full)}

  defp init(state, :full), do: Map.put(state, :rows, Store.Repo.all(Row))

  defp load(opts), do: load(opts, [])
  defp load(opts, acc) when is_list(acc), do: Keyword.get(opts, :rows, acc)

  defp find(id, opts \\\\ [])
  defp find(nil, _opts), do: nil
  defp find(id, opts), do: Store.Repo.get(Row, id, opts)

  def warm(ids) do
    Task.start(fn -> Enum.each(ids, &find/1) end)
    later = fn -> refresh() end
    later
  end

  defp refresh, do: :ok
end
"""


def test_local_calls_resolve_by_name_arity_and_default_arguments() -> None:
    ctx = _ctx(GRAPH_SOURCE)
    module = _module(ctx, "Store")
    graph = call_graph(ctx, module)
    init1 = module.clauses("init", 1)
    # init/1 reaches load/1 and load/2, never the other function init/2
    assert _names(graph.forward(init1)) == {"init/1", "load/1", "load/2"}
    # find/1 lands on the clauses of find/2 (a default argument), all three of them
    handler = [f for f in module.functions if f.name == "handle_call"]
    assert _names(graph.forward(handler)) == {"handle_call/3", "find/2"}
    assert len([f for f in graph.forward(handler) if f.name == "find"]) == 3
    # callers: the Repo query in init/2 is reached from handle_continue/2, not from init/1
    init2 = [f for f in module.functions if f.name == "init" and f.arity == 2]
    assert "init/1" not in _names(graph.backward(init2))
    assert "handle_continue/2" in _names(graph.backward(init2))


def test_spawned_and_deferred_calls_are_not_callees() -> None:
    ctx = _ctx(GRAPH_SOURCE)
    module = _module(ctx, "Store")
    graph = call_graph(ctx, module)
    warm = module.clauses("warm", 1)
    # &find/1 runs in the task; refresh/0 in a closure kept for later
    assert _names(graph.forward(warm)) == {"warm/1"}
    assert "find/2" in _names(graph.started)
    code = process_code(ctx, module, "genserver")
    assert "fetch/1" not in _names(code)  # client API: runs in the caller
    assert {"init/1", "handle_call/3", "find/2", "init/2"} <= _names(code)


def test_blocking_work_follows_helpers_in_the_same_process() -> None:
    ctx = _ctx(GRAPH_SOURCE)
    module = _module(ctx, "Store")
    handler = [f for f in module.functions if f.name == "handle_call"]
    found = blocking_work(ctx, module, handler)
    assert [(kind, node.start_point[0] + 1) for kind, node in found] == [(DATABASE, 22)]
    assert blocking_work(ctx, module, module.clauses("init", 1)) == []


def test_recursion_through_another_function_is_recursion() -> None:
    ctx = _ctx(
        """\
defmodule Loop do
  defp loop(state) do
    receive do
      {:get, from} -> reply(from, state)
    end
  end

  defp reply(from, state) do
    send(from, state)
    loop(state)
  end

  defp once(x), do: x
end
"""
    )
    module = _module(ctx, "Loop")
    graph = call_graph(ctx, module)
    assert graph.recursive(module.functions[0])
    assert not graph.recursive(module.functions[-1])


MESSAGES_SOURCE = """\
defmodule Watcher do
  use GenServer

  @impl true
  def init(opts) do
    Process.flag(:trap_exit, true)
    :timer.send_interval(1_000, :tick)
    Process.send_after(self(), {:poll, 1}, 500)
    :erlang.start_timer(100, self(), :expire)
    Process.monitor(opts[:owner], tag: {:owner_down, :main})
    Task.start(fn -> Process.flag(:trap_exit, true) end)
    {:ok, opts}
  end

  @impl true
  def handle_info({:owner_down, _}, state), do: {:noreply, state}
  def handle_info({{:owner_down, _}, _ref, :process, _pid, _why}, state), do: {:noreply, state}
  def handle_info("open:" <> _url, state), do: {:noreply, state}
  def handle_info({ref, result} = reply, state) when is_reference(ref), do: {:noreply, state}
  def handle_info(%{event: "x"}, state), do: {:noreply, state}
end
"""


def _message_nodes(ctx: FileContext) -> dict[str, Node]:
    found: dict[str, Node] = {}
    for node in walk(ctx.root):
        target = call_target(node) if node.type == "call" else None
        if target is not None and target not in found:
            found[target] = node
    return found


def test_messages_sent_to_self_by_timers_and_sends() -> None:
    ctx = _ctx(MESSAGES_SOURCE)
    calls = _message_nodes(ctx)
    shapes = {
        target: str(sent_to_self(calls[target], target))
        for target in (":timer.send_interval", "Process.send_after", ":erlang.start_timer")
    }
    assert shapes == {
        ":timer.send_interval": ":tick",
        "Process.send_after": "{:poll, _}",
        ":erlang.start_timer": "{:timeout, ref, :expire}",
    }
    # a tagged monitor's :DOWN starts with the tag
    assert str(down_of(calls["Process.monitor"])) == "{{:owner_down, :main}, ref, _, _, _}"


def test_clauses_match_by_the_known_parts_of_a_message() -> None:
    ctx = _ctx(MESSAGES_SOURCE)
    clauses = _module(ctx, "Watcher").clauses("handle_info", 2)
    calls = _message_nodes(ctx)
    assert handled(clauses, down_of(calls["Process.monitor"]))
    assert not handled(clauses, DOWN)  # an untagged :DOWN: no clause takes it
    assert handled(clauses, TASK_REPLY)  # {ref, result}, guard ignored
    assert not handled(clauses, tup(atom(":nodeup"), ANY, ANY))
    assert handled(clauses, tup(atom(":owner_down"), ANY))
    assert not handled(clauses, atom(":tick"))
    assert handled(clauses, Shape("value", "string"))  # "open:" <> url may match a string
    assert not handled(clauses, ANY)  # an unknown message needs a clause that takes anything


def test_exits_trapped_in_a_started_task_belong_to_the_task() -> None:
    ctx = _ctx(MESSAGES_SOURCE)
    module = _module(ctx, "Watcher")
    code = process_code(ctx, module, "genserver")
    assert traps_exits(ctx, code)
    only_task = _ctx(MESSAGES_SOURCE.replace("    Process.flag(:trap_exit, true)\n", "", 1))
    other = _module(only_task, "Watcher")
    assert not traps_exits(only_task, process_code(only_task, other, "genserver"))


def test_telemetry_handlers_are_read_only_when_defined_here() -> None:
    ctx = _ctx(
        """\
defmodule Stats do
  def attach do
    :telemetry.attach("a", [:x], &__MODULE__.handle_event/4, nil)
    :telemetry.attach("b", [:x], &handle_event/4, nil)
    :telemetry.attach("c", [:x], &Other.handle_event/4, nil)
    :telemetry.attach("d", [:x], fn _, _, _, pid -> send(pid, :event) end, self())
  end

  def handle_event(_event, _measurements, _metadata, table), do: :ets.insert(table, {1})
end
"""
    )
    module = _module(ctx, "Stats")
    attaches = [n for n in walk(ctx.root) if call_target(n) == ":telemetry.attach"]
    bodies = [handler_bodies(arguments(a)[2], module) for a in attaches]
    assert [b is not None for b in bodies] == [True, True, False, True]
    assert bodies[0] == bodies[1] == [module.functions[1].node]
