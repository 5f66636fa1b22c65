"""The backends that answer a turn: Claude through the Anthropic Messages API, or the offline
engine, behind one protocol (``base.Backend``: ``stream_turn(TurnRequest)`` -> an async stream
of core events).

Public API (used by the conversation sessions, ``ask`` and the TUI)::

    choice = await factory.create_backend(root, config, agent_model=..., model_override=...,
                                          offline=False)   # BackendChoice(backend, notices)
    async for event in choice.backend.stream_turn(TurnRequest(...)): ...
    await models.resolve_model(client, "sonnet")            # ModelChoice(model_id, source, notice)

Modules: ``anthropic_backend`` (the turn loop), ``api_errors`` (errors and retries), ``wire``
(request bodies, prompt caching), ``models`` (model resolution), ``usage`` (tokens and cost),
``context`` (the user message), ``offline_backend`` / ``offline_engine`` / ``offline_text`` (the
engine's answers), ``prompts`` (fixed text).
"""
