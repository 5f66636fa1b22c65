"""Choosing the backend for a session: Claude when an API key is available, otherwise (or
with ``--offline``) the offline engine, with a notice saying which and why.

Credentials and endpoint come from the environment (``ANTHROPIC_API_KEY`` or
``ANTHROPIC_AUTH_TOKEN``, ``ANTHROPIC_BASE_URL``) and are passed to the SDK explicitly. The
model is ``--model`` if given, else config ``llm.model`` (``ELIXIR_PRO_MODEL`` lands there),
else the agent file's ``model``, resolved by :mod:`elixir_pro.llm.models`. Used by ``ask``,
the conversation workspace and the TUI.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from elixir_pro.config import Config, LlmConfig
from elixir_pro.llm.base import Backend

if TYPE_CHECKING:
    import anthropic

NO_KEY_NOTICE = (
    "No ANTHROPIC_API_KEY: answering with the offline engine (set the key to talk to Claude)."
)
OFFLINE_NOTICE = "Offline mode: answering with the offline engine."


@dataclass(frozen=True, slots=True)
class BackendChoice:
    backend: Backend
    notices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Credentials:
    api_key: str | None
    auth_token: str | None
    base_url: str | None

    @property
    def present(self) -> bool:
        return bool(self.api_key or self.auth_token)


def credentials_from_env(env: Mapping[str, str] | None = None) -> Credentials:
    source = os.environ if env is None else env
    return Credentials(
        api_key=source.get("ANTHROPIC_API_KEY") or None,
        auth_token=source.get("ANTHROPIC_AUTH_TOKEN") or None,
        base_url=source.get("ANTHROPIC_BASE_URL") or None,
    )


def make_client(creds: Credentials, settings: LlmConfig | None = None) -> anthropic.AsyncAnthropic:
    """The SDK client: no SDK retries (ours show a notice), and the connect and idle timeouts
    of the settings for every call (model listing included; messages set them per request)."""
    import anthropic

    from elixir_pro.tools.redact import remember_secret

    remember_secret(creds.api_key)
    remember_secret(creds.auth_token, "ANTHROPIC_AUTH_TOKEN")
    llm = settings or LlmConfig()
    return anthropic.AsyncAnthropic(
        api_key=creds.api_key,
        auth_token=None if creds.api_key else creds.auth_token,
        base_url=creds.base_url,
        max_retries=0,
        timeout=anthropic.Timeout(
            llm.idle_timeout_s, connect=llm.connect_timeout_s, pool=llm.connect_timeout_s
        ),
    )


async def create_backend(
    project_root: Path,
    config: Config,
    *,
    agent_model: str | None = None,
    model_override: str | None = None,
    offline: bool = False,
    env: Mapping[str, str] | None = None,
) -> BackendChoice:
    """The backend for a project: Anthropic with a resolved model, or the offline engine."""
    from elixir_pro.llm.offline_backend import OfflineBackend

    creds = credentials_from_env(env)
    if offline:
        return BackendChoice(OfflineBackend(project_root, config, no_key=False), (OFFLINE_NOTICE,))
    if not creds.present:
        return BackendChoice(OfflineBackend(project_root, config), (NO_KEY_NOTICE,))
    from elixir_pro.llm.anthropic_backend import AnthropicBackend
    from elixir_pro.llm.models import resolve_model

    client = make_client(creds, config.llm)
    requested = model_override or config.llm.model or agent_model
    choice = await resolve_model(client, requested)
    notices = (choice.notice,) if choice.notice else ()
    backend = AnthropicBackend(client, choice.model_id, config.llm, window=choice.window)
    return BackendChoice(backend, notices)
