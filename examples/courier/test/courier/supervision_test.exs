defmodule Courier.SupervisionTest do
  use ExUnit.Case, async: false

  alias Courier.{AuditLog, DriverServer, DriverSupervisor, Metrics}

  # Polls until `fun` returns a truthy value; restarts happen asynchronously.
  defp eventually(fun, attempts \\ 100) do
    case fun.() do
      result when result not in [nil, false] ->
        result

      _ when attempts > 0 ->
        Process.sleep(10)
        eventually(fun, attempts - 1)

      _ ->
        flunk("condition not met in time")
    end
  end

  defp kill_and_wait(pid) do
    ref = Process.monitor(pid)
    Process.exit(pid, :kill)
    assert_receive {:DOWN, ^ref, :process, ^pid, :killed}
  end

  test "a killed driver process is restarted under the same name" do
    driver_id = System.unique_integer([:positive])
    {:ok, pid} = DriverSupervisor.start_driver(driver_id)
    on_exit(fn -> DriverSupervisor.stop_driver(driver_id) end)

    kill_and_wait(pid)

    new_pid = eventually(fn -> (p = DriverServer.whereis(driver_id)) && p != pid && p end)
    assert Process.alive?(new_pid)
    assert DriverServer.deliveries(driver_id) == []
  end

  test "the reporting branch is rest_for_one: a dead audit log restarts the metrics" do
    audit = Process.whereis(AuditLog)
    metrics = Process.whereis(Metrics)

    kill_and_wait(audit)

    eventually(fn ->
      new_audit = Process.whereis(AuditLog)
      new_metrics = Process.whereis(Metrics)
      new_audit && new_metrics && new_audit != audit && new_metrics != metrics
    end)

    assert is_map(Metrics.snapshot())
    assert is_list(AuditLog.entries())
  end
end
