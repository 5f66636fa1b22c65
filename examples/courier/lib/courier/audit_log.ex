defmodule Courier.AuditLog do
  @moduledoc """
  Keeps a record of dispatch events. Events are buffered and flushed to the
  log every few seconds, so that a burst of assignments costs one write.
  """

  use GenServer

  require Logger

  @doc false
  def start_link(opts) do
    GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  end

  @doc "Records an event, such as `{:assigned, delivery_id, driver_id}`."
  @spec record(term()) :: :ok
  def record(event) do
    GenServer.cast(__MODULE__, {:record, event, System.system_time(:millisecond)})
  end

  @doc "The events recorded so far, oldest first."
  @spec entries() :: [{integer(), term()}]
  def entries do
    GenServer.call(__MODULE__, :entries)
  end

  @impl true
  def init(opts) do
    # Trap exits so that a shutdown from the supervisor lets us flush the buffer.
    Process.flag(:trap_exit, true)
    interval = Keyword.get(opts, :flush_ms, Application.get_env(:courier, :audit_flush_ms, 5_000))
    Process.send_after(self(), :flush, interval)
    {:ok, %{buffer: [], log: [], interval: interval}}
  end

  @impl true
  def handle_cast({:record, event, at}, state) do
    {:noreply, %{state | buffer: [{at, event} | state.buffer]}}
  end

  @impl true
  def handle_call(:entries, _from, state) do
    {:reply, state.log ++ Enum.reverse(state.buffer), state}
  end

  @impl true
  def handle_info(:flush, state) do
    Process.send_after(self(), :flush, state.interval)
    {:noreply, flush(state)}
  end

  def handle_info(message, state) do
    Logger.warning("audit log got an unexpected message: #{inspect(message)}")
    {:noreply, state}
  end

  defp flush(%{buffer: []} = state), do: state

  defp flush(state) do
    entries = Enum.reverse(state.buffer)
    Enum.each(entries, fn {at, event} -> Logger.info("audit #{at} #{inspect(event)}") end)
    %{state | buffer: [], log: state.log ++ entries}
  end
end
