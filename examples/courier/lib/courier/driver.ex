defmodule Courier.Driver do
  @moduledoc "A driver who carries deliveries within one zone."

  alias Courier.Changeset

  @vehicles ~w(bike scooter van)
  @zones ~w(central north south)

  defstruct [:id, :name, :vehicle, :zone, active: true]

  @type t :: %__MODULE__{
          id: pos_integer() | nil,
          name: String.t() | nil,
          vehicle: String.t() | nil,
          zone: String.t() | nil,
          active: boolean()
        }

  @doc "The zones drivers work in."
  @spec zones() :: [String.t()]
  def zones, do: @zones

  @doc "Validates a driver's registration."
  @spec changeset(t(), map()) :: Changeset.t()
  def changeset(%__MODULE__{} = driver, attrs) do
    driver
    |> Changeset.cast(attrs, [:name, :vehicle, :zone])
    |> Changeset.validate_required([:name, :vehicle, :zone])
    |> Changeset.validate_inclusion(:vehicle, @vehicles)
    |> Changeset.validate_inclusion(:zone, @zones)
  end
end
