"""Children lists built by the application's own functions: ``children(mode)`` with one clause
per mode, ``if``/``case`` branches, ``++`` of helper lists, a list piped through
``Enum.reject(&is_nil/1)`` and a child spec returned by a function are followed, and every
child a branch may start is shown once; what no branch shows stays "computed at run time"."""

from __future__ import annotations

from pathlib import Path

from elixir_pro.engine.supervision import build_supervision_map

APP = """\
defmodule Shop.Application do
  use Application

  @impl true
  def start(_type, _args) do
    children = children(mode())
    Supervisor.start_link(children, strategy: :one_for_one, name: Shop.Supervisor)
  end

  defp mode, do: System.get_env("SHOP_MODE", "all")

  defp children("worker"), do: common() ++ workers()
  defp children("web"), do: common() ++ [ShopWeb.Endpoint]

  defp children(_) do
    extra =
      if Application.get_env(:shop, :metrics) do
        [Shop.Metrics]
      else
        []
      end

    common() ++ workers() ++ extra ++ [ShopWeb.Endpoint]
  end

  defp common do
    [Shop.Repo, {Phoenix.PubSub, name: Shop.PubSub}, queue_child(), metrics_server()]
    |> Enum.reject(&is_nil/1)
  end

  defp queue_child, do: {Shop.Mailer, Application.fetch_env!(:shop, Shop.Mailer)}

  defp metrics_server do
    if port = Application.get_env(:shop, :metrics_port) do
      {Bandit, plug: ShopWeb.MetricsPlug, port: port}
    end
  end

  defp workers do
    case Application.get_env(:shop, :queue) do
      :oban -> [{Oban, Application.fetch_env!(:shop, Oban)}]
      _ -> [Shop.Queue] ++ plugins()
    end
  end
end
"""

LOOPING = """\
defmodule Loop.Application do
  use Application

  def start(_type, _args), do: Supervisor.start_link(children(1), strategy: :one_for_one)

  defp children(n), do: [Loop.Worker] ++ children(n + 1)
end
"""


def _root(tmp_path: Path, source: str) -> Path:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "application.ex").write_text(source, encoding="utf-8")
    return tmp_path


def test_children_from_function_clauses_and_branches(tmp_path: Path) -> None:
    (app,) = build_supervision_map(_root(tmp_path, APP)).roots
    labels = [c.label for c in app.children]
    assert labels == [
        "Shop.Repo",
        "Phoenix.PubSub",
        "Shop.Mailer",  # the spec queue_child/0 returns
        "Bandit",  # the spec metrics_server/0 returns when it starts one
        "Oban",
        "Shop.Queue",
        "(more children computed at run time)",  # plugins() is not in the source
        "ShopWeb.Endpoint",
        "Shop.Metrics",
    ]
    assert app.strategy == "one_for_one"


def test_a_function_that_calls_itself_stops_at_run_time(tmp_path: Path) -> None:
    (app,) = build_supervision_map(_root(tmp_path, LOOPING)).roots
    labels = [c.label for c in app.children]
    assert labels[0] == "Loop.Worker"
    assert labels.count("Loop.Worker") == 1
