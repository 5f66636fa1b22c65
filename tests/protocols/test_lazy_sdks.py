"""The ACP and MCP SDKs cost over a second to import: nothing loads them before their own command
runs. Checked in fresh interpreters: the CLI with every command registered, the TUI launched on
a project that configures MCP servers (and an offline turn there), and, for contrast, the two
commands that do load them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mcp_support import closed_port_url

SDKS = ("acp", "mcp", "mcp_types")
REPORT = (
    "import sys, json\n"
    f"print(json.dumps(sorted(n for n in sys.modules if n.split('.')[0] in {SDKS!r})))\n"
)


def _loaded(script: str, *args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", script + REPORT, *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_the_cli_with_every_command_registered_loads_neither_sdk() -> None:
    script = (
        "from elixir_pro.cli import _command_modules, build_parser\n"
        "modules = _command_modules()\n"
        "assert {'acp', 'mcp'} <= set(modules)\n"
        "build_parser(modules).format_help()\n"
    )
    assert _loaded(script) == []


def test_launching_the_tui_and_an_offline_turn_load_neither_sdk(courier: Path) -> None:
    settings = {"mcp_servers": {"tidewave": {"url": closed_port_url()}}}
    (courier / ".elixir-pro.yaml").write_text(json.dumps(settings), encoding="utf-8")
    script = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from elixir_pro.tui.app import ElixirProApp\n"
        "from elixir_pro.tui.screens.main import MainScreen\n"
        "from elixir_pro.tui.widgets.prompt_input import PromptInput\n"
        "from elixir_pro.agent.modes import CognitiveMode\n"
        "async def main():\n"
        "    app = ElixirProApp(Path(sys.argv[1]), offline=True, watch=True, analyze=True)\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"
        "        await pilot.pause()\n"
        "        await app.workers.wait_for_complete()\n"
        "        assert not [m for m in sys.modules if m.split('.')[0] in ('acp', 'mcp')]\n"
        "        screen = next(s for s in app.screen_stack if isinstance(s, MainScreen))\n"
        "        prompt = screen.query_one(PromptInput)\n"
        "        prompt.text = 'review lib/'\n"
        "        prompt.focus()\n"
        "        await pilot.press('enter')\n"
        "        pane = screen.pane(CognitiveMode.GENERATIVE)\n"
        "        for _ in range(1000):\n"
        "            await pilot.pause(0.02)\n"
        "            if pane.turns and pane.turns[-1].finished:\n"
        "                break\n"
        "        assert pane.turns and pane.turns[-1].finished\n"
        "asyncio.run(main())\n"
    )
    assert _loaded(script, str(courier)) == []


def test_the_protocol_commands_do_load_their_sdk() -> None:
    acp = _loaded("import elixir_pro.protocols.acp_agent\n")
    mcp = _loaded("import elixir_pro.protocols.mcp_server\n")
    assert "acp" in acp and "mcp" not in acp
    assert "mcp" in mcp and "acp" not in mcp
