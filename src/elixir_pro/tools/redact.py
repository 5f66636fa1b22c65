"""The user's Anthropic credentials taken out of text before it is shown to the model, stored
or logged: every occurrence of the value of ``ANTHROPIC_API_KEY`` or ``ANTHROPIC_AUTH_TOKEN``
(and of any key handed to the client, :func:`remember_secret`) becomes
``[redacted ANTHROPIC_API_KEY]``.

This is the last line of defence, not the first: commands never see the key (the Bash sandbox
and its minimal environment), and Read/Grep refuse secret files. It catches a key someone
hard-coded into a project file, or one an error message quotes. Used by the toolset (every
tool result), the session store and the crash log.
"""

from __future__ import annotations

import os
import threading

SECRET_VARIABLES = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")
MIN_SECRET_CHARS = 8  # shorter values would redact ordinary words

_known: dict[str, str] = {}
_lock = threading.Lock()


def remember_secret(value: str | None, name: str = "ANTHROPIC_API_KEY") -> None:
    """Redact ``value`` from now on, even if the environment variable goes away."""
    if value and len(value) >= MIN_SECRET_CHARS:
        with _lock:
            _known[value] = name


def _secrets() -> list[tuple[str, str]]:
    found = dict(_known)
    for name in SECRET_VARIABLES:
        value = os.environ.get(name, "")
        if len(value) >= MIN_SECRET_CHARS:
            found.setdefault(value, name)
    return sorted(found.items(), key=lambda item: -len(item[0]))


def redact(text: str) -> str:
    """``text`` without any known credential value."""
    for value, name in _secrets():
        if value in text:
            text = text.replace(value, f"[redacted {name}]")
    return text
