defmodule CourierWeb.Router do
  @moduledoc """
  The dispatcher's HTTP routes. The example has no web server dependency, so a request is a
  plain map (`%{path: ..., params: ...}`) and the router a table from path to controller action.
  """

  @routes %{"/board" => {CourierWeb.BoardController, :index}}

  @doc "Runs the action routed at the request's path, or answers 404."
  @spec call(map()) :: map()
  def call(%{path: path, params: params} = conn) do
    case Map.fetch(@routes, path) do
      {:ok, {controller, action}} -> apply(controller, action, [conn, params])
      :error -> Map.put(conn, :status, 404)
    end
  end
end
