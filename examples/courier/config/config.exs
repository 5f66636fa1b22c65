import Config

config :courier,
  max_deliveries_per_driver: 3,
  audit_flush_ms: 5_000,
  metrics_report_ms: 60_000

config :logger, :console, format: "$time [$level] $message\n"

if config_env() == :test do
  config :courier, audit_flush_ms: 50
  config :logger, level: :warning
end
