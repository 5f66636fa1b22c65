defmodule Courier.Metrics do
  @moduledoc """
  Counts dispatch events and logs the counters at a fixed interval.
  """

  use GenServer

  require Logger

  @doc false
  def start_link(opts) do
    GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  end

  @doc "Adds one to the counter `name`."
  @spec increment(atom()) :: :ok
  def increment(name) when is_atom(name) do
    GenServer.cast(__MODULE__, {:increment, name})
  end

  @doc "Counts `pid`'s exit under `:exits` when it stops."
  @spec watch(pid()) :: :ok
  def watch(pid) when is_pid(pid) do
    GenServer.cast(__MODULE__, {:watch, pid})
  end

  @doc "The current counters."
  @spec snapshot() :: %{atom() => non_neg_integer()}
  def snapshot do
    GenServer.call(__MODULE__, :snapshot)
  end

  @impl true
  def init(opts) do
    interval =
      Keyword.get(opts, :report_ms, Application.get_env(:courier, :metrics_report_ms, 60_000))

    Process.send_after(self(), :report, interval)
    {:ok, %{counters: %{}, interval: interval}}
  end

  @impl true
  def handle_cast({:increment, name}, state) do
    {:noreply, %{state | counters: Map.update(state.counters, name, 1, &(&1 + 1))}}
  end

  def handle_cast({:watch, pid}, state) do
    Process.monitor(pid)
    {:noreply, state}
  end

  @impl true
  def handle_call(:snapshot, _from, state) do
    {:reply, state.counters, state}
  end

  @impl true
  def handle_info(:report, state) do
    Logger.info("courier metrics: #{inspect(state.counters)}")
    Process.send_after(self(), :report, state.interval)
    {:noreply, state}
  end
end
