defmodule Courier.DriverServerTest do
  use ExUnit.Case, async: false

  alias Courier.{DriverServer, DriverSupervisor, Locator}

  setup do
    driver_id = System.unique_integer([:positive])
    {:ok, pid} = DriverSupervisor.start_driver(driver_id)
    on_exit(fn -> DriverSupervisor.stop_driver(driver_id) end)
    %{driver_id: driver_id, pid: pid}
  end

  test "starting a driver twice returns the running process", %{driver_id: id, pid: pid} do
    assert {:ok, ^pid} = DriverSupervisor.start_driver(id)
  end

  test "the locator reads the last reported position", %{driver_id: id} do
    assert {:ok, nil} = Locator.locate(id)

    :ok = DriverServer.report_position(id, {51.5072, -0.1276})

    assert {:ok, {51.5072, -0.1276}} = Locator.locate(id)
    assert {:error, :not_active} = Locator.locate(-1)
  end

  test "unexpected messages are ignored", %{driver_id: id, pid: pid} do
    send(pid, :unexpected)

    assert DriverServer.deliveries(id) == []
    assert Process.alive?(pid)
  end
end
