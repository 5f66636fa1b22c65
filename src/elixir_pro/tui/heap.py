"""Keeping full garbage collections out of the frames.

Once the app holds the project's baseline (the analyzer's state for every file, the findings,
the widgets), CPython's full collections walk all of it: on a 2,000-file project about 100k
objects and 45-60 ms, long enough to hold back the frame that shows a new finding. After the
baseline is loaded it is collected once and frozen (``gc.freeze``), so later full collections
walk only what is newer. Frozen objects are still freed by reference counting; only cycles
among them wait for :func:`release_heap`, which the main screen calls when it goes.
"""

from __future__ import annotations

import gc

_settled = False


def settle_heap() -> None:
    """Collect what the start left behind, then move every live object out of the collector's
    sight."""
    global _settled
    gc.collect()
    gc.freeze()
    _settled = True


def release_heap() -> None:
    """Hand the frozen objects back to the collector (the app is closing)."""
    global _settled
    if _settled:
        gc.unfreeze()
        _settled = False
