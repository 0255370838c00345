"""Runs from the run store as one tidy table."""

from __future__ import annotations

import pytest

from infancy.analysis import load_run, load_runs
from infancy.curricula.runner import execute, plan, start
from infancy.store import RunError

SMALL = {
    "n": 2,
    "curriculum": {
        "preset": "tiny",
        "clock": {"end_months": 8.0},
        "probes": {"names": ["reaching"], "trials": 2},
    },
}


def _stages():
    from infancy.curricula import load_curriculum

    stages = [s.model_dump() for s in load_curriculum().stages[:2]]
    stages[-1]["to_months"] = 8.0
    return stages


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    for seed in (0, 1):
        config = {**SMALL, "seed": seed}
        config["curriculum"] = {**SMALL["curriculum"], "stages": _stages()}
        the_plan = plan(config)
        execute(start(the_plan, root / f"r{seed}"), the_plan)
    return root


def test_load_run_is_long_form_with_probes_and_timeline(root):
    df = load_run(root / "r0")
    assert list(df.columns) == ["run", "infant", "seed", "age_months", "measure", "value"]
    assert set(df["run"]) == {"r0"} and set(df["seed"]) == {0} and set(df["infant"]) == {0, 1}
    probe = df[df["measure"] == "probe:reaching"]
    assert len(probe) == 2 * 4  # two infants, batteries at 2, 4, 6, 8 months
    assert set(df[df["measure"] == "passed:reaching"]["value"]) <= {0.0, 1.0}
    assert {"prediction_error", "share_act"} <= set(df["measure"])
    small = load_run(root / "r0", timeline=False)
    assert set(small["measure"]) == {"probe:reaching", "passed:reaching"}


def test_load_runs_from_paths_or_a_query(root):
    both = load_runs([root / "r0", root / "r1"], timeline=False)
    assert set(both["run"]) == {"r0", "r1"} and set(both["seed"]) == {0, 1}
    picked = load_runs("SELECT path FROM runs WHERE seed = 1", root=root, timeline=False)
    assert set(picked["run"]) == {"r1"}
    with pytest.raises(RunError, match="'path' column"):
        load_runs("SELECT run FROM runs", root=root)
    with pytest.raises(RunError, match="not a run directory"):
        load_run(root)
