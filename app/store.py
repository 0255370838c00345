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
    checkpoints/ckpt-NNNNNN/            the last two checkpoints (safetensors + JSON)
    checkpoints/latest.json             which checkpoint is the last complete one

Writes are atomic (a temporary name, then a rename), and a checkpoint names how many
parts it covers, so a run killed at any moment resumes from its last checkpoint with
nothing lost and nothing counted twice: parts written after that checkpoint are
dropped and lived again. An existing directory is never overwritten.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

__all__ = ["RunError", "RunStore", "catalogue", "list_runs", "query"]

STATUS = "run.json"
CONFIG = "config.yaml"


class RunError(ValueError):
    """A run directory that cannot be used as asked; one line naming it."""


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class RunStore:
    """One run directory (see the module docstring). Use :meth:`create` or
    :meth:`open`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    # ------------------------------------------------------------------ life cycle
    @classmethod
    def create(cls, path: str | Path, config: dict[str, Any], info: dict[str, Any]) -> RunStore:
        """Make the directory (refused if it exists) and write the config and status."""
        p = Path(path)
        if p.exists():
            raise RunError(f"{p}: exists; a run directory is never overwritten (pick a new --out)")
        p.parent.mkdir(parents=True, exist_ok=True)
        try:
            p.mkdir()
        except FileExistsError:
            raise RunError(f"{p}: exists; a run directory is never overwritten") from None
        store = cls(p)
        _write_atomic(p / CONFIG, yaml.safe_dump(config, sort_keys=False).encode())
        store.write_status({"status": "running", "created": time.time(), **info})
        return store

    @classmethod
    def open(cls, path: str | Path) -> RunStore:
        """An existing run directory (for resuming or reading)."""
        p = Path(path)
        if not (p / STATUS).is_file() or not (p / CONFIG).is_file():
            raise RunError(f"{p}: not a run directory (expected {STATUS} and {CONFIG})")
        return cls(p)

    def config(self) -> dict[str, Any]:
        """The resolved configuration the run was started with."""
        return yaml.safe_load((self.path / CONFIG).read_text())

    def status(self) -> dict[str, Any]:
        try:
            return json.loads((self.path / STATUS).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise RunError(f"{self.path / STATUS}: unreadable ({exc})") from None

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
        return sorted((self.path / "parts" / name).glob("part-*.parquet"))

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

    def drop_parts_after(self, seq: int) -> None:
        """Forget parts newer than ``seq`` (written after the last checkpoint)."""
        for part in (self.path / "parts").glob("*/*"):
            # part-NNNNNN.parquet; a dot file is a write that a kill cut short.
            if part.name.startswith(".") or int(part.name[5:11]) > seq:
                part.unlink()

    def finish(self, tables: tuple[str, ...]) -> None:
        """Join each table's parts into ``<table>.parquet`` and mark the run finished."""
        for name in tables:
            df = self._joined(name)
            if df is None:
                continue
            tmp = self.path / f".{name}.parquet.tmp"
            df.to_parquet(tmp, index=False)
            os.replace(tmp, self.path / f"{name}.parquet")
        self.update_status(status="finished", finished=time.time())
        shutil.rmtree(self.path / "parts", ignore_errors=True)

    # ------------------------------------------------------------------ checkpoints
    def save_checkpoint(self, seq: int, write: Any, meta: dict[str, Any]) -> Path:
        """A complete checkpoint ``seq``: ``write(folder)`` fills a temporary folder,
        which is renamed and then named in ``latest.json`` with ``meta``; older
        checkpoints but the previous one are removed."""
        root = self.path / "checkpoints"
        root.mkdir(exist_ok=True)
        tmp = root / f".tmp-{seq:06d}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        write(tmp)
        final = root / f"ckpt-{seq:06d}"
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        _write_atomic(root / "latest.json", json.dumps({"seq": seq, **meta}, indent=1).encode())
        for old in sorted(root.glob("ckpt-*"))[:-2]:
            shutil.rmtree(old, ignore_errors=True)
        return final

    def latest_checkpoint(self) -> tuple[Path, dict[str, Any]] | None:
        """The last complete checkpoint and its meta, or ``None`` before the first."""
        root = self.path / "checkpoints"
        for tmp in root.glob(".tmp-*"):
            shutil.rmtree(tmp, ignore_errors=True)
        latest = root / "latest.json"
        if not latest.exists():
            return None
        meta = json.loads(latest.read_text())
        return root / f"ckpt-{meta['seq']:06d}", meta


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
    runs under way), each with a ``run`` column. Views are built from the files at the
    time of the call, so the catalogue is never stale and needs no locking.

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
            parts = [done] if done.exists() else sorted(Path(path).glob(f"parts/{name}/part-*"))
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
    con.execute(f"SET allowed_paths = [{', '.join(_sql_text(f) for f in readable)}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


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
