defmodule Courier.DriverSupervisor do
  @moduledoc "Starts and restarts the process of each active driver."

  use DynamicSupervisor

  alias Courier.DriverServer

  @doc false
  def start_link(opts) do
    DynamicSupervisor.start_link(__MODULE__, opts, name: __MODULE__)
  end

  @doc "Starts the driver's process, or returns the one already running."
  @spec start_driver(pos_integer()) :: {:ok, pid()} | {:error, term()}
  def start_driver(driver_id) do
    case DynamicSupervisor.start_child(__MODULE__, {DriverServer, driver_id}) do
      {:ok, pid} -> {:ok, pid}
      {:error, {:already_started, pid}} -> {:ok, pid}
      {:error, reason} -> {:error, reason}
    end
  end

  @doc "Stops the driver's process when the driver goes off shift."
  @spec stop_driver(pos_integer()) :: :ok | {:error, :not_found}
  def stop_driver(driver_id) do
    case DriverServer.whereis(driver_id) do
      nil -> {:error, :not_found}
      pid -> DynamicSupervisor.terminate_child(__MODULE__, pid)
    end
  end

  @impl true
  def init(_opts) do
    DynamicSupervisor.init(strategy: :one_for_one, max_restarts: 10, max_seconds: 60)
  end
end
