defmodule Courier.Application do
  @moduledoc """
  Starts the courier supervision tree.

  The registry comes first so that driver processes can register themselves,
  the repo before anything that reads or writes records, and the reporting
  branch last because it only observes the rest.
  """

  use Application

  @impl true
  def start(_type, _args) do
    children = [
      {Registry, keys: :unique, name: Courier.DriverRegistry},
      Courier.Repo,
      {Task.Supervisor, name: Courier.TaskSupervisor},
      Courier.DriverSupervisor,
      Courier.Reporting.Supervisor
    ]

    opts = [strategy: :one_for_one, name: Courier.Supervisor]
    Supervisor.start_link(children, opts)
  end
end
