defmodule Courier do
  @moduledoc """
  Courier dispatches parcel deliveries to drivers.

  The public API lives in `Courier.Dispatch`. Each active driver is a
  `Courier.DriverServer` process registered in `Courier.DriverRegistry` and
  started under `Courier.DriverSupervisor`; records are kept in the in-memory
  `Courier.Repo`.
  """

  @doc "The application's version, as declared in mix.exs."
  @spec version() :: String.t()
  def version do
    :courier |> Application.spec(:vsn) |> to_string()
  end
end
