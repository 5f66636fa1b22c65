defmodule Courier.DriverServer do
  @moduledoc """
  One process per active driver: where the driver is and which deliveries the
  driver carries. Registered under the driver's id in `Courier.DriverRegistry`.
  """

  use GenServer

  require Logger

  defstruct [:driver_id, :position, deliveries: []]

  @doc false
  def start_link(driver_id) do
    GenServer.start_link(__MODULE__, driver_id, name: via(driver_id))
  end

  @doc "The name under which the process of `driver_id` is registered."
  def via(driver_id), do: {:via, Registry, {Courier.DriverRegistry, driver_id}}

  @doc "The pid of the driver's process, or nil when the driver is not active."
  @spec whereis(pos_integer()) :: pid() | nil
  def whereis(driver_id) do
    case Registry.lookup(Courier.DriverRegistry, driver_id) do
      [{pid, _value}] -> pid
      [] -> nil
    end
  end

  @doc "Records the driver's latest position."
  @spec report_position(pos_integer(), {float(), float()}) :: :ok
  def report_position(driver_id, {lat, lng} = position) when is_number(lat) and is_number(lng) do
    GenServer.cast(via(driver_id), {:position, position})
  end

  @doc "Gives the driver a delivery, unless the driver is at capacity."
  @spec assign(pos_integer(), pos_integer()) :: :ok | {:error, :at_capacity}
  def assign(driver_id, delivery_id) do
    GenServer.call(via(driver_id), {:assign, delivery_id})
  end

  @doc "Removes a delivery from the driver's load."
  @spec complete(pos_integer(), pos_integer()) :: :ok
  def complete(driver_id, delivery_id) do
    GenServer.call(via(driver_id), {:complete, delivery_id})
  end

  @doc "The ids of the deliveries the driver carries."
  @spec deliveries(pos_integer()) :: [pos_integer()]
  def deliveries(driver_id) do
    GenServer.call(via(driver_id), :deliveries)
  end

  @impl true
  def init(driver_id) do
    {:ok, %__MODULE__{driver_id: driver_id}}
  end

  @impl true
  def handle_call({:assign, delivery_id}, _from, state) do
    if length(state.deliveries) >= max_deliveries() do
      {:reply, {:error, :at_capacity}, state}
    else
      {:reply, :ok, %{state | deliveries: [delivery_id | state.deliveries]}}
    end
  end

  def handle_call({:complete, delivery_id}, _from, state) do
    {:reply, :ok, %{state | deliveries: List.delete(state.deliveries, delivery_id)}}
  end

  def handle_call(:deliveries, _from, state) do
    {:reply, Enum.reverse(state.deliveries), state}
  end

  @impl true
  def handle_cast({:position, position}, state) do
    {:noreply, %{state | position: position}}
  end

  @impl true
  def handle_info({:where_are_you, from, ref}, state) when is_pid(from) do
    send(from, {:location, ref, state.position})
    {:noreply, state}
  end

  def handle_info(message, state) do
    Logger.debug("driver #{state.driver_id} ignored #{inspect(message)}")
    {:noreply, state}
  end

  defp max_deliveries, do: Application.get_env(:courier, :max_deliveries_per_driver, 3)
end
