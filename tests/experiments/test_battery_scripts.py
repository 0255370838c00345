"""The battery's scripts: the run summary on a tiny run, the validity table's arguments."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from infancy.curricula.probes import PROBES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "tiny"
    res = subprocess.run(
        [
            str(Path(sys.executable).parent / "infancy"),
            "run",
            "--preset",
            "tiny",
            "--n",
            "2",
            "--out",
            str(out),
            "--quiet",
            "--infant",
            "no-learning",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    return out


def test_battery_summary_of_an_untrained_run_shows_no_milestone(tiny_run, scripts):
    res = scripts.run("battery_summary.py", str(tiny_run))
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout.strip().splitlines()[-1])["tiny"]
    assert [r["probe"] for r in summary] == list(PROBES)
    assert all(r["stable_milestones"] == 0 and r["infants"] == 2 for r in summary)


def test_battery_summary_of_a_missing_run_is_one_line(tmp_path, scripts):
    res = scripts.run("battery_summary.py", str(tmp_path / "nope"))
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1 and "nope" in res.stderr


def test_validity_table_refuses_bad_sizes(scripts):
    res = scripts.run("validity_table.py", "--n", "0")
    assert res.returncode == 2 and "--n" in res.stderr
