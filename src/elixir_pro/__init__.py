"""elixir-pro: a terminal pair-programmer for Elixir, OTP and Phoenix.

The core packages (agent, engine, llm, tools, conversation, changes, watch) never import
Textual; only ``elixir_pro.tui`` does. The CLI in ``elixir_pro.cli`` serves both.
"""

from __future__ import annotations

__version__ = "0.1.0"
