defmodule CourierWeb.BoardControllerTest do
  use ExUnit.Case, async: false

  alias Courier.Dispatch
  alias CourierWeb.Router

  test "the board pairs each delivery with its driver" do
    {:ok, driver} = Dispatch.register_driver(%{name: "Kim", vehicle: "van", zone: "central"})

    {:ok, assigned} =
      Dispatch.create_delivery(%{
        "reference" => "B-500",
        "pickup" => "12 Harbour Rd",
        "dropoff" => "4 Elm Close",
        "weight_kg" => 3
      })

    {:ok, assigned} = Dispatch.assign(assigned, driver)

    {:ok, pending} =
      Dispatch.create_delivery(%{
        "reference" => "B-501",
        "pickup" => "1 Quay St",
        "dropoff" => "9 Mill Lane",
        "weight_kg" => 1
      })

    conn = Router.call(%{path: "/board", params: %{}})
    assert conn.status == 200
    assert {assigned, driver} in conn.board and {pending, nil} in conn.board
  end

  test "an unknown path is a 404" do
    assert %{status: 404} = Router.call(%{path: "/nowhere", params: %{}})
  end
end
