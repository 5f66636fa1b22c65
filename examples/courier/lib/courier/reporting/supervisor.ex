defmodule Courier.Reporting.Supervisor do
  @moduledoc """
  The reporting branch: the audit log, and the metrics reporter that reads it.
  `:rest_for_one`, so a crashed audit log also restarts the reporter.
  """

  use Supervisor

  @doc false
  def start_link(opts) do
    Supervisor.start_link(__MODULE__, opts, name: __MODULE__)
  end

  def init(_opts) do
    children = [
      Courier.AuditLog,
      Courier.Metrics
    ]

    Supervisor.init(children, strategy: :rest_for_one, max_restarts: 3, max_seconds: 5)
  end
end
