defmodule Courier.DispatchTest do
  use ExUnit.Case, async: false

  alias Courier.{AuditLog, Delivery, Dispatch, DriverServer}

  defp driver!(name, zone \\ "central") do
    {:ok, driver} = Dispatch.register_driver(%{name: name, vehicle: "van", zone: zone})
    driver
  end

  defp delivery!(reference) do
    {:ok, delivery} =
      Dispatch.create_delivery(%{
        "reference" => reference,
        "pickup" => "12 Harbour Rd",
        "dropoff" => "4 Elm Close",
        "weight_kg" => 3
      })

    delivery
  end

  test "registering a driver starts the driver's process" do
    driver = driver!("Noor")

    assert is_pid(DriverServer.whereis(driver.id))
    assert driver in Dispatch.drivers_in("central")
  end

  test "an invalid driver is rejected" do
    assert {:error, changeset} = Dispatch.register_driver(%{name: "", vehicle: "van"})
    assert {:name, "can't be blank"} in changeset.errors
  end

  test "assigning a delivery records it with the driver and in the audit log" do
    driver = driver!("Jo")
    delivery = delivery!("D-100")

    assert {:ok, %Delivery{status: :assigned, driver_id: driver_id}} =
             Dispatch.assign(delivery, driver)

    assert driver_id == driver.id
    assert DriverServer.deliveries(driver.id) == [delivery.id]
    assert [%Delivery{id: id}] = Dispatch.deliveries_of(driver)
    assert id == delivery.id

    assert Enum.any?(AuditLog.entries(), fn {_at, event} ->
             event == {:assigned, id, driver.id}
           end)
  end

  test "a driver at capacity gets no more deliveries" do
    driver = driver!("Max")
    for n <- 1..3, do: {:ok, _} = Dispatch.assign(delivery!("CAP-#{n}"), driver)

    assert {:error, :at_capacity} = Dispatch.assign(delivery!("CAP-4"), driver)
  end

  test "a delivery that is not pending cannot be assigned again" do
    driver = driver!("Ines")
    {:ok, assigned} = Dispatch.assign(delivery!("D-200"), driver)

    assert {:error, changeset} = Dispatch.assign(assigned, driver)
    refute changeset.valid?
  end

  test "delivering frees the driver and a return can be booked" do
    driver = driver!("Ravi")
    {:ok, assigned} = Dispatch.assign(delivery!("D-300"), driver)

    assert {:ok, delivered} = Dispatch.mark_delivered(assigned)
    assert delivered.status == :delivered
    assert DriverServer.deliveries(driver.id) == []

    assert {:ok, back} = Dispatch.create_return(delivered)
    assert back.reference == "D-300-R"
    assert {back.pickup, back.dropoff} == {delivered.dropoff, delivered.pickup}
  end

  test "status updates from params and cancellation" do
    delivery = delivery!("D-400")

    assert {:ok, %Delivery{status: :picked_up}} =
             Dispatch.update_status(delivery, %{"status" => "picked_up"})

    assert {:error, :already_picked_up} = Dispatch.cancel(Dispatch.get_delivery(delivery.id))
    assert {:ok, %Delivery{status: :cancelled}} = Dispatch.cancel(delivery!("D-401"))
  end

  test "prices and ETAs" do
    delivery = delivery!("D-600")

    assert {:ok, 555} = Dispatch.price(delivery, "central")
    assert {:error, :unknown_zone} = Dispatch.price(delivery, "atlantis")
    assert Dispatch.price_all([delivery, delivery], "north") == [{:ok, 625}, {:ok, 625}]
    assert {:ok, minutes} = Dispatch.eta(delivery)
    assert minutes in 10..59
  end
end
