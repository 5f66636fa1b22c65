"""Findings in web entry modules that nothing in the application routes, renders or names are
graded low, and come back when a route appears (``engine/reach.py``)."""

from __future__ import annotations

from pathlib import Path

from elixir_pro.engine.analyzer import ProjectAnalyzer
from elixir_pro.engine.findings import Confidence, Finding
from elixir_pro.project import ProjectService

ROUTER = """\
defmodule ShopWeb.Router do
  use ShopWeb, :router

  scope "/", ShopWeb do
    pipe_through :browser
    live "/orders", OrderLive
    # live "/stats", StatsLive
    get "/export", ExportController, :index
  end

  if Mix.env() == :dev do
    scope "/dev" do
      get "/mails", ShopWeb.MailPreviewController, :index
    end
  end
end
"""

LIVE = """\
defmodule ShopWeb.{name} do
  use ShopWeb, :live_view

  def handle_event("sort", %{{"by" => by}}, socket) do
    {{:noreply, assign(socket, sort: String.to_atom(by))}}
  end

  def chart(data), do: data
end
"""

COMPONENT = """\
defmodule ShopWeb.FlashComponent do
  use ShopWeb, :live_component

  def handle_event("dismiss", %{"key" => key}, socket) do
    {:noreply, assign(socket, dismissed: String.to_atom(key))}
  end
end
"""

CONTROLLER = """\
defmodule ShopWeb.{name} do
  use ShopWeb, :controller

  def index(conn, params) do
    json(conn, %{{order: String.to_atom(params["order"])}})
  end
end
"""

REPORTS = """\
defmodule Shop.Reports do
  alias ShopWeb.StatsLive

  def weekly(rows), do: StatsLive.chart(rows)
end
"""

LAYOUT = """\
<main>
  <.live_component module={ShopWeb.FlashComponent} id="flash" />
  <%!-- <.live_component module={ShopWeb.OldBanner} id="banner" /> --%>
  {@inner_content}
</main>
"""

TEST = """\
defmodule ShopWeb.LegacyControllerTest do
  use ShopWeb.ConnCase
  test "index", %{conn: conn}, do: get(conn, ShopWeb.LegacyController)
end
"""

MIX = """\
defmodule Shop.MixProject do
  use Mix.Project
  def project, do: [app: :shop, version: "0.1.0"]
end
"""


def _project(root: Path) -> Path:
    files = {
        "lib/shop_web/router.ex": ROUTER,
        "lib/shop_web/live/order_live.ex": LIVE.format(name="OrderLive"),
        "lib/shop_web/live/stats_live.ex": LIVE.format(name="StatsLive"),
        "lib/shop_web/live/flash_component.ex": COMPONENT,
        "lib/shop_web/controllers/export_controller.ex": CONTROLLER.format(name="ExportController"),
        "lib/shop_web/controllers/legacy_controller.ex": CONTROLLER.format(name="LegacyController"),
        "lib/shop_web/controllers/mail_preview_controller.ex": CONTROLLER.format(
            name="MailPreviewController"
        ),
        "lib/shop/reports.ex": REPORTS,
        "lib/shop_web/components/layouts/app.html.heex": LAYOUT,
        "test/shop_web/legacy_controller_test.exs": TEST,
        "mix.exs": MIX,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _levels(findings: list[Finding]) -> dict[str, Confidence]:
    return {f.path.rsplit("/", 1)[-1]: f.confidence for f in findings}


def test_unreached_entry_modules_are_graded_low(tmp_path: Path) -> None:
    root = _project(tmp_path)
    analyzer = ProjectAnalyzer(root, jobs=1)
    analyzer.analyze_all()
    atoms = [f for f in analyzer.findings if f.rule == "unsafe-atom-creation"]
    assert _levels(atoms) == {
        "order_live.ex": Confidence.HIGH,  # routed
        "stats_live.ex": Confidence.LOW,  # route commented out; only its functions are called
        "flash_component.ex": Confidence.HIGH,  # rendered by a template
        "export_controller.ex": Confidence.HIGH,  # routed
        "legacy_controller.ex": Confidence.LOW,  # only a test names it
        "mail_preview_controller.ex": Confidence.LOW,  # routed in development builds only
    }
    (stats,) = [f for f in atoms if f.path.endswith("stats_live.ex")]
    assert "ShopWeb.StatsLive is not routed, rendered or named anywhere else" in stats.message


def test_default_view_hides_them_and_a_new_route_brings_them_back(tmp_path: Path) -> None:
    root = _project(tmp_path)
    service = ProjectService(root, jobs=1)
    shown = {f.path.rsplit("/", 1)[-1] for f in service.audit().findings}
    assert "stats_live.ex" not in shown and "legacy_controller.ex" not in shown
    assert "order_live.ex" in shown

    router = root / "lib/shop_web/router.ex"
    router.write_text(
        ROUTER.replace('# live "/stats", StatsLive', 'live "/stats", StatsLive'), encoding="utf-8"
    )
    service.reanalyze(["lib/shop_web/router.ex"])
    assert "stats_live.ex" in {f.path.rsplit("/", 1)[-1] for f in service.findings}

    # the LiveView's own edits keep the grade current too
    live = root / "lib/shop_web/live/stats_live.ex"
    router.write_text(ROUTER, encoding="utf-8")
    service.reanalyze(["lib/shop_web/router.ex"])
    live.write_text(LIVE.format(name="StatsLive") + "\n# sorted\n", encoding="utf-8")
    delta = service.reanalyze(["lib/shop_web/live/stats_live.ex"])
    assert not [f for f in delta.new if f.path.endswith("stats_live.ex")]
    assert "stats_live.ex" not in {f.path.rsplit("/", 1)[-1] for f in service.findings}
