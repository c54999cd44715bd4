"""An in-process sliding-window rate limiter for failed sign-in attempts (per client IP).

Only failures count (a wrong password, TOTP or recovery code): an office behind one address can
sign in as many people as it likes, while guessing from one address stops after ``limit``
failures in the window (``wait`` refuses before the password is checked).

One limiter lives on ``app.state.login_limiter``; it counts attempts in this process only. With
several worker processes each has its own window, so the effective limit is workers × limit;
the per-account lockout (stored in the database) still bounds guessing per account. A shared
limiter (Redis) can replace this class without touching callers: they call ``hit(key)``.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    def __init__(
        self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def wait(self, key: str) -> int | None:
        """None when ``key`` may try now, else the seconds to wait (Retry-After). Counts nothing."""
        now = self.clock()
        with self._lock:
            hits = self._recent(key, now)
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            if not hits:
                del self._hits[key]
            return None

    def record(self, key: str) -> None:
        """Count one failed attempt of ``key``."""
        now = self.clock()
        with self._lock:
            self._recent(key, now).append(now)
            if len(self._hits) > 10_000:
                self._sweep(now)

    def hit(self, key: str) -> int | None:
        """``wait``, and when allowed count the attempt as a failure (for callers that count
        every attempt)."""
        wait = self.wait(key)
        if wait is None:
            self.record(key)
        return wait

    def _sweep(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
            del self._hits[key]

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
