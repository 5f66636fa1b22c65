defmodule Courier.Repo do
  @moduledoc """
  An in-memory store with the shape of an `Ecto.Repo`, kept in an Agent.

  Records are structs with an `:id` field, stored per schema module. Like
  Ecto, `insert/1` and `update/1` take a changeset (a bare struct is accepted
  by `insert/1` too, exactly as Ecto does, and then nothing is validated).
  """

  use Agent

  alias Courier.Changeset

  @doc false
  def start_link(_opts) do
    Agent.start_link(fn -> %{} end, name: __MODULE__)
  end

  @doc "Inserts a new record; returns `{:ok, record}` or `{:error, changeset}`."
  @spec insert(Changeset.t() | struct()) :: {:ok, struct()} | {:error, Changeset.t()}
  def insert(%Changeset{valid?: false} = changeset), do: {:error, changeset}

  def insert(%Changeset{} = changeset) do
    id = System.unique_integer([:positive, :monotonic])
    record = %{Changeset.apply_changes(changeset) | id: id}
    Agent.update(__MODULE__, &put_record(&1, record))
    {:ok, record}
  end

  def insert(%_{} = struct), do: struct |> Changeset.change() |> insert()

  @doc "Like `insert/1`, but raises when the changeset is invalid."
  @spec insert!(Changeset.t() | struct()) :: struct()
  def insert!(changeset_or_struct) do
    case insert(changeset_or_struct) do
      {:ok, record} ->
        record

      {:error, changeset} ->
        raise ArgumentError, "invalid changeset: #{inspect(changeset.errors)}"
    end
  end

  @doc "Writes the changes of a changeset on a stored record."
  @spec update(Changeset.t()) :: {:ok, struct()} | {:error, Changeset.t() | :stale}
  def update(%Changeset{valid?: false} = changeset), do: {:error, changeset}

  def update(%Changeset{data: %{id: id} = data} = changeset) when not is_nil(id) do
    record = Changeset.apply_changes(changeset)

    Agent.get_and_update(__MODULE__, fn state ->
      if get_in(state, [data.__struct__, id]) do
        {{:ok, record}, put_record(state, record)}
      else
        {{:error, :stale}, state}
      end
    end)
  end

  @doc "Fetches the record of `schema` with `id`, or nil."
  @spec get(module(), term()) :: struct() | nil
  def get(schema, id) when is_atom(schema) do
    Agent.get(__MODULE__, &get_in(&1, [schema, id]))
  end

  @doc "Lists every record of `schema`, oldest first."
  @spec all(module()) :: [struct()]
  def all(schema) when is_atom(schema) do
    __MODULE__
    |> Agent.get(&Map.get(&1, schema, %{}))
    |> Map.values()
    |> Enum.sort_by(& &1.id)
  end

  defp put_record(state, %{__struct__: schema, id: id} = record) do
    Map.update(state, schema, %{id => record}, &Map.put(&1, id, record))
  end
end
