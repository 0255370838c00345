"""`infancy run` and `infancy runs` as a user types them, and what bad input gets."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from infancy.cli import app

runner = CliRunner()


def test_run_then_list_and_query(tmp_path, small):
    config = tmp_path / "run.yaml"
    config.write_text(yaml.safe_dump(small))
    runs = tmp_path / "runs"
    result = runner.invoke(app, ["run", "--config", str(config), "--runs-dir", str(runs)])
    assert result.exit_code == 0, result.output
    assert "run directory:" in result.output and "milestones" in result.output
    assert "word_comprehension" in result.output and "cohort median" in result.output
    (run,) = runs.iterdir()
    assert run.name.startswith("tiny-s0-")
    listed = runner.invoke(app, ["runs", "--root", str(runs)])
    assert listed.exit_code == 0 and "finished" in listed.output
    query = "SELECT count(DISTINCT infant) AS infants FROM probes"
    got = runner.invoke(app, ["runs", "--root", str(runs), "sql", query, "--csv"])
    assert got.exit_code == 0 and got.output.split() == ["infants", "2"]
    bad = runner.invoke(app, ["runs", "--root", str(runs), "sql", "SELECT nope FROM probes"])
    assert bad.exit_code == 2 and "sql:" in bad.output


def _stages(**change):
    """The default stages with one field of the first stage changed."""
    from infancy.curricula import load_curriculum

    stages = [s.model_dump() for s in load_curriculum().stages]
    stages[0].update(change)
    return stages


BAD_CONFIGS = [
    ({"cohort": 8}, "cohort: unknown key"),
    ({"n": "eight"}, "n: Input should be a valid integer"),
    ({"n": 0}, "n: Input should be greater than or equal to 1"),
    ({"seed": -1}, "seed: Input should be greater than or equal to 0"),
    ({"checkpoint_every_months": 0}, "checkpoint_every_months"),
    ({"curriculum": "tiny"}, "curriculum: Input should be a valid dictionary"),
    ({"curriculum": {"preset": "huge"}}, "unknown overlay 'huge'"),
    ({"curriculum": {"file": "nursery"}}, "unknown preset 'nursery'"),
    ({"curriculum": {"clock": {"steps_per_mnth": 5}}}, "clock.steps_per_mnth: unknown key"),
    ({"curriculum": {"clock": {"steps_per_month": "many"}}}, "clock.steps_per_month"),
    ({"curriculum": {"clock": {"end_months": -3}}}, "clock.end_months"),
    ({"curriculum": {"clock": {"start_months": 30.0}}}, "must be after start_months"),
    ({"curriculum": {"stages": _stages(to_months=-1)}}, "stages.0.to_months"),
    ({"curriculum": {"stages": _stages(to_months=3)}}, "must be contiguous"),
    ({"curriculum": {"stages": _stages(scenarios={"nursery-v0": 1})}}, "unknown world"),
    ({"curriculum": {"stages": _stages(scenarios={"playroom-v0": -1})}}, "must be positive"),
    ({"curriculum": {"stages": _stages(abilities="runner")}}, "stages.0.abilities"),
    ({"curriculum": {"stages": _stages(caregiver={"hugs": 1})}}, "unknown caregiver habit"),
    ({"curriculum": {"stages": _stages(mastery="juggling")}}, "unknown probe 'juggling'"),
    ({"curriculum": {"transition": {"mode": "whim"}}}, "transition.mode"),
    ({"curriculum": {"probes": {"every_months": 0}}}, "probes.every_months"),
    ({"curriculum": {"probes": {"names": ["juggling"]}}}, "unknown probe 'juggling'"),
    (
        {"curriculum": {"transition": {"mode": "mastery"}, "probes": {"names": ["reaching"]}}},
        "'locomotion' is not in probes.names",
    ),
    ({"infant": {"chunk": "big"}}, "infant: chunk: Input should be a valid integer"),
    ({"infant": {"a": {"name": "transformer"}}}, "unknown implementation 'transformer'"),
    ({"infant": {"m": {"name": "oracle"}}}, "m.name: unknown implementation 'oracle'"),
    ({"infant": {"b": {"lr": -1}}}, "b.lr"),
    ({"infant": {"memoir": {}}}, "memoir: unknown key"),
]


@pytest.mark.parametrize("config, message", BAD_CONFIGS)
def test_a_bad_run_config_is_one_line_exit_2_and_no_run_directory(tmp_path, config, message):
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump(config))
    runs = tmp_path / "runs"
    result = runner.invoke(app, ["run", "--config", str(path), "--runs-dir", str(runs)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "run.yaml" in result.output
    assert result.output.startswith("error:") and len(result.output.strip().splitlines()) == 1
    assert not runs.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--config", "{tmp}/missing.yaml"], "--config: no such file"),
        (["--config", "{tmp}/bad.yaml"], "not valid YAML at line"),
        (["--config", "{tmp}/list.yaml"], "expected a mapping"),
        (["--preset", "huge"], "unknown overlay 'huge'"),
        (["--n", "0"], "n: Input should be greater than or equal to 1"),
        (["--resume", "{tmp}"], "not a run directory"),
        (["--resume", "{tmp}", "--n", "3"], "--resume: takes no --n"),
        (["--infant", "adult"], "--infant: unknown infant preset 'adult'; known: default"),
        (
            ["--preset", "tiny", "--infant", "adult"],
            "error: --infant: unknown infant preset 'adult'",
        ),
        (["--resume", "{tmp}", "--infant", "default"], "--resume: takes no --infant"),
    ],
)
def test_bad_arguments(tmp_path, args, message):
    (tmp_path / "bad.yaml").write_text("n: [1, 2\n")
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n")
    runs = tmp_path / "runs"
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(app, ["run", *args, "--runs-dir", str(runs)])
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert not runs.exists()


def test_out_that_exists_is_refused_and_untouched(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = runner.invoke(app, ["run", "--preset", "tiny", "--out", str(out)])
    assert result.exit_code == 2 and "never overwritten" in result.output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "keep me"
