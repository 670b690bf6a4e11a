"""Progress bars drawn from progress events (guestfs/fish/progress.py), no VM."""

from __future__ import annotations

import io

import pytest

from guestfs.fish.progress import ProgressBar


def test_bar_redraws_in_place_and_ends_at_100(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    out = io.StringIO()
    bar = ProgressBar(out, utf8=True)
    bar.update(0, 200)
    bar.update(1, 200)  # too soon after the first: not drawn
    bar.update(200, 200)  # the end is always drawn
    lines = out.getvalue().split("\r\n")
    assert lines[-1] == ""
    first, last = lines[0], lines[1]
    assert first.startswith("◐  0% ⟦") and first.endswith("⟧ --:--")
    assert last.startswith("\x1b[A 100% ⟦") and "═" not in last
    # Three columns stay free at the right, as stock leaves them.
    assert len(first) == 37 and len(last) == 37 + len("\x1b[A")
    assert len(lines) == 3


def test_ascii_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    out = io.StringIO()
    bar = ProgressBar(out, utf8=False)
    bar.event(8, 0, None, [1, 2, 50, 100])
    assert out.getvalue() == "/ 50% [######-------] --:--\r\n"
    bar.update(10, 0)  # no total: nothing to draw
    assert out.getvalue().count("\r\n") == 1
