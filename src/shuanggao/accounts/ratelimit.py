"""An in-process sliding-window rate limiter for sign-in attempts (per client IP).

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

    def hit(self, key: str) -> int | None:
        """Count one attempt; return None when allowed, else the seconds to wait (Retry-After)."""
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            if len(self._hits) > 10_000:
                self._sweep(now)
            return None

    def _sweep(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
            del self._hits[key]

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
