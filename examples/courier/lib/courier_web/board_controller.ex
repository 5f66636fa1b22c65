defmodule CourierWeb.BoardController do
  @moduledoc "The dispatcher's board: every delivery with the driver carrying it."

  alias Courier.{Delivery, Driver, Repo}

  @doc "Answers the board as `{delivery, driver}` pairs (the driver is nil while pending)."
  @spec index(map(), map()) :: map()
  def index(conn, _params) do
    board =
      Delivery
      |> Repo.all()
      |> Enum.map(fn delivery -> {delivery, Repo.get(Driver, delivery.driver_id)} end)

    conn |> Map.put(:status, 200) |> Map.put(:board, board)
  end
end
