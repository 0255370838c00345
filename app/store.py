"""The run store: one directory per run, Parquet tables, checkpoints, and a DuckDB
catalogue over all runs (``infancy.store``; the lifecycle runner in
``infancy.curricula.runner`` writes it, and later runners such as the evolutionary loop
can too).

A run directory holds::

    config.yaml          the resolved run configuration (re-runnable as is)
    run.json             status (running | interrupted | failed | finished), progress
    <table>.parquet      the finished tables (a lifetime: timeline, audit, probes,
                         lexicon, episodes)
    parts/<table>/part-NNNNNN.parquet   the tables while the run is under way
    checkpoints/ckpt-NNNNNN/            the last two checkpoints (safetensors + JSON,
                                        with meta.json and the config they were made
                                        under, config.json)
    checkpoints/latest.json             which checkpoint is the last complete one
    lock.json            the writer's lock (``fcntl.flock``) and who holds it

Writes are atomic (a temporary name, then a rename), and a checkpoint names how many
parts it covers, so a run killed at any moment resumes from its last checkpoint with
nothing lost and nothing counted twice: parts written after that checkpoint are
dropped and lived again. An existing directory is never overwritten. A checkpoint that
does not read completely (a garbled ``latest.json``, a truncated file) is passed over for
the newest one that does, and a file in ``parts/`` that the run did not write stops a
resume with one line naming it rather than being deleted or counted.

The resolved configuration's fingerprint (:func:`fingerprint`) is kept in ``run.json``
and in every checkpoint; :meth:`RunStore.check_config` refuses to go on under a
configuration that differs, naming the first key that does (a field the code gained
since the run started is compared at its default).

A run has one writer at a time: :meth:`RunStore.lock` takes an exclusive ``flock`` on
``lock.json`` (and writes the holder's pid and start time into it), and a second writer
is refused with one line naming the holder. The kernel releases a ``flock`` when its
process dies, so a lock left by a killed writer is simply taken over.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

__all__ = [
    "RunError",
    "RunStore",
    "catalogue",
    "cohort_folder",
    "environment",
    "fingerprint",
    "first_difference",
    "list_runs",
    "processor_kind",
    "processor_maker",
    "query",
    "write_atomic",
]

STATUS = "run.json"
CONFIG = "config.yaml"
LOCK = "lock.json"
PART = re.compile(r"part-(\d{6})\.parquet")
HALF_PART = re.compile(r"\.part-\d{6}\.tmp")


class RunError(ValueError):
    """A run directory that cannot be used as asked; one line naming it."""


def fingerprint(config: dict[str, Any]) -> str:
    """The SHA-256 of a resolved configuration (its JSON): equal for equal
    configurations whatever the YAML's comments or layout. Key order counts: the order
    of a mapping such as a stage's ``scenarios`` changes the draws."""
    return hashlib.sha256(_json(config).encode()).hexdigest()


def environment() -> dict[str, Any]:
    """What a run runs with, for ``run.json``: the package's version, the code's commit
    (``git rev-parse HEAD`` of the source tree, with whether it had uncommitted changes;
    ``None`` where the code is not a git checkout), the versions of Python and of the
    libraries whose numbers a lifetime depends on, the platform and the thread counts of
    torch and numba."""
    import importlib.metadata as md
    import platform

    import numba
    import torch

    from infancy import __version__

    versions = {}
    for name in ("numpy", "torch", "numba", "pandas", "pyarrow"):
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = None
    commit, dirty = _commit(Path(__file__).resolve().parents[1])
    return {
        "infancy": __version__,
        "commit": commit,
        "commit_dirty": dirty,
        "python": platform.python_version(),
        **versions,
        "platform": platform.platform(),
        "machine": platform.machine(),
        # The processor and the kernels the libraries pick for it: float results (and so
        # the course of a lifetime) can differ between instruction sets and BLAS cores.
        "cpu": _cpu_model(),
        "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "numba_cpu": _numba_cpu(),
        "blas_env": {k: os.environ[k] for k in BLAS_ENV if k in os.environ},
        "torch_threads": torch.get_num_threads(),
        "numba_threads": numba.get_num_threads(),
    }


BLAS_ENV = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_NUM_THREADS",
    "MKL_CBWR",
    "OMP_NUM_THREADS",
    "NUMBA_NUM_THREADS",
    "NUMBA_CPU_NAME",
)


def _cpu_model() -> str | None:
    """The processor's model name (Linux), or ``None``."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def processor_maker(model: str | None = None) -> str:
    """``Intel`` or ``AMD`` from a processor's model name (this machine's by default),
    else the name itself: float results differ between the two makers' processors
    (torch's BLAS takes other code paths), so pinned numbers are pinned per maker."""
    model = _cpu_model() if model is None else model
    return next((m for m in ("Intel", "AMD") if m in (model or "")), model or "unknown")


def processor_kind(model: str | None = None, capability: str | None = None) -> str:
    """The processor maker and torch's CPU capability (``AMD AVX512``): pinned float
    results hold only where both are the same. The same maker's processors with and
    without AVX-512 give other numbers (torch's kernels and BLAS take other code paths:
    measured 2026-12-04 on two AMD EPYC machines, the same code and library versions).
    ``model`` and ``capability`` default to this machine's (a run's ``run.json`` records
    both as ``cpu`` and ``torch_cpu_capability``)."""
    import torch

    if capability is None:
        capability = torch.backends.cpu.get_cpu_capability()
    return f"{processor_maker(model)} {capability}"


def _numba_cpu() -> str | None:
    """The CPU name numba compiles its kernels for, or ``None``."""
    try:
        import llvmlite.binding as llvm

        return str(llvm.get_host_cpu_name())
    except Exception:  # a missing name is recorded as unknown
        return None


def _commit(source: Path) -> tuple[str | None, bool | None]:
    """The commit of the git checkout at ``source`` and whether its tracked files
    changed since (``None, None`` where it is not one or git is missing)."""
    import subprocess

    if not (source / ".git").exists():
        return None, None
    try:
        head = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if head.returncode != 0:
            return None, None
        changes = subprocess.run(
            ["git", "-C", str(source), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None, None
    dirty = bool(changes.stdout.strip()) if changes.returncode == 0 else None
    return head.stdout.strip() or None, dirty


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` whole or not at all: ``write`` fills a temporary file beside it
    (``.NAME.tmp``), which then replaces it, so that a stop mid-write never leaves a
    truncated file under the real name."""
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def _write_atomic(path: Path, data: bytes) -> None:
    write_atomic(path, lambda p: p.write_bytes(data))


class RunStore:
    """One run directory (see the module docstring). Use :meth:`create` or
    :meth:`open`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock_fd: int | None = None

    def __del__(self) -> None:
        self.unlock()

    # ------------------------------------------------------------------ life cycle
    @classmethod
    def create(cls, path: str | Path, config: dict[str, Any], info: dict[str, Any]) -> RunStore:
        """Make the directory (refused if it exists; missing parents are made) and
        write the config and status; the store holds the writer lock.

        Raises
        ------
        RunError
            One line: the directory exists, a parent is a file, or the directory
            cannot be made or written (nothing is left behind then).
        """
        p = Path(path)
        if p.exists() or p.is_symlink():
            raise RunError(f"{p}: exists; a run directory is never overwritten (pick a new --out)")
        above = next(a for a in p.parents if a.exists() or a == a.parent)
        if above.exists() and not above.is_dir():
            raise RunError(f"{above}: a file, not a folder; cannot make {p} in it")
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.mkdir()
        except FileExistsError:
            raise RunError(f"{p}: exists; a run directory is never overwritten") from None
        except OSError as exc:
            raise RunError(f"{p}: cannot make the run directory ({exc.strerror})") from None
        store = cls(p)
        try:
            store.lock()  # before the directory looks like a run that could be resumed
            _write_atomic(p / CONFIG, yaml.safe_dump(config, sort_keys=False).encode())
            store.write_status(
                {
                    "status": "running",
                    "created": time.time(),
                    **info,
                    "config_sha256": fingerprint(config),
                }
            )
        except OSError as exc:
            store.unlock()
            shutil.rmtree(p, ignore_errors=True)  # made here a moment ago: only our files
            raise RunError(f"{p}: cannot write the run directory ({exc.strerror})") from None
        except BaseException:
            store.unlock()
            shutil.rmtree(p, ignore_errors=True)
            raise
        return store

    @classmethod
    def open(cls, path: str | Path) -> RunStore:
        """An existing run directory (for resuming or reading)."""
        p = Path(path)
        if not (p / STATUS).is_file() or not (p / CONFIG).is_file():
            raise RunError(f"{p}: not a run directory (expected {STATUS} and {CONFIG})")
        return cls(p)

    # ------------------------------------------------------------------ the writer
    @property
    def locked(self) -> bool:
        """Whether this store holds the run's writer lock."""
        return self._lock_fd is not None

    def lock(self) -> None:
        """Take the run's writer lock (nothing if this store holds it already).

        Raises
        ------
        RunError
            Another writer holds it: one line with its pid and start time.
        """
        if self._lock_fd is None:
            self._lock_fd = take_lock(self.path, "a run")

    def unlock(self) -> None:
        """Let the writer lock go (the file stays: removing it would race the next
        writer)."""
        fd, self._lock_fd = getattr(self, "_lock_fd", None), None
        if fd is not None:
            os.close(fd)  # closing the only descriptor releases the flock

    def config(self) -> dict[str, Any]:
        """The resolved configuration the run was started with (``config.yaml``)."""
        from infancy.configfiles import read_yaml

        path = self.path / CONFIG
        data = read_yaml(path, str(path), RunError)
        if not isinstance(data, dict):
            raise RunError(f"{path}: expected a mapping at the top level")
        return data

    def check_config(
        self,
        config: dict[str, Any],
        *,
        upgrade: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        refused: str = "resume refused",
    ) -> None:
        """Refuse to go on under ``config`` when it is not the configuration the run
        was started with (the newest checkpoint's ``config.json``, else the fingerprint
        in ``run.json``).

        ``upgrade(then)`` is a configuration the run started with as this code
        resolves it: a field added to the code since, absent from ``then``, gets its
        default. The project keeps a new field's default to the behaviour before it
        (``habit_scale`` 1 is the pull whole), so a run started before a field existed
        resumes. A value that differs from the run's is still refused, a new field's
        included when it is not at its default. Without ``upgrade`` the configurations
        must be equal as written.

        Raises
        ------
        RunError
            One line naming the first key that differs, with both values, ending in
            ``refused``.
        """
        mine = json.loads(json.dumps(config))

        def now(then: dict[str, Any]) -> dict[str, Any]:
            return then if upgrade is None else json.loads(json.dumps(upgrade(then)))

        source = str(self.path / CONFIG)
        for folder, _ in self.checkpoints():
            try:
                then = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            then = now(then)
            if fingerprint(then) != fingerprint(mine):
                key, old, new = first_difference(then, mine)
                raise RunError(
                    f"{source}: {key} changed since the run started ({old} -> {new}); {refused}"
                )
            return
        then_sha = self.status().get("config_sha256")
        if then_sha is None or then_sha == fingerprint(mine):
            return
        if upgrade is not None:
            # Before the first checkpoint only config.yaml says what the run started
            # with: unedited (its fingerprint is run.json's) and resolved by this code.
            try:
                written = self.config()
            except RunError:
                written = None
            if (
                written is not None
                and fingerprint(written) == then_sha
                and fingerprint(now(written)) == fingerprint(mine)
            ):
                return
        raise RunError(
            f"{source}: changed since the run started (fingerprint {then_sha[:12]} -> "
            f"{fingerprint(mine)[:12]}); {refused}"
        )

    def status(self) -> dict[str, Any]:
        """The run's ``run.json``.

        Raises
        ------
        RunError
            One line: it cannot be read, is not JSON, or is not a mapping.
        """
        try:
            status = json.loads((self.path / STATUS).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise RunError(f"{self.path / STATUS}: unreadable ({exc})") from None
        if not isinstance(status, dict):
            raise RunError(f"{self.path / STATUS}: expected a mapping at the top level")
        return status

    def write_status(self, status: dict[str, Any]) -> None:
        _write_atomic(self.path / STATUS, json.dumps(status, indent=1).encode())

    def update_status(self, **changes: Any) -> None:
        self.write_status({**self.status(), **changes})

    # ------------------------------------------------------------------ tables
    def write_parts(self, tables: dict[str, pd.DataFrame], seq: int) -> None:
        """Write the tables produced since the last checkpoint as part ``seq``."""
        for name, df in tables.items():
            folder = self.path / "parts" / name
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"part-{seq:06d}.parquet"
            tmp = folder / f".part-{seq:06d}.tmp"
            df.to_parquet(tmp, index=False)
            os.replace(tmp, target)

    def _parts(self, name: str) -> list[Path]:
        return _part_files(self.path / "parts" / name)

    def _joined(self, name: str) -> pd.DataFrame | None:
        parts = self._parts(name)
        if not parts:
            return None
        return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)

    def table(self, name: str) -> pd.DataFrame:
        """A table: the finished file, or the parts written so far."""
        done = self.path / f"{name}.parquet"
        if done.exists():
            return pd.read_parquet(done)
        df = self._joined(name)
        if df is None:
            raise RunError(f"{self.path}: no table {name!r}")
        return df

    def check_parts(self) -> None:
        """Refuse a file in ``parts/`` that the run did not write (it would be deleted
        or joined into a table).

        Raises
        ------
        RunError
            One line naming the first such file.
        """
        folder = self.path / "parts"
        for item in sorted(folder.glob("*")):
            inside = sorted(item.iterdir()) if item.is_dir() else [item]
            for part in inside:
                if not part.is_file() or not (
                    PART.fullmatch(part.name) or HALF_PART.fullmatch(part.name)
                ):
                    raise RunError(
                        f"{part}: not a part this run wrote; move it out of {folder} and "
                        "resume again"
                    )

    def drop_parts_after(self, seq: int) -> None:
        """Forget parts newer than ``seq`` (written after the last checkpoint) and
        half-written ones; a file the run did not write is refused
        (:meth:`check_parts`)."""
        self.check_parts()
        for part in (self.path / "parts").glob("*/*"):
            match = PART.fullmatch(part.name)
            if match is None or int(match.group(1)) > seq:  # else a write a kill cut short
                part.unlink()

    def finish(self, tables: tuple[str, ...]) -> None:
        """Join each table's parts into ``<table>.parquet`` and mark the run finished.

        Every part of every table is read before any final file is written, so a part
        that does not read (truncated, garbled) stops the join with one line naming it
        and leaves the run as it was: parts in place, no table replaced, resumable."""
        joined: dict[str, pd.DataFrame] = {}
        for name in tables:
            try:
                df = self._joined(name)
            except (OSError, ValueError) as exc:  # pyarrow's errors are ValueErrors
                raise RunError(
                    f"{self.path}: a part of the {name} table does not read "
                    f"({str(exc).splitlines()[0]}); nothing was replaced"
                ) from None
            if df is not None:
                joined[name] = df
        for name, df in joined.items():
            tmp = self.path / f".{name}.parquet.tmp"
            df.to_parquet(tmp, index=False)
            os.replace(tmp, self.path / f"{name}.parquet")
        self.update_status(status="finished", finished=time.time())
        shutil.rmtree(self.path / "parts", ignore_errors=True)

    # ------------------------------------------------------------------ checkpoints
    def save_checkpoint(
        self,
        seq: int,
        write: Any,
        meta: dict[str, Any],
        *,
        config: dict[str, Any] | None = None,
    ) -> Path:
        """A complete checkpoint ``seq``: ``write(folder)`` fills a temporary folder,
        to which ``meta.json`` (``meta`` with ``seq`` and the config's fingerprint) and
        ``config.json`` (``config``, the configuration the writer lives under) are
        added; it is renamed and then named in ``latest.json``; older checkpoints but
        the previous one are removed."""
        root = self.path / "checkpoints"
        root.mkdir(exist_ok=True)
        tmp = root / f".tmp-{seq:06d}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            write(tmp)
            meta = {"seq": seq, **meta}
            if config is not None:
                (tmp / "config.json").write_text(json.dumps(config, indent=1))
                meta["config_sha256"] = fingerprint(config)
            (tmp / "meta.json").write_text(json.dumps(meta, indent=1))
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)  # half a checkpoint: give the space back
            raise
        final = root / f"ckpt-{seq:06d}"
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        _write_atomic(root / "latest.json", json.dumps(meta, indent=1).encode())
        for old in sorted(root.glob("ckpt-*"))[:-2]:
            shutil.rmtree(old, ignore_errors=True)
        return final

    def checkpoints(self) -> list[tuple[Path, dict[str, Any]]]:
        """The checkpoints to resume from, best first, each with its meta: the one
        ``latest.json`` names, then the others, newest first (for when the first does
        not read completely). Half-written checkpoints are removed."""
        root = self.path / "checkpoints"
        for tmp in root.glob(".tmp-*"):
            shutil.rmtree(tmp, ignore_errors=True)
        found = {}
        for folder in root.glob("ckpt-*"):
            if folder.is_dir() and re.fullmatch(r"ckpt-\d{6}", folder.name):
                seq = int(folder.name[5:])
                found[seq] = (folder, _read_meta(folder / "meta.json", seq))
        order = sorted(found, reverse=True)
        latest = _read_meta(root / "latest.json", None)
        if latest.get("seq") in found:
            seq = latest["seq"]
            order.remove(seq)
            order.insert(0, seq)
            found[seq] = (found[seq][0], {**found[seq][1], **latest})
        return [found[seq] for seq in order]

    def latest_checkpoint(self) -> tuple[Path, dict[str, Any]] | None:
        """The last complete checkpoint and its meta, or ``None`` before the first
        (the first of :meth:`checkpoints`)."""
        found = self.checkpoints()
        return found[0] if found else None


def cohort_folder(path: str | Path) -> Path:
    """The cohort folder that ``path`` names: ``path`` itself when it holds a saved
    cohort (``infant.json``), else the ``cohort`` folder of the last complete checkpoint
    of the run at ``path``.

    Parameters
    ----------
    path
        A run folder, or a cohort folder (``checkpoints/ckpt-NNNNNN/cohort`` or one
        :func:`infancy.infants.checkpoint.save` wrote).

    Returns
    -------
    Path
        A folder :func:`infancy.infants.checkpoint.load` reads.

    Raises
    ------
    RunError
        ``path`` is neither, or the run has no complete checkpoint yet (one line).
    """
    path = Path(path)
    if (path / "infant.json").is_file():
        return path
    found = RunStore.open(path).latest_checkpoint()
    if found is None:
        raise RunError(f"{path} has no checkpoint yet (nothing under checkpoints/)")
    return found[0] / "cohort"


def _read_meta(path: Path, seq: int | None) -> dict[str, Any]:
    """A checkpoint's meta (``{"seq": seq}`` when its file is missing or garbled)."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = None
    if not isinstance(meta, dict) or not isinstance(meta.get("seq", seq), int):
        meta = {}
    return {**meta, "seq": seq} if seq is not None else meta


def _part_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("part-*") if PART.fullmatch(p.name))


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def first_difference(old: Any, new: Any, key: str = "") -> tuple[str, str, str]:
    """The first key (dotted) at which two JSON values differ (in value or in the
    order of a mapping's keys), with both values shortened for a one-line message.

    Returns
    -------
    tuple of str
        ``(key, old, new)``; ``"absent"`` for a key one side lacks.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        for k in [*old, *(k for k in new if k not in old)]:
            sub = f"{key}.{k}" if key else str(k)
            if k not in new:
                return sub, _short(old[k]), "absent"
            if k not in old:
                return sub, "absent", _short(new[k])
            if _json(old[k]) != _json(new[k]):
                return first_difference(old[k], new[k], sub)
        if list(old) != list(new):
            return key or "config", f"order {_short(list(old))}", _short(list(new))
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if _json(a) != _json(b):
                return first_difference(a, b, f"{key}.{i}" if key else str(i))
    return key or "config", _short(old), _short(new)


def _holder(fd: int) -> str:
    """Who holds a lock, from the JSON its holder wrote into the lock file."""
    try:
        info = json.loads(os.pread(fd, 4096, 0))
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return "it has not said who it is yet"
    host = info.get("host")
    where = f" on {host}" if host and host != socket.gethostname() else ""
    return f"pid {info['pid']}{where}, started {since}"


def take_lock(folder: Path, what: str = "a run") -> int:
    """Take the writer lock of ``folder`` (``lock.json``, ``fcntl.flock``) and write who
    holds it; returns the open file descriptor (closing it lets the lock go).

    Raises
    ------
    RunError
        Another writer holds it: one line with its pid and start time.
    """
    import fcntl

    path = Path(folder) / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise RunError(f"{path}: cannot open the lock ({exc.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = _holder(fd)
        os.close(fd)
        raise RunError(
            f"{folder}: in use by another writer ({holder}); {what} has one writer at a time"
        ) from None
    me = {
        "pid": os.getpid(),
        "started": time.time(),
        "host": socket.gethostname(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv else "",
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(me, indent=1).encode(), 0)
    return fd


def list_runs(root: str | Path) -> pd.DataFrame:
    """One row per run directory under ``root``: ``run, path, status, n, seed,
    curriculum, age_months, end_months, created`` (newest first)."""
    rows = []
    for status_file in sorted(Path(root).glob(f"*/{STATUS}")):
        p = status_file.parent
        try:
            st = json.loads(status_file.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        rows.append(
            {
                "run": p.name,
                "path": str(p),
                "status": st.get("status"),
                "n": st.get("n"),
                "seed": st.get("seed"),
                "curriculum": st.get("curriculum"),
                "age_months": st.get("age_months", 0.0),
                "end_months": st.get("end_months"),
                "created": pd.to_datetime(st.get("created"), unit="s"),
            }
        )
    cols = ["run", "path", "status", "n", "seed", "curriculum", "age_months", "end_months"]
    df = pd.DataFrame(rows, columns=[*cols, "created"])
    return df.sort_values("created", ascending=False, ignore_index=True)


def catalogue(root: str | Path):
    """A DuckDB connection (in memory) with a view ``runs`` (:func:`list_runs`) and one
    view per table found in the runs under ``root`` (finished files and the parts of
    runs under way), each with a ``run`` column; and the experiments under ``root``
    (``experiments``, ``experiment_measures``, ``experiment_summary``). Views are built
    from the files at the time of the call, so the catalogue is never stale and needs no
    locking.

    The connection reads those files and no others: external access is switched off
    (no other file, no ``ATTACH``, ``INSTALL`` or ``LOAD``) and the configuration is
    locked. A ``COPY`` could still overwrite one of the run files it reads, so run
    queries through :func:`query`, which takes ``SELECT`` statements only."""
    import duckdb

    con = duckdb.connect()
    runs = list_runs(root)
    con.register("_runs", runs)
    con.execute("CREATE VIEW runs AS SELECT * FROM _runs")
    names: set[str] = set()
    for path in runs["path"]:
        names |= {f.stem for f in Path(path).glob("*.parquet")}
        names |= {d.name for d in Path(path).glob("parts/*") if d.is_dir()}
    readable: list[str] = []
    for name in sorted(names - {"runs"}):
        files = []
        for run, path in zip(runs["run"], runs["path"], strict=True):
            done = Path(path) / f"{name}.parquet"
            parts = [done] if done.exists() else _part_files(Path(path) / "parts" / name)
            files += [(str(f), run) for f in parts]
        if not files:
            continue
        index = pd.DataFrame(files, columns=["filename", "run"])
        con.register(f"_files_{name}", index)
        listing = ", ".join(_sql_text(f) for f, _ in files)
        readable += [f for f, _ in files]
        con.execute(
            f"CREATE VIEW {name} AS SELECT f.run, t.* EXCLUDE (filename) "
            f"FROM read_parquet([{listing}], filename=true, union_by_name=true) t "
            f"JOIN _files_{name} f ON t.filename = f.filename"
        )
    readable += _experiment_views(con, root)
    con.execute(f"SET allowed_paths = [{', '.join(_sql_text(f) for f in readable)}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def list_experiments(root: str | Path) -> pd.DataFrame:
    """One row per experiment directory under ``root`` (``experiment.json``):
    ``experiment, path, name, status, question, lifetimes, done, failed, created``."""
    rows = []
    for status_file in sorted(Path(root).glob("*/experiment.json")):
        try:
            st = json.loads(status_file.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        rows.append(
            {
                "experiment": status_file.parent.name,
                "path": str(status_file.parent),
                "name": st.get("name"),
                "status": st.get("status"),
                "question": st.get("question"),
                "lifetimes": st.get("lifetimes"),
                "done": st.get("done"),
                "failed": st.get("failed", 0),
                "created": pd.to_datetime(st.get("created"), unit="s"),
            }
        )
    cols = ["experiment", "path", "name", "status", "question", "lifetimes", "done", "failed"]
    return pd.DataFrame(rows, columns=[*cols, "created"])


def _experiment_views(con, root: str | Path) -> list[str]:
    """Views ``experiments`` (:func:`list_experiments`), ``experiment_measures`` and
    ``experiment_summary`` (finished experiments' tables, with an ``experiment``
    column); returns the files they read."""
    found = list_experiments(root)
    con.register("_experiments", found)
    con.execute("CREATE VIEW experiments AS SELECT * FROM _experiments")
    readable: list[str] = []
    for table, view in (("measures", "experiment_measures"), ("summary", "experiment_summary")):
        files = [
            (str(Path(p) / f"{table}.parquet"), e)
            for e, p in zip(found["experiment"], found["path"], strict=True)
            if (Path(p) / f"{table}.parquet").exists()
        ]
        if not files:
            continue
        con.register(f"_files_{view}", pd.DataFrame(files, columns=["filename", "experiment"]))
        listing = ", ".join(_sql_text(f) for f, _ in files)
        con.execute(
            f"CREATE VIEW {view} AS SELECT f.experiment, t.* EXCLUDE (filename) "
            f"FROM read_parquet([{listing}], filename=true, union_by_name=true) t "
            f"JOIN _files_{view} f ON t.filename = f.filename"
        )
        readable += [f for f, _ in files]
    return readable


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def query(root: str | Path, sql: str) -> pd.DataFrame:
    """The result of ``SELECT`` statements ``sql`` over the :func:`catalogue` of
    ``root`` (the last statement's, when there are several).

    Raises
    ------
    RunError
        One line starting ``sql:``: no statement, a statement other than ``SELECT``
        (``COPY``, ``ATTACH``, ``CREATE``, ``SET``, ``PRAGMA``, ``EXPLAIN`` ...: the
        catalogue is read-only), or DuckDB's own first line.
    """
    import duckdb

    con = catalogue(root)
    try:
        statements = con.extract_statements(sql)
        if not statements:
            raise RunError("sql: no statement given; expected a SELECT")
        for st in statements:
            if st.type != duckdb.StatementType.SELECT:
                kind = st.type.name.replace("_STATEMENT", "")
                raise RunError(f"sql: {kind} refused; the catalogue is read-only (SELECT only)")
        return con.execute(sql).df()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()
        raise RunError(f"sql: {first[0] if first else type(exc).__name__}") from None
    finally:
        con.close()
