defmodule Courier.Dispatch do
  @moduledoc """
  The dispatch context: the public API for registering drivers, taking
  deliveries, assigning them and following them to the door.
  """

  require Logger

  alias Courier.{AuditLog, Delivery, Driver, DriverServer, DriverSupervisor}
  alias Courier.{Metrics, Notifier, RateCard, Repo}

  @eta_timeout 2_000

  ## Drivers

  @doc "Registers a driver and starts the driver's process."
  @spec register_driver(map()) :: {:ok, Driver.t()} | {:error, term()}
  def register_driver(attrs) do
    with {:ok, driver} <- %Driver{} |> Driver.changeset(attrs) |> Repo.insert(),
         {:ok, _pid} <- DriverSupervisor.start_driver(driver.id) do
      Metrics.increment(:drivers_registered)
      {:ok, driver}
    end
  end

  @doc "Every registered driver of `zone`."
  @spec drivers_in(String.t()) :: [Driver.t()]
  def drivers_in(zone) do
    Driver
    |> Repo.all()
    |> Enum.filter(&(&1.zone == zone and &1.active))
  end

  ## Deliveries

  @doc "Takes a new delivery."
  @spec create_delivery(map()) :: {:ok, Delivery.t()} | {:error, Courier.Changeset.t()}
  def create_delivery(attrs) do
    %Delivery{}
    |> Delivery.changeset(attrs)
    |> Repo.insert()
  end

  @doc "Fetches a delivery by id."
  @spec get_delivery(pos_integer()) :: Delivery.t() | nil
  def get_delivery(id), do: Repo.get(Delivery, id)

  @doc "Hands a pending delivery to a driver who has room for it."
  @spec assign(Delivery.t(), Driver.t()) :: {:ok, Delivery.t()} | {:error, term()}
  def assign(%Delivery{} = delivery, %Driver{} = driver) do
    changeset = Delivery.assign_changeset(delivery, driver.id)

    with true <- changeset.valid? || {:error, changeset},
         :ok <- DriverServer.assign(driver.id, delivery.id),
         {:ok, assigned} <- Repo.update(changeset) do
      AuditLog.record({:assigned, assigned.id, driver.id})
      Metrics.increment(:deliveries_assigned)
      {:ok, assigned}
    end
  end

  @doc "Marks an assigned delivery as delivered and tells the customer."
  @spec mark_delivered(Delivery.t()) :: {:ok, Delivery.t()} | {:error, term()}
  def mark_delivered(%Delivery{status: status} = delivery)
      when status in [:assigned, :picked_up] do
    with {:ok, delivered} <- delivery |> Delivery.status_changeset(:delivered) |> Repo.update() do
      :ok = DriverServer.complete(delivered.driver_id, delivered.id)
      AuditLog.record({:delivered, delivered.id})
      Task.async(fn -> Notifier.delivered(delivered) end)
      {:ok, delivered}
    end
  end

  def mark_delivered(%Delivery{}), do: {:error, :not_out_for_delivery}

  @doc "Moves a delivery to the status named in request params."
  @spec update_status(Delivery.t(), map()) :: {:ok, Delivery.t()} | {:error, term()}
  def update_status(%Delivery{} = delivery, %{"status" => _} = params) do
    status = String.to_atom(params["status"])

    delivery
    |> Delivery.status_changeset(status)
    |> Repo.update()
  end

  @doc "Cancels a delivery that has not been picked up yet."
  @spec cancel(Delivery.t()) :: {:ok, Delivery.t()} | {:error, term()}
  def cancel(%Delivery{status: status} = delivery) when status in [:pending, :assigned] do
    delivery
    |> Delivery.status_changeset(:cancelled)
    |> Repo.update()
  end

  def cancel(%Delivery{}), do: {:error, :already_picked_up}

  @doc "Books the return trip of a delivered parcel, from drop-off back to pickup."
  @spec create_return(Delivery.t()) :: {:ok, Delivery.t()} | {:error, term()}
  def create_return(%Delivery{status: :delivered} = original) do
    Repo.insert(%Delivery{
      reference: original.reference <> "-R",
      pickup: original.dropoff,
      dropoff: original.pickup,
      weight_kg: original.weight_kg
    })
  end

  @doc "The deliveries a driver carries, read in one pass over the store."
  @spec deliveries_of(Driver.t()) :: [Delivery.t()]
  def deliveries_of(%Driver{id: driver_id}) do
    Delivery
    |> Repo.all()
    |> Enum.filter(&(&1.driver_id == driver_id and &1.status in [:assigned, :picked_up]))
  end

  ## Pricing

  @doc "The price of a delivery in cents, for a driver's zone."
  @spec price(Delivery.t(), String.t()) :: {:ok, pos_integer()} | {:error, term()}
  def price(%Delivery{weight_kg: weight_kg}, zone), do: RateCard.price(zone, weight_kg)

  @doc """
  Prices a batch of deliveries concurrently under the task supervisor; a price
  that takes longer than the timeout comes back as `{:error, :timeout}`.
  """
  @spec price_all([Delivery.t()], String.t()) :: [{:ok, pos_integer()} | {:error, term()}]
  def price_all(deliveries, zone) do
    Courier.TaskSupervisor
    |> Task.Supervisor.async_stream_nolink(deliveries, &price(&1, zone),
      timeout: @eta_timeout,
      on_timeout: :kill_task
    )
    |> Enum.map(fn
      {:ok, result} -> result
      {:exit, :timeout} -> {:error, :timeout}
      {:exit, reason} -> {:error, reason}
    end)
  end

  @doc "Asks the routing service for an ETA, giving up after a timeout."
  @spec eta(Delivery.t()) :: {:ok, pos_integer()} | {:error, :timeout}
  def eta(%Delivery{} = delivery) do
    task = Task.Supervisor.async_nolink(Courier.TaskSupervisor, fn -> estimate(delivery) end)

    case Task.yield(task, @eta_timeout) || Task.shutdown(task, :brutal_kill) do
      {:ok, minutes} -> {:ok, minutes}
      _timeout_or_exit -> {:error, :timeout}
    end
  end

  defp estimate(%Delivery{pickup: pickup, dropoff: dropoff}) do
    10 + rem(:erlang.phash2({pickup, dropoff}), 50)
  end
end
