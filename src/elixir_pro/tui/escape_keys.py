"""``escape`` then a digit, typed quickly, must not become a character in the prompt.

Terminals send ``ESC`` followed by a key both for alt+key and for escape typed just before the
key. Textual's input parser reads ``ESC 2`` as ``™`` (and ``ESC 1`` as ``¡``, ``ESC 3`` as
``£``, …: what WezTerm on macOS means by Option+digit), so pressing escape then ``2`` to switch
to the critical pane typed ``™`` into the prompt. :func:`read_escape_digit_as_alt` drops those
few entries from the parser's table, so the sequence arrives as ``alt+2`` (the parser's generic
reading of ``ESC`` + key), which the main screen treats as escape then ``2``. A character the
keyboard really sends (``™`` typed as such) is unaffected.

Called once by :class:`~elixir_pro.tui.app.ElixirProApp`.
"""

from __future__ import annotations

ESC = "\x1b"
_KEYS = "0123456789-="


def read_escape_digit_as_alt() -> list[str]:
    """Remove the ``ESC`` + digit (and ``-`` ``=``) character mappings from Textual's key table;
    returns the sequences removed (empty when already done or absent)."""
    from textual import _ansi_sequences

    table = _ansi_sequences.ANSI_SEQUENCES_KEYS
    removed = []
    for key in _KEYS:
        sequence = ESC + key
        if isinstance(table.get(sequence), str):
            del table[sequence]  # type: ignore[attr-defined]
            removed.append(sequence)
    return removed
