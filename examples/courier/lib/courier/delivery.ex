defmodule Courier.Delivery do
  @moduledoc "A parcel to carry from a pickup address to a drop-off address."

  alias Courier.Changeset

  @statuses [:pending, :assigned, :picked_up, :delivered, :cancelled]
  @max_weight_kg 30

  defstruct [:id, :reference, :pickup, :dropoff, :weight_kg, :driver_id, status: :pending]

  @type status :: :pending | :assigned | :picked_up | :delivered | :cancelled
  @type t :: %__MODULE__{
          id: pos_integer() | nil,
          reference: String.t() | nil,
          pickup: String.t() | nil,
          dropoff: String.t() | nil,
          weight_kg: number() | nil,
          driver_id: pos_integer() | nil,
          status: status()
        }

  @doc "The statuses a delivery goes through."
  @spec statuses() :: [status()]
  def statuses, do: @statuses

  @doc "Validates the attributes of a new delivery."
  @spec changeset(t(), map()) :: Changeset.t()
  def changeset(%__MODULE__{} = delivery, attrs) do
    delivery
    |> Changeset.cast(attrs, [:reference, :pickup, :dropoff, :weight_kg])
    |> Changeset.validate_required([:reference, :pickup, :dropoff, :weight_kg])
    |> Changeset.validate_number(:weight_kg,
      greater_than: 0,
      less_than_or_equal_to: @max_weight_kg
    )
  end

  @doc "Hands the delivery to a driver."
  @spec assign_changeset(t(), pos_integer()) :: Changeset.t()
  def assign_changeset(%__MODULE__{status: :pending} = delivery, driver_id) do
    Changeset.change(delivery, %{driver_id: driver_id, status: :assigned})
  end

  def assign_changeset(%__MODULE__{} = delivery, _driver_id) do
    delivery
    |> Changeset.change()
    |> Changeset.add_error(:status, "only a pending delivery can be assigned")
  end

  @doc "Moves the delivery to `status`, which must be a known status."
  @spec status_changeset(t(), atom()) :: Changeset.t()
  def status_changeset(%__MODULE__{} = delivery, status) do
    delivery
    |> Changeset.change(%{status: status})
    |> Changeset.validate_inclusion(:status, @statuses)
  end
end
