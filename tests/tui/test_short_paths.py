"""Unit tests of the one path-shortening helper every screen uses."""

from __future__ import annotations

import pytest

from elixir_pro.tui.short_paths import shorten_location, shorten_path

PATH = "lib/courier/reporting/supervisor.ex"


def test_a_path_that_fits_is_unchanged() -> None:
    assert shorten_path(PATH, len(PATH)) == PATH
    assert shorten_path(PATH, 200) == PATH


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (34, "…/courier/reporting/supervisor.ex"),
        (29, "lib/…/reporting/supervisor.ex"),
        (28, "…/reporting/supervisor.ex"),
        (19, "lib/…/supervisor.ex"),
        (15, "…/supervisor.ex"),
        (12, "…/sup…sor.ex"),
        (3, "s…x"),
    ],
)
def test_the_middle_goes_and_the_file_name_stays(width: int, expected: str) -> None:
    shown = shorten_path(PATH, width)
    assert shown == expected
    assert len(shown) <= width


def test_every_width_fits_and_keeps_the_end_of_the_name_while_it_can() -> None:
    for width in range(1, len(PATH) + 1):
        shown = shorten_path(PATH, width)
        assert len(shown) <= width
        if width >= len("…/supervisor.ex"):
            assert shown.endswith("/supervisor.ex")


def test_a_location_keeps_its_line() -> None:
    assert shorten_location(f"{PATH}:112", 23) == "lib/…/supervisor.ex:112"
    assert shorten_location("mix.exs:3", 40) == "mix.exs:3"
