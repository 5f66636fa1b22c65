defmodule Courier.RepoTest do
  use ExUnit.Case, async: true

  alias Courier.{Delivery, Repo}

  defp attrs(reference) do
    %{reference: reference, pickup: "1 Mill Lane", dropoff: "9 Quay St", weight_kg: 2}
  end

  test "insert assigns an id and get reads it back" do
    {:ok, delivery} = %Delivery{} |> Delivery.changeset(attrs("R-1")) |> Repo.insert()

    assert is_integer(delivery.id)
    assert Repo.get(Delivery, delivery.id) == delivery
  end

  test "an invalid changeset is not written" do
    assert {:error, changeset} = %Delivery{} |> Delivery.changeset(%{}) |> Repo.insert()
    refute changeset.valid?
    assert_raise ArgumentError, fn -> %Delivery{} |> Delivery.changeset(%{}) |> Repo.insert!() end
  end

  test "update writes the changes of a stored record" do
    delivery = %Delivery{} |> Delivery.changeset(attrs("R-2")) |> Repo.insert!()

    {:ok, cancelled} = delivery |> Delivery.status_changeset(:cancelled) |> Repo.update()

    assert cancelled.status == :cancelled
    assert Repo.get(Delivery, delivery.id).status == :cancelled
    assert cancelled in Repo.all(Delivery)
  end
end
