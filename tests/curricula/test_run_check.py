"""`infancy run --check`: a stored run's first months lived again and compared."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from infancy.cli import app
from infancy.curricula.runner import check

runner = CliRunner()


@pytest.fixture(scope="module")
def run(finished_small):
    """A finished small run (read only: copy it before changing it)."""
    return finished_small[0].path


def _files(folder):
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_run_reproduces_and_is_left_alone(run):
    before = _files(run)
    result = runner.invoke(app, ["run", "--check", str(run), "--months", "2"])
    assert result.exit_code == 0, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"reproduces: the first 2.0 months of {run} match (")
    assert line.endswith(" rows in 3 tables)")
    assert _files(run) == before


def test_an_edited_score_does_not_reproduce(run, tmp_path):
    edited = tmp_path / "edited"
    shutil.copytree(run, edited)
    probes = pd.read_parquet(edited / "probes.parquet")
    probes.loc[1, "score"] += 0.125
    probes.to_parquet(edited / "probes.parquet", index=False)
    result = runner.invoke(app, ["run", "--check", str(edited), "--months", "2"])
    assert result.exit_code == 1, result.output
    first, versions = result.output.strip().splitlines()
    age = probes.loc[1, "age_months"]
    assert first.startswith(
        f"does not reproduce: probes differs first at age {age:.1f} months, column score (stored"
    )
    assert "version" in versions or "environment" in versions
    # a month in, before the first battery: the edited score is not among the rows
    assert check(edited, 1.0).reproduces


def test_a_run_from_before_a_field_is_checked_under_its_default(run, tmp_path, as_before_a_field):
    older = tmp_path / "older"
    shutil.copytree(run, older)
    as_before_a_field(older)
    assert check(older, 2.0).reproduces
    (older / "config.yaml").write_text(
        (older / "config.yaml").read_text().replace("seed: 0", "seed: 1", 1)
    )
    result = runner.invoke(app, ["run", "--check", str(older), "--months", "2"])
    assert result.exit_code == 2, result.output
    assert "changed since the run started" in result.output
    assert "cannot check it" in result.output


@pytest.mark.parametrize(
    ("args", "part"),
    [
        (["--check", "nowhere/run"], "nowhere/run: no such run directory"),
        (["--check", "."], "not a run directory"),
        (["--check", "x", "--n", "3"], "--check: takes no --n"),
        (["--check", "x", "--months", "0"], "--months: expected a number of months > 0"),
        (["--months", "2"], "--months: only with --check"),
    ],
)
def test_bad_input_is_one_line(args, part):
    result = runner.invoke(app, ["run", *args])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and part in lines[0], result.output
