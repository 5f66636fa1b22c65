defmodule Courier.Locator do
  @moduledoc """
  Asks a driver's process where the driver is, for the live map.
  """

  alias Courier.DriverServer

  @doc "The last position the driver reported, or nil when none yet."
  @spec locate(pos_integer()) :: {:ok, {float(), float()} | nil} | {:error, :not_active}
  def locate(driver_id) do
    case DriverServer.whereis(driver_id) do
      nil ->
        {:error, :not_active}

      pid ->
        ref = make_ref()
        send(pid, {:where_are_you, self(), ref})

        receive do
          {:location, ^ref, position} -> {:ok, position}
        end
    end
  end
end
