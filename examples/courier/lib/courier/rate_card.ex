defmodule Courier.RateCard do
  @moduledoc """
  Prices a delivery from its zone and weight. The rates are held by a process
  that is started the first time a price is asked for.
  """

  use GenServer

  @base_rates %{"central" => 450, "north" => 520, "south" => 520}
  @per_kg 35

  @doc "The price of a delivery in cents."
  @spec price(String.t(), number()) :: {:ok, pos_integer()} | {:error, :unknown_zone}
  def price(zone, weight_kg) when is_binary(zone) and is_number(weight_kg) do
    :ok = ensure_started()
    GenServer.call(__MODULE__, {:quote, zone, weight_kg})
  end

  defp ensure_started do
    case GenServer.start(__MODULE__, @base_rates, name: __MODULE__) do
      {:ok, _pid} -> :ok
      {:error, {:already_started, _pid}} -> :ok
    end
  end

  @impl true
  def init(rates) do
    {:ok, rates}
  end

  @impl true
  def handle_call({:quote, zone, weight_kg}, _from, rates) do
    case Map.fetch(rates, zone) do
      {:ok, base} -> {:reply, {:ok, base + round(weight_kg * @per_kg)}, rates}
      :error -> {:reply, {:error, :unknown_zone}, rates}
    end
  end
end
