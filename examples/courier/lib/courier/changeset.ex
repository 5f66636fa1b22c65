defmodule Courier.Changeset do
  @moduledoc """
  A small subset of `Ecto.Changeset`: cast permitted params onto a struct,
  validate them, and collect errors. `Courier.Repo` only writes valid
  changesets, so every write that goes through here is validated.
  """

  defstruct data: nil, changes: %{}, errors: [], valid?: true

  @type t :: %__MODULE__{
          data: struct(),
          changes: map(),
          errors: [{atom(), String.t()}],
          valid?: boolean()
        }

  @doc "Wraps `data` with `changes` that are trusted as they are."
  @spec change(struct(), map()) :: t()
  def change(%_{} = data, changes \\ %{}) do
    %__MODULE__{data: data, changes: Map.new(changes)}
  end

  @doc """
  Casts the `permitted` fields from `params` (string or atom keys) onto `data`.
  Unknown keys are ignored, so no atom is ever created from user input.
  """
  @spec cast(struct(), map(), [atom()]) :: t()
  def cast(%_{} = data, params, permitted) when is_map(params) and is_list(permitted) do
    changes =
      for field <- permitted,
          {:ok, value} <- [fetch_param(params, field)],
          value != Map.get(data, field),
          into: %{},
          do: {field, value}

    change(data, changes)
  end

  defp fetch_param(params, field) do
    case Map.fetch(params, field) do
      {:ok, value} -> {:ok, value}
      :error -> Map.fetch(params, Atom.to_string(field))
    end
  end

  @doc "Returns the changed value of `field`, or the value in the data."
  @spec get_field(t(), atom()) :: term()
  def get_field(%__MODULE__{data: data, changes: changes}, field) do
    Map.get(changes, field, Map.get(data, field))
  end

  @doc "Adds an error on `field` and marks the changeset invalid."
  @spec add_error(t(), atom(), String.t()) :: t()
  def add_error(%__MODULE__{} = changeset, field, message) do
    %{changeset | errors: [{field, message} | changeset.errors], valid?: false}
  end

  @doc "Every field in `fields` must be present and not blank."
  @spec validate_required(t(), [atom()]) :: t()
  def validate_required(%__MODULE__{} = changeset, fields) do
    Enum.reduce(fields, changeset, fn field, acc ->
      if blank?(get_field(acc, field)), do: add_error(acc, field, "can't be blank"), else: acc
    end)
  end

  @doc "The value of `field`, when present, must be one of `values`."
  @spec validate_inclusion(t(), atom(), Enumerable.t()) :: t()
  def validate_inclusion(%__MODULE__{} = changeset, field, values) do
    value = get_field(changeset, field)

    if is_nil(value) or value in values do
      changeset
    else
      add_error(changeset, field, "is invalid")
    end
  end

  @doc """
  The value of `field`, when present, must be a number within the bounds given
  by `:greater_than` and `:less_than_or_equal_to`.
  """
  @spec validate_number(t(), atom(), keyword()) :: t()
  def validate_number(%__MODULE__{} = changeset, field, opts) do
    case get_field(changeset, field) do
      nil ->
        changeset

      value when is_number(value) ->
        Enum.reduce(opts, changeset, fn
          {:greater_than, min}, acc when value <= min ->
            add_error(acc, field, "must be greater than #{min}")

          {:less_than_or_equal_to, max}, acc when value > max ->
            add_error(acc, field, "must be less than or equal to #{max}")

          _, acc ->
            acc
        end)

      _other ->
        add_error(changeset, field, "is not a number")
    end
  end

  @doc "Returns the data with the changes applied."
  @spec apply_changes(t()) :: struct()
  def apply_changes(%__MODULE__{data: data, changes: changes}) do
    struct(data, changes)
  end

  defp blank?(nil), do: true
  defp blank?(value) when is_binary(value), do: String.trim(value) == ""
  defp blank?(_value), do: false
end
