"""Progress for long host-side loops (tabulating a lambda, sweeping millions of steps): a line on stderr."""
import sys
import time
from typing import Callable, Optional

__all__ = ["Progress", "stderr_progress"]


def stderr_progress(message: str) -> None:
    sys.stderr.write(message)
    sys.stderr.flush()


class Progress:
    """Reports ``done/total`` through ``report`` at most every ``interval`` seconds, and once at the end."""

    def __init__(self, what: str, total: int, report: Optional[Callable[[str], None]] = stderr_progress,
                 interval: float = 1.0):
        self.what, self.total, self.report, self.interval = what, total, report, interval
        self.started = self.last = time.time()

    def update(self, done: int) -> None:
        now = time.time()
        if self.report is None or (now - self.last < self.interval and done < self.total):
            return
        self.last = now
        self.report(f"\r  {self.what} {done:,}/{self.total:,} ({100 * done / self.total:.0f}%, "
                    f"{now - self.started:.1f} s)" + ("\n" if done >= self.total else ""))
