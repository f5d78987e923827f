"""Login throttling: after a few failures a login name (or an address) waits before it may try again."""

import threading
import time
from collections import deque
from dataclasses import dataclass, field

WINDOW_S = 15 * 60.0
# A login name may fail 5 times in the window; an address more often, since an office's PCs often share one.
LIMITS = {"login": 5, "addr": 30}


@dataclass
class LoginThrottle:
    """Failed logins per key ("login:<name>", "addr:<address>") within the last window."""

    limits: dict[str, int] = field(default_factory=lambda: dict(LIMITS))
    window_s: float = WINDOW_S
    _failures: dict[str, deque] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> deque:
        found = self._failures.setdefault(key, deque())
        while found and now - found[0] > self.window_s:
            found.popleft()
        return found

    def wait(self, keys: list[str]) -> int:
        """Seconds until these keys may try again (0: now)."""
        now = time.monotonic()
        with self._lock:
            full = [f for k in keys if len(f := self._recent(k, now)) >= self.limits[k.split(":", 1)[0]]]
            return max((int(self.window_s - (now - f[0])) + 1 for f in full), default=0)

    def failed(self, keys: list[str]) -> None:
        """Count a failed login against each key."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        """Forget the failures of a login name that got in."""
        with self._lock:
            self._failures.pop(key, None)
