"""Work the classroom does behind the window: loading or growing up the infant and
checking its words, in a background thread while the window keeps drawing.

A :class:`Job` runs one function in a daemon thread and keeps what the window shows
about it: a message, the share done and, at the end, the result or the error. The
window polls it every frame (:attr:`Job.done`), so nothing blocks the event loop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["Job"]


class Job:
    """One function run in a background thread.

    Parameters
    ----------
    fn
        Called as ``fn(progress)``; ``progress(share, message=None)`` reports the share
        done (0 to 1) and, optionally, a new message.
    message
        What the window says while the job runs.
    """

    def __init__(self, fn: Callable[[Callable[..., None]], Any], message: str) -> None:
        self.message = message
        self.share: float | None = None
        self.started = time.perf_counter()
        self.finished: float | None = None
        self._fn = fn
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="infancy-demo-job", daemon=True)
        self._thread.start()

    def _progress(self, share: float, message: str | None = None) -> None:
        self.share = min(1.0, max(0.0, float(share)))
        if message is not None:
            self.message = message

    def _run(self) -> None:
        try:
            self._result = self._fn(self._progress)
        except BaseException as err:  # handed to the window's thread by result()
            self._error = err
        self.finished = time.perf_counter()

    @property
    def done(self) -> bool:
        """Whether the function has returned or raised."""
        return self.finished is not None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds (for ever: ``None``); returns :attr:`done`."""
        self._thread.join(timeout)
        return self.done

    def result(self) -> Any:
        """The function's result; raises what it raised. Only once :attr:`done`."""
        if not self.done:
            raise RuntimeError("job: not done yet")
        if self._error is not None:
            raise self._error
        return self._result
