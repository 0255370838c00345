"""Numba's first use, said in one line.

The engine's kernels and the infants' compiled passes are compiled by numba on first
use and cached beside their source (``__pycache__/*.nbi``, ``*.nbc``). A cold cache
costs minutes, during which a command would otherwise sit silent. :func:`uncached`
tells, without compiling anything, which of a command's main kernels have no cache
entry for their current source; :class:`CompilingNotice` shows "compiling kernels once
(a few minutes; cached for next time)" with a spinner, a moving bar, the number of
kernels compiled so far (counted from the cache files numba writes, so it also counts
what worker processes compile) and the time elapsed, only when something is cold.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Iterable
from types import TracebackType

from rich.console import Console

__all__ = ["RUN_KERNELS", "WORLD_KERNELS", "CompilingNotice", "cached", "uncached"]

WORLD_KERNELS = (
    "infancy.worlds.core.draws:fill_uniforms_serial",
    "infancy.worlds.core.kernels:step_observe_serial",
    "infancy.worlds.core.kernels:observe_serial",
)
"""The kernels every small batch of worlds needs (the step's draws, the fused step, the
observation): the serial twins, which is what the commands step with."""

RUN_KERNELS = (*WORLD_KERNELS, "infancy.infants.nn:_policy_rows")
"""A lifetime's: the worlds' and the infants' compiled policy pass."""

MESSAGE = "compiling kernels once (a few minutes; cached for next time)"
"""The line's text. Measured cold on 2 shared cores (2026-12-01): 204 s for ``infancy
worlds show``; 7 minutes for a first ``infancy run --preset tiny``, lifetime included."""


def _dispatcher(name: str):
    module, _, attr = name.partition(":")
    return getattr(importlib.import_module(module), attr)


def cached(name: str) -> bool | None:
    """Whether numba's cache holds a compiled version of kernel ``name``
    (``"package.module:function"``) for its current source.

    Returns
    -------
    bool or None
        ``None`` when it cannot be told (not a cached numba function, or a numba whose
        cache files this does not know how to read).
    """
    try:
        cache = _dispatcher(name)._cache
        index = cache._cache_file._load_index()  # {} when missing or stale
    except Exception:  # another numba's private layout: say nothing rather than guess
        return None
    return bool(index)


def uncached(names: Iterable[str]) -> list[str]:
    """The kernels among ``names`` that numba would compile on first use (cheap: it reads
    the cache's small index files and compiles nothing).

    Parameters
    ----------
    names
        Kernels as ``"package.module:function"``, e.g. :data:`WORLD_KERNELS`.

    Returns
    -------
    list of str
        Those without a cache entry for their current source, in the order given.
    """
    return [n for n in names if cached(n) is False]


def _index_files(names: Iterable[str]) -> list:
    """Cache folders of the modules of ``names`` (where the count of compiled kernels
    is read)."""
    folders = []
    for name in names:
        try:
            folder = _dispatcher(name)._cache._cache_path
        except Exception:
            continue
        if folder not in folders:
            folders.append(folder)
    return folders


class CompilingNotice:
    """One line while numba compiles: :data:`MESSAGE`, a spinner, a moving bar, the
    kernels compiled so far and the time elapsed.

    Nothing is shown when every kernel in ``names`` is cached (or ``enabled`` is false).
    Use as a context manager, or call :meth:`start` and :meth:`stop` (both idempotent;
    stop it before another live display such as a progress bar starts).

    Parameters
    ----------
    names
        The command's main kernels (:data:`WORLD_KERNELS`, :data:`RUN_KERNELS`).
    console
        Where the line goes (standard error in the CLI).
    enabled
        ``False`` shows nothing (``--quiet``).
    """

    def __init__(self, names: Iterable[str], *, console: Console, enabled: bool = True) -> None:
        self.names = tuple(names)
        self.console = console
        self.cold = uncached(self.names) if enabled else []
        self._progress = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _count(self, folders: list, since: float) -> int:
        from pathlib import Path

        n = 0
        for folder in folders:
            for f in Path(folder).glob("*.nbi"):
                try:
                    n += f.stat().st_mtime >= since
                except OSError:
                    pass
        return n

    def start(self) -> CompilingNotice:
        """Show the line if a kernel is cold (nothing otherwise)."""
        if not self.cold or self._progress is not None:
            return self
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn(MESSAGE),
            BarColumn(bar_width=12),
            TextColumn("{task.fields[done]} compiled"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        task = self._progress.add_task(MESSAGE, total=None, done=0)
        self._progress.start()
        self._started = time.time() - 1.0  # file times have coarse resolution
        folders = _index_files(self.names)

        def poll() -> None:
            while not self._stop.wait(0.5):
                self._progress.update(task, done=self._count(folders, self._started))

        self._thread = threading.Thread(target=poll, daemon=True)
        self._thread.start()
        return self

    def stop(self, *, say: bool = True) -> None:
        """Take the line away and (``say``) print how long compiling took."""
        if self._progress is None:
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._progress.stop()
        self._progress = None
        self.cold = []
        seconds = time.time() - self._started - 1.0
        if say:
            self.console.print(f"kernels compiled ({seconds:.0f} s)", highlight=False)

    def __enter__(self) -> CompilingNotice:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop(say=exc_type is None)
