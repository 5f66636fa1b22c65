"""Paths shortened to fit a width, in the middle, keeping the file name: the one way every screen
shows a project path that may not fit (the review's file list, findings, tool rows, staged
lines, the code view's title).

``lib/courier/reporting/supervisor.ex`` in 28 cells is ``lib/…/reporting/supervisor.ex``: the
first folder (where in the project) and the folders nearest the file are kept, the middle goes.
A file name longer than the width itself keeps its start and its extension. Pure functions, no
Textual.
"""

from __future__ import annotations

ELLIPSIS = "…"


def _fit_name(name: str, width: int) -> str:
    """A file name cut in its middle to ``width`` cells, its extension kept when possible."""
    if len(name) <= width:
        return name
    if width <= 1:
        return ELLIPSIS[:width]
    dot = name.rfind(".")
    ext = name[dot:] if dot > 0 and len(name) - dot <= max(1, width // 2) else ""
    room = width - 1 - len(ext)
    stem = name[: len(name) - len(ext)]
    head = (room + 1) // 2
    tail = room - head
    return stem[:head] + ELLIPSIS + (stem[len(stem) - tail :] if tail else "") + ext


def shorten_path(path: str, width: int) -> str:
    """``path`` in at most ``width`` cells: unchanged when it fits, else folders dropped from the
    middle (``lib/…/reporting/supervisor.ex``), then the first folder (``…/reporting/x.ex``),
    and the file name itself cut in its middle only when nothing else is left."""
    if len(path) <= width:
        return path
    width = max(1, width)
    parts = path.split("/")
    name = parts[-1]
    folders = parts[:-1]
    if not folders:
        return _fit_name(name, width)
    # As many folders next to the file as fit (they say the most), then the first folder too
    # (where in the project) when it fits beside them.
    head = folders[:1] if len(folders) > 1 else []
    middle = folders[len(head) :]
    kept: list[str] = []
    for folder in reversed(middle):
        if len("/".join([ELLIPSIS, folder, *kept, name])) > width:
            break
        kept.insert(0, folder)
    with_head = "/".join([*head, ELLIPSIS, *kept, name])
    if head and len(with_head) <= width:
        return with_head
    without_head = "/".join([ELLIPSIS, *kept, name])
    if len(without_head) <= width:
        return without_head
    return ELLIPSIS + "/" + _fit_name(name, width - 2) if width > 4 else _fit_name(name, width)


def shorten_location(location: str, width: int) -> str:
    """``path:line`` (or ``path:line:col``) shortened like a path, its line number kept."""
    path, sep, rest = location.partition(":")
    if not sep:
        return shorten_path(location, width)
    suffix = sep + rest
    return shorten_path(path, max(1, width - len(suffix))) + suffix
