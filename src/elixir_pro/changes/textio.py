"""Decoding, encoding and line-ending handling for proposed file text.

The model text of a file is exactly its decoded content, line endings included: a CRLF file's
model text holds ``\\r\\n``. Text proposed against such a file (Claude writes ``\\n``) is adapted to
the file's dominant line ending when it is staged, so unchanged lines stay byte-identical and the
diff only shows real changes. Files that are not valid UTF-8 are decoded as latin-1 and written
back as latin-1. Used by the changeset, the hunk editor and apply.
"""

from __future__ import annotations

import re

UTF8 = "utf-8"
LATIN1 = "latin-1"
_BARE_LF = re.compile(r"(?<!\r)\n")


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with (utf-8, else latin-1, which never fails)."""
    try:
        return data.decode(UTF8), UTF8
    except UnicodeDecodeError:
        return data.decode(LATIN1), LATIN1


def encode(text: str, encoding: str) -> bytes:
    """The bytes to write; raises UnicodeEncodeError when the text does not fit the encoding."""
    return text.encode(encoding)


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def as_model_text(text: str, encoding: str) -> str:
    """Proposed text in the file's model form. Producers that read files as UTF-8 with
    ``surrogateescape`` (the tools, the autofixes) hand back undecodable bytes as surrogates; for
    a latin-1 file those are turned back into the bytes they stand for, read as latin-1."""
    if encoding == LATIN1 and _has_surrogates(text):
        return text.encode(UTF8, "surrogateescape").decode(LATIN1)
    return text


def dominant_newline(text: str) -> str:
    """``\\r\\n`` when most line breaks in the text are CRLF, else ``\\n``."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    return "\r\n" if crlf > lf else "\n"


def adapt_newlines(text: str, newline: str) -> str:
    """Text with its bare ``\\n`` turned into ``newline`` (a no-op for ``\\n``)."""
    if newline == "\n":
        return text
    return _BARE_LF.sub(newline, text)


def split_lines(text: str) -> list[str]:
    """Lines split on ``\\n`` only, each keeping its ending (``\\r\\n`` stays attached), so that
    ``"".join(split_lines(t)) == t`` for every text."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines
