"""Templates of the synthetic corpus (bench/corpus.py): one method per kind of Elixir file,
written like the code ``mix phx.gen.*`` produces, with optional planted mistakes."""

from __future__ import annotations

import random

APP = "Shop"
WORDS = (  # noqa: SIM905 - a word list reads best as one string
    "order account invoice payment cart product price stock warehouse shipment carrier "
    "customer review coupon refund ledger report export import session token webhook "
    "notification email audit metric rate quota region tenant plan subscription catalog "
    "bundle vendor tax discount checkout basket wishlist search index feed label"
).split()
FIELDS = "name email status total amount quantity note kind code title sku currency".split()  # noqa: SIM905


def camel(word: str) -> str:
    return "".join(part.capitalize() for part in word.split("_"))


class Generator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def word(self) -> str:
        return self.rng.choice(WORDS)

    def fields(self, n: int) -> list[str]:
        return self.rng.sample(FIELDS, n)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # -- templates -------------------------------------------------------------------------

    def genserver(self, mod: str, mistakes: bool) -> str:
        r, w = self.rng, self.word()
        calls = r.randint(2, 5)
        lines = [
            f"defmodule {APP}.{mod} do",
            '  @moduledoc """',
            f"  Keeps the {w} state in memory and refreshes it periodically.",
            '  """',
            "  use GenServer",
            "  require Logger",
            "",
            f"  @interval {r.randint(1, 60) * 1000}",
            "",
            "  def start_link(opts) do",
            "    name = Keyword.get(opts, :name, __MODULE__)",
            "    GenServer.start_link(__MODULE__, opts, name: name)",
            "  end",
            "",
        ]
        for i in range(calls):
            timeout = ":infinity" if mistakes and i == 0 and self.chance(0.3) else "5_000"
            lines += [
                f"  def {w}_{i}(server \\\\ __MODULE__, key) do",
                f"    GenServer.call(server, {{:{w}_{i}, key}}, {timeout})",
                "  end",
                "",
            ]
        impl = "" if mistakes and self.chance(0.3) else "  @impl true\n"
        lines += [
            f"{impl}  def init(opts) do",
            "    state = %{items: %{}, interval: Keyword.get(opts, :interval, @interval), hits: 0}",
            "    {:ok, state, {:continue, :schedule}}",
            "  end",
            "",
            "  @impl true",
            "  def handle_continue(:schedule, state) do",
            "    Process.send_after(self(), :refresh, state.interval)",
            "    {:noreply, state}",
            "  end",
            "",
            "  @impl true",
        ]
        for i in range(calls):
            lines += [
                f"  def handle_call({{:{w}_{i}, key}}, _from, state) do",
                "    value = Map.get(state.items, key)",
                "    {:reply, value, %{state | hits: state.hits + 1}}",
                "  end",
                "",
            ]
        lines += [
            "  @impl true",
            "  def handle_info(:refresh, state) do",
        ]
        if mistakes and self.chance(0.3):
            lines.append("    Process.sleep(100)")
        lines += [
            "    Process.send_after(self(), :refresh, state.interval)",
            "    {:noreply, %{state | items: refresh(state.items)}}",
            "  end",
            "",
        ]
        if not (mistakes and self.chance(0.5)):
            lines += [
                "  def handle_info(msg, state) do",
                '    Logger.debug("unexpected message: #{inspect(msg)}")',
                "    {:noreply, state}",
                "  end",
                "",
            ]
        lines += [
            "  defp refresh(items) do",
            "    items",
            "    |> Enum.reject(fn {_k, v} -> is_nil(v) end)",
            "    |> Map.new()",
            "  end",
        ]
        if mistakes and self.chance(0.4):
            lines += [
                "",
                "  def ask(pid) do",
                "    send(pid, {:ask, self()})",
                "    receive do",
                "      {:answer, value} -> value",
                "    end",
                "  end",
            ]
        lines.append("end")
        return "\n".join(lines) + "\n"

    def supervisor(self, mod: str, children: list[str]) -> str:
        strategy = self.rng.choice(["one_for_one", "rest_for_one", "one_for_all"])
        kids = ",\n".join(f"      {{{APP}.{c}, []}}" for c in children)
        return (
            f"defmodule {APP}.{mod} do\n"
            "  use Supervisor\n\n"
            "  def start_link(opts) do\n"
            "    Supervisor.start_link(__MODULE__, opts, name: __MODULE__)\n"
            "  end\n\n"
            "  @impl true\n"
            "  def init(_opts) do\n"
            "    children = [\n"
            f"{kids}\n"
            "    ]\n\n"
            f"    Supervisor.init(children, strategy: :{strategy}, max_restarts: 5)\n"
            "  end\n"
            "end\n"
        )

    def schema(self, name: str) -> str:
        fields = self.fields(self.rng.randint(3, 6))
        decl = "\n".join(f"    field :{f}, :string" for f in fields)
        cast = ", ".join(f":{f}" for f in fields)
        req = ", ".join(f":{f}" for f in fields[:2])
        return (
            f"defmodule {APP}.Schemas.{camel(name)} do\n"
            "  use Ecto.Schema\n"
            "  import Ecto.Changeset\n\n"
            f'  schema "{name}s" do\n{decl}\n'
            f"    belongs_to :account, {APP}.Schemas.Account\n"
            "    timestamps()\n"
            "  end\n\n"
            "  @doc false\n"
            f"  def changeset({name}, attrs) do\n"
            f"    {name}\n"
            f"    |> cast(attrs, [{cast}])\n"
            f"    |> validate_required([{req}])\n"
            f"    |> validate_length(:{fields[0]}, max: 160)\n"
            "  end\n"
            "end\n"
        )

    def context(self, name: str, mistakes: bool) -> str:
        cname = camel(name)
        schema = f"{APP}.Schemas.{cname}"
        out = [
            f"defmodule {APP}.{cname}s do",
            '  @moduledoc """',
            f"  The {cname}s context: listing, reading and writing {name}s for an account.",
            '  """',
            "  import Ecto.Query, warn: false",
            f"  alias {APP}.Repo",
            f"  alias {schema}",
            "",
        ]
        crud = [
            (
                f"Returns the list of {name}s of an account.",
                f"list_{name}s(account_id)",
                [
                    f"from(x in {cname}, where: x.account_id == ^account_id, order_by: x.id)",
                    "|> Repo.all()",
                ],
            ),
            (
                f"Gets a single {name}. Raises `Ecto.NoResultsError` if it does not exist.",
                f"get_{name}!(id)",
                [f"Repo.get!({cname}, id)"],
            ),
            (
                f"Creates a {name}.",
                f"create_{name}(attrs \\\\ %{{}})",
                [f"%{cname}{{}}", f"|> {cname}.changeset(attrs)", "|> Repo.insert()"],
            ),
            (
                f"Updates a {name}.",
                f"update_{name}(%{cname}{{}} = {name}, attrs)",
                [f"{name}", f"|> {cname}.changeset(attrs)", "|> Repo.update()"],
            ),
            (
                f"Deletes a {name}.",
                f"delete_{name}(%{cname}{{}} = {name})",
                [f"Repo.delete({name})"],
            ),
            (
                f"Returns an `%Ecto.Changeset{{}}` for tracking {name} changes.",
                f"change_{name}(%{cname}{{}} = {name}, attrs \\\\ %{{}})",
                [f"{cname}.changeset({name}, attrs)"],
            ),
            (
                f"Searches {name}s by name, newest first.",
                f"search_{name}s(account_id, term, limit \\\\ 20)",
                [
                    'pattern = "%#{term}%"',
                    "",
                    f"from(x in {cname},",
                    "  where: x.account_id == ^account_id and ilike(x.name, ^pattern),",
                    "  order_by: [desc: x.inserted_at],",
                    "  limit: ^limit",
                    ")",
                    "|> Repo.all()",
                ],
            ),
        ]
        for doc, head, body in crud:
            fname = head.split("(", 1)[0]
            out += [
                '  @doc """',
                f"  {doc}",
                "",
                "  ## Examples",
                "",
                f"      iex> {fname}(...)",
                "      {:ok, ...}",
                "",
                '  """',
                f"  def {head} do",
                *[f"    {line}" if line else "" for line in body],
                "  end",
                "",
            ]
        out += [
            f"  def summarize({name}s) do",
            f"    {name}s",
            "    |> Enum.group_by(& &1.status)",
            "    |> Enum.map(fn {status, items} -> {status, length(items)} end)",
            "    |> Map.new()",
            "  end",
        ]
        if mistakes:
            kind = self.rng.randrange(3)
            if kind == 0:
                out += [
                    "",
                    f"  def with_accounts({name}s) do",
                    f"    Enum.map({name}s, fn item ->",
                    f"      %{{item | account: Repo.get({APP}.Schemas.Account, item.account_id)}}",
                    "    end)",
                    "  end",
                ]
            elif kind == 1:
                out += [
                    "",
                    f"  def quick_{name}(attrs) do",
                    f'    Repo.insert(%{cname}{{name: attrs["name"]}})',
                    "  end",
                ]
            else:
                out += [
                    "",
                    "  def sort_field(params) do",
                    '    String.to_atom(params["sort"] || "id")',
                    "  end",
                ]
        out.append("end")
        return "\n".join(out) + "\n"

    def live_view(self, name: str, mistakes: bool) -> str:
        ctx = f"{APP}.{camel(name)}s"
        impl = "" if mistakes and self.chance(0.5) else "  @impl true\n"
        return (
            f"defmodule {APP}Web.{camel(name)}Live.Index do\n"
            f"  use {APP}Web, :live_view\n\n"
            f"  alias {ctx}\n\n"
            f"{impl}"
            "  def mount(_params, session, socket) do\n"
            '    if connected?(socket), do: Phoenix.PubSub.subscribe(Shop.PubSub, "updates")\n'
            f'    items = {camel(name)}s.list_{name}s(session["account_id"])\n'
            "    {:ok, assign(socket, items: items, filter: nil)}\n"
            "  end\n\n"
            "  @impl true\n"
            '  def handle_event("filter", %{"q" => q}, socket) do\n'
            "    items = Enum.filter(socket.assigns.items, &String.contains?(&1.name, q))\n"
            "    {:noreply, assign(socket, items: items, filter: q)}\n"
            "  end\n\n"
            '  def handle_event("delete", %{"id" => id}, socket) do\n'
            f"    item = {camel(name)}s.get_{name}!(id)\n"
            f"    {{:ok, _}} = {camel(name)}s.delete_{name}(item)\n"
            "    {:noreply, update(socket, :items, &Enum.reject(&1, fn i -> i.id == id end))}\n"
            "  end\n\n"
            "  @impl true\n"
            "  def handle_info({:updated, item}, socket) do\n"
            "    {:noreply, update(socket, :items, &[item | &1])}\n"
            "  end\n\n"
            "  @impl true\n"
            "  def render(assigns) do\n"
            '    ~H"""\n'
            '    <div id="items">\n'
            '      <form phx-change="filter"><input name="q" value={@filter} /></form>\n'
            '      <div :for={item <- @items} id={"item-#{item.id}"}>\n'
            "        <%= item.name %>\n"
            '        <button phx-click="delete" phx-value-id={item.id}>Delete</button>\n'
            "      </div>\n"
            "    </div>\n"
            '    """\n'
            "  end\n"
            "end\n"
        )

    def controller(self, name: str) -> str:
        return (
            f"defmodule {APP}Web.{camel(name)}Controller do\n"
            f"  use {APP}Web, :controller\n\n"
            f"  alias {APP}.{camel(name)}s\n\n"
            "  def index(conn, params) do\n"
            f'    items = {camel(name)}s.list_{name}s(params["account_id"])\n'
            "    render(conn, :index, items: items)\n"
            "  end\n\n"
            '  def show(conn, %{"id" => id}) do\n'
            f"    render(conn, :show, item: {camel(name)}s.get_{name}!(id))\n"
            "  end\n\n"
            "  def create(conn, params) do\n"
            f"    case {camel(name)}s.create_{name}(params) do\n"
            "      {:ok, item} -> conn |> put_status(:created) |> render(:show, item: item)\n"
            "      {:error, cs} -> conn |> put_status(422) |> render(:error, changeset: cs)\n"
            "    end\n"
            "  end\n"
            "end\n"
        )

    def test(self, name: str) -> str:
        cname = camel(name)
        cases = []
        for i in range(self.rng.randint(3, 7)):
            cases.append(
                f'    test "{name} case {i}", %{{account: account}} do\n'
                f'      attrs = %{{name: "n{i}", account_id: account.id, status: "new"}}\n'
                f"      assert {{:ok, item}} = {cname}s.create_{name}(attrs)\n"
                f'      assert {cname}s.get_{name}!(item.id).name == "n{i}"\n'
                f"      assert [%{{id: id}}] = {cname}s.list_{name}s(account.id)\n"
                "      assert id == item.id\n"
                "      assert_receive {:created, _}, 500\n"
                "    end\n"
            )
        return (
            f"defmodule {APP}.{cname}sTest do\n"
            f"  use {APP}.DataCase, async: true\n\n"
            f"  alias {APP}.{cname}s\n\n"
            "  setup do\n"
            "    account = insert_account!()\n"
            "    %{account: account}\n"
            "  end\n\n"
            f'  describe "{name}s" do\n' + "\n".join(cases) + "  end\n\n"
            f'  test "invalid {name} attrs return an error changeset" do\n'
            f"    assert {{:error, %Ecto.Changeset{{}}}} = {cname}s.create_{name}(%{{}})\n"
            "  end\n"
            "end\n"
        )
