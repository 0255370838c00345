"""`infancy runs sql` is read-only: it reads the runs' tables and nothing else, and
writes nothing anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from infancy.store import RunError, catalogue, query


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def runs(tmp_path) -> Path:
    """A runs root with one finished run (one table) and one under way (parts)."""
    root = tmp_path / "runs"
    for name, status in [("done", "finished"), ("going", "running")]:
        run = root / name
        run.mkdir(parents=True)
        (run / "run.json").write_text(json.dumps({"status": status, "created": 1.0, "n": 2}))
        (run / "config.yaml").write_text("n: 2\n")
    probes = pd.DataFrame({"infant": [0, 1], "probe": ["reaching"] * 2, "passed": [True, False]})
    probes.to_parquet(root / "done" / "probes.parquet")
    (root / "going" / "parts" / "probes").mkdir(parents=True)
    probes.to_parquet(root / "going" / "parts" / "probes" / "part-000000.parquet")
    (tmp_path / "secret.csv").write_text("a,b\n1,2\n")
    return root


def _sql(root: Path, sql: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "infancy.cli", "runs", "--root", str(root), "sql", sql, "--csv"]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=root.parent)


def test_a_select_reads_every_run(runs):
    got = _sql(runs, "SELECT run, count(*) AS n FROM probes GROUP BY run ORDER BY run")
    assert got.returncode == 0, got.stderr
    assert got.stdout.split() == ["run,n", "done,2", "going,2"]
    df = query(runs, "SELECT status FROM runs ORDER BY status")
    assert list(df["status"]) == ["finished", "running"]


@pytest.mark.parametrize(
    "sql, message",
    [
        ("COPY (SELECT * FROM probes LIMIT 1) TO '{run}/probes.parquet' (FORMAT parquet)", "COPY"),
        (
            "COPY (SELECT 1 AS x) TO '{run}/probes.parquet' (FORMAT parquet, USE_TMP_FILE false)",
            "COPY",
        ),
        ("SELECT 1; COPY (SELECT 1) TO '{tmp}/out.csv'", "COPY"),
        ("EXPLAIN ANALYZE COPY (SELECT 1) TO '{run}/probes.parquet' (FORMAT parquet)", "EXPLAIN"),
        ("ATTACH '{tmp}/new.db' AS x", "ATTACH"),
        ("EXPORT DATABASE '{tmp}/exported'", "EXPORT"),
        ("INSTALL httpfs", "refused"),
        ("LOAD httpfs", "refused"),
        ("SET enable_external_access = true", "refused"),
        ("CREATE TABLE t AS SELECT 1", "CREATE"),
        ("PRAGMA show_tables", "PRAGMA"),
        ("SELECT * FROM read_csv('/etc/passwd')", "Permission Error"),
        ("SELECT * FROM read_csv('{tmp}/secret.csv')", "Permission Error"),
        ("SELECT * FROM '{tmp}/secret.csv'", "Permission Error"),
        ("SELECT * FROM read_text('/etc/passwd')", "Permission Error"),
        ("SELECT * FROM glob('/etc/*')", "Permission Error"),
        ("", "no statement"),
        ("  ;  ", "no statement"),
        ("SELEC 1", "Parser Error"),
    ],
)
def test_anything_but_reading_the_runs_is_one_line_exit_2_and_changes_nothing(runs, sql, message):
    tmp = runs.parent
    before = _snapshot(tmp)
    got = _sql(runs, sql.format(run=runs / "done", tmp=tmp))
    assert got.returncode == 2, got.stdout + got.stderr
    assert got.stdout == ""
    lines = got.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: sql:"), got.stderr
    assert message in lines[0]
    assert _snapshot(tmp) == before


def test_the_python_catalogue_is_locked_too(runs):
    con = catalogue(runs)
    assert con.execute("SELECT count(*) FROM probes").fetchone() == (4,)
    for sql in [
        "SELECT * FROM read_csv('/etc/passwd')",
        f"ATTACH '{runs.parent}/x.db'",
        "SET enable_external_access = true",
    ]:
        with pytest.raises(duckdb.Error, match=r"Permission|locked"):
            con.execute(sql)
    with pytest.raises(RunError, match="COPY refused"):
        query(runs, f"COPY (SELECT 1) TO '{runs}/done/probes.parquet'")
    assert not (runs.parent / "x.db").exists()
