"""Progress bars for long commands (``fill``, ``upload``, ``zero-device`` …).

Drawn from the handle's progress events in the style stock guestfish draws
them: a spinner, the percentage, a bar across the terminal and the time
left (``--:--`` until it can be guessed), each redraw moving the cursor
back up over the previous line.  On by default when guestfish runs at a
terminal; ``--progress-bars`` / ``--no-progress-bars`` force it.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Sequence
from typing import IO

#: At most this many redraws a second (the last one, at 100%, always).
RATE = 10.0
#: Columns taken by everything but the bar.
_FIXED_COLUMNS = 17


class ProgressBar:
    """One bar, redrawn in place for each progress event of a command."""

    def __init__(self, out: IO[str] | None = None, utf8: bool | None = None) -> None:
        self.out = out
        enc = (getattr(out or sys.stdout, "encoding", None) or "").lower().replace("-", "")
        self.utf8 = enc == "utf8" if utf8 is None else utf8
        self.reset()

    def reset(self) -> None:
        """Forget the last bar (a new command starts)."""
        self.drawn = False
        self.count = 0
        self.started = time.monotonic()
        self.last = 0.0

    def event(self, event: int, handle: int, buf: str | None, array: Sequence[int]) -> None:
        """An event callback: ``array`` is (proc, serial, position, total)."""
        if len(array) >= 4:
            self.update(array[2], array[3])

    def update(self, position: int, total: int) -> None:
        """Redraw for ``position`` of ``total`` (rate-limited)."""
        if total <= 0:
            return
        now = time.monotonic()
        done = position >= total
        if self.drawn and not done and now - self.last < 1.0 / RATE:
            return
        if not self.drawn:
            self.started = now
        self.last = now
        ratio = min(max(position / total, 0.0), 1.0)
        spinners = "◐◓◑◒" if self.utf8 else "/-\\|"
        spin = " " if done else spinners[self.count % len(spinners)]
        self.count += 1
        cols = shutil.get_terminal_size((80, 24)).columns
        width = max(cols - _FIXED_COLUMNS, 10)
        filled = int(width * ratio)
        full, empty, left, right = ("▒", "═", "⟦", "⟧") if self.utf8 else ("#", "-", "[", "]")
        line = (f"{spin}{int(ratio * 100):3d}% {left}{full * filled}{empty * (width - filled)}{right} "
                f"{self._time_left(now, ratio)}\r\n")
        out = self.out or sys.stdout
        out.write(("\x1b[A" if self.drawn else "") + line)
        out.flush()
        self.drawn = True

    def _time_left(self, now: float, ratio: float) -> str:
        elapsed = now - self.started
        if ratio <= 0 or ratio >= 1 or elapsed < 1:
            return "--:--"
        left = int(elapsed * (1 - ratio) / ratio)
        if left >= 100 * 60:
            return "--:--"
        return f"{left // 60:02d}:{left % 60:02d}"
