defmodule Courier.RateCardTest do
  use ExUnit.Case, async: true

  alias Courier.RateCard

  test "prices a delivery from its zone and weight" do
    assert RateCard.price("central", 2) == {:ok, 520}
  end

  test "an unknown zone has no price" do
    assert RateCard.price("atlantis", 1) == {:error, :unknown_zone}
  end
end
