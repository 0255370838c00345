"""Executors: many lifetimes through one interface, on one core, a process pool or Ray.

Every executor takes :class:`~infancy.curricula.work.LifetimeSpec` s and returns their
:class:`~infancy.curricula.work.LifetimeResult` s in the same order. The same specs give
identical tables on every backend (tested): a lifetime draws only from its own seeded
generators, and its numbers do not depend on the number of threads.

``serial``
    in this process, one after another (what a notebook debugging one lifetime wants);
``process``
    a local pool of worker processes (``spawn``: a fresh interpreter each, so no
    half-initialised torch or numba threads are inherited), one torch and one numba
    thread per worker; the default for more than one lifetime. As with every ``spawn``
    pool, each worker imports the main program: in a script, keep the work under
    ``if __name__ == "__main__":`` (a notebook needs nothing);
``ray``
    tasks on a Ray cluster: the one at ``address`` (or ``RAY_ADDRESS``), or a local one
    started on demand. Ray is an optional extra: ``pip install "infancy[ray]"``.

A failed lifetime comes back with its spec and ``error`` set; the others go on. Ask for
an executor by name with :func:`executor`.
"""

from __future__ import annotations

import os
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .work import LifetimeResult, LifetimeSpec, run_lifetime

__all__ = [
    "EXECUTORS",
    "Executor",
    "ProcessExecutor",
    "RayExecutor",
    "SerialExecutor",
    "executor",
]

Progress = Callable[[int, LifetimeResult], None]
"""Called as each lifetime ends: its index in the specs and its result."""

# One thread per worker: the workers are the parallelism; more threads than cores make
# numba's and torch's thread pools wait on each other.
_WORKER_ENV = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _specs(specs: Sequence[LifetimeSpec | dict[str, Any]]) -> list[dict[str, Any]]:
    # Plain mappings travel to workers (and their bad values are reported per lifetime).
    return [s.model_dump(mode="json") if isinstance(s, LifetimeSpec) else dict(s) for s in specs]


def _failed(spec: dict[str, Any], exc: BaseException) -> LifetimeResult:
    why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return LifetimeResult(spec, error=f"{type(exc).__name__}: {why} (the worker failed)")


class Executor(ABC):
    """Runs lifetimes (see the module docstring)."""

    name: str = ""

    @abstractmethod
    def map(
        self, specs: Sequence[LifetimeSpec | dict[str, Any]], progress: Progress | None = None
    ) -> list[LifetimeResult]:
        """Run every spec; results in the order of ``specs``."""

    def close(self) -> None:  # noqa: B027  (most executors hold nothing)
        """Release what the executor holds (workers, a cluster connection)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(Executor):
    """One lifetime after another in this process."""

    name = "serial"

    def map(self, specs, progress=None):
        out = []
        for i, spec in enumerate(_specs(specs)):
            out.append(run_lifetime(spec))
            if progress is not None:
                progress(i, out[-1])
        return out


def _worker_init() -> None:
    # The environment is already the workers' (see ProcessExecutor.map): numba reads it
    # when the initializer's own module is unpickled, before this body runs.
    import numba
    import torch

    numba.set_num_threads(1)
    torch.set_num_threads(1)


@contextmanager
def _worker_environment() -> Iterator[None]:
    # Spawned workers inherit the parent's environment at spawn: set it around the pool
    # (os.environ.update inside the worker came too late, numba had read its thread
    # count already, and two workers ran four spinning threads on two cores).
    saved = {k: os.environ.get(k) for k in _WORKER_ENV}
    os.environ.update(_WORKER_ENV)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class ProcessExecutor(Executor):
    """A local pool of ``workers`` processes (default: the machine's cores)."""

    name = "process"

    def __init__(self, workers: int | None = None) -> None:
        if workers is not None and workers < 1:
            raise ValueError(f"workers: expected a positive number, got {workers}")
        self.workers = workers or os.cpu_count() or 1

    def map(self, specs, progress=None):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed
        from concurrent.futures.process import BrokenProcessPool

        plain = _specs(specs)
        out: list[LifetimeResult | None] = [None] * len(plain)
        if not plain:
            return []
        # Each worker re-imports the main program (spawn): it needs a file to read.
        main = getattr(sys.modules.get("__main__"), "__file__", None)
        if main is not None and not os.path.exists(main):
            raise RuntimeError(
                f"executor process: the main program {main!r} is not a file the workers can "
                "import (python reading stdin?); run it from a .py file or a notebook, or use "
                "executor('serial')"
            )
        with (
            _worker_environment(),
            ProcessPoolExecutor(
                max_workers=min(self.workers, len(plain)),
                mp_context=mp.get_context("spawn"),
                initializer=_worker_init,
            ) as pool,
        ):
            futures = {pool.submit(run_lifetime, s): i for i, s in enumerate(plain)}
            for fut in as_completed(futures):
                i = futures[fut]
                try:
                    out[i] = fut.result()
                except (BrokenProcessPool, Exception) as exc:  # a worker died
                    out[i] = _failed(plain[i], exc)
                if progress is not None:
                    progress(i, out[i])
        return [r for r in out if r is not None]


class RayExecutor(Executor):
    """Ray tasks, one CPU each, on the cluster at ``address`` (``None``: the one in
    ``RAY_ADDRESS``, or a local cluster of ``workers`` CPUs started on demand and shut
    down by :meth:`close`)."""

    name = "ray"

    def __init__(self, workers: int | None = None, address: str | None = None) -> None:
        try:
            import ray
        except ImportError:
            raise RuntimeError(
                "executor ray: Ray is not installed; pip install 'infancy[ray]'"
            ) from None
        self._ray = ray
        self._started = False
        if not ray.is_initialized():
            env = {"env_vars": dict(_WORKER_ENV)}
            address = address or os.environ.get("RAY_ADDRESS")
            if address:
                ray.init(address=address, runtime_env=env, log_to_driver=False)
            else:
                ray.init(
                    num_cpus=workers or os.cpu_count() or 1,
                    include_dashboard=False,
                    runtime_env=env,
                    log_to_driver=False,
                    configure_logging=False,
                )
            self._started = True
        self._task = ray.remote(num_cpus=1, max_retries=0)(_ray_lifetime)

    def map(self, specs, progress=None):
        ray = self._ray
        plain = _specs(specs)
        refs = [self._task.remote(s) for s in plain]
        index = {ref: i for i, ref in enumerate(refs)}
        out: list[LifetimeResult | None] = [None] * len(plain)
        pending = list(refs)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            i = index[done[0]]
            try:
                out[i] = ray.get(done[0])
            except Exception as exc:  # the task's process died
                out[i] = _failed(plain[i], exc)
            if progress is not None:
                progress(i, out[i])
        return [r for r in out if r is not None]

    def close(self) -> None:
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()
            self._started = False


def _ray_lifetime(spec: dict[str, Any]) -> LifetimeResult:
    import torch

    torch.set_num_threads(1)
    return run_lifetime(spec)


EXECUTORS: dict[str, type[Executor]] = {
    "serial": SerialExecutor,
    "process": ProcessExecutor,
    "ray": RayExecutor,
}


def executor(name: str | None = None, workers: int | None = None, **kwargs: Any) -> Executor:
    """An executor by name (``serial``, ``process``, ``ray``; ``None``: ``process``).

    Raises
    ------
    ValueError
        An unknown name (the known ones are listed).
    """
    name = name or "process"
    if name not in EXECUTORS:
        raise ValueError(f"executor: unknown {name!r}; known: {', '.join(EXECUTORS)}")
    if name == "serial":
        return SerialExecutor()
    return EXECUTORS[name](workers=workers, **kwargs)
