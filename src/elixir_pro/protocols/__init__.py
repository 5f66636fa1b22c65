"""elixir-pro as the other tools' agent and tool server, over two open protocols.

- ``acp_*``: ``elixir-pro acp``, an Agent Client Protocol agent on stdio (Zed, JetBrains IDEs,
  Toad), a thin adapter over :mod:`elixir_pro.conversation` and :mod:`elixir_pro.changes`.
- ``mcp_*``: ``elixir-pro mcp``, a Model Context Protocol server on stdio (Claude Code, Codex
  CLI, OpenCode, Zed) exposing the engine through :mod:`elixir_pro.project`.

The modules here import their SDK (``acp``, ``mcp``) at the top, so only the command that
serves a protocol imports them, inside its ``run``: nothing else loads those SDKs. MCP servers
used as tools in our own loop live with the other tools (``elixir_pro.tools.mcp_hub``).
"""
