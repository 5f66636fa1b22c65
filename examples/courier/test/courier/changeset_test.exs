defmodule Courier.ChangesetTest do
  use ExUnit.Case, async: true

  alias Courier.{Changeset, Delivery, Driver}

  test "casts permitted fields from string keys and ignores the rest" do
    changeset = Changeset.cast(%Driver{}, %{"name" => "Ada", "admin" => true}, [:name])

    assert changeset.changes == %{name: "Ada"}
    assert changeset.valid?
  end

  test "a delivery needs its addresses and a sensible weight" do
    changeset = Delivery.changeset(%Delivery{}, %{reference: "D-1", weight_kg: 45})

    refute changeset.valid?
    assert {:pickup, "can't be blank"} in changeset.errors
    assert {:dropoff, "can't be blank"} in changeset.errors
    assert {:weight_kg, "must be less than or equal to 30"} in changeset.errors
  end

  test "a driver's vehicle must be one we know" do
    changeset =
      Driver.changeset(%Driver{}, %{"name" => "Lin", "vehicle" => "hovercraft", "zone" => "north"})

    assert changeset.errors == [vehicle: "is invalid"]
  end

  test "apply_changes gives the struct with the changes" do
    driver =
      %Driver{}
      |> Driver.changeset(%{name: "Sam", vehicle: "bike", zone: "south"})
      |> Changeset.apply_changes()

    assert %Driver{name: "Sam", vehicle: "bike", zone: "south", active: true} = driver
  end
end
