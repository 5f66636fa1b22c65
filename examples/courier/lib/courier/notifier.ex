defmodule Courier.Notifier do
  @moduledoc """
  Tells customers about their deliveries. Messages are only logged here; a
  real deployment would send them by SMS or e-mail.
  """

  require Logger

  alias Courier.Delivery

  @doc "Builds and sends the 'delivered' message; returns the message."
  @spec delivered(Delivery.t()) :: String.t()
  def delivered(%Delivery{} = delivery) do
    message = "Your parcel #{delivery.reference} was delivered to #{delivery.dropoff}."
    Logger.info(message)
    message
  end
end
