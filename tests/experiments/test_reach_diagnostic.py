"""The reach diagnostic: its read-out on data with known answers, and the script at a
tiny size."""

from __future__ import annotations

import json

import numpy as np
import torch


def test_the_read_out_finds_a_rare_label_that_is_there_and_not_one_that_is_not(scripts):
    decodability = scripts.load("reach_diagnostic.py").decodability
    rng = np.random.default_rng(0)
    label = rng.random(2000) < 0.2  # rare, as a toy in front is
    noise = torch.as_tensor(rng.normal(size=(2000, 16)), dtype=torch.float32)
    # Present in one feature of many, shifted by one standard deviation: the best a
    # read-out can do is Phi(0.5) = 0.691 balanced accuracy.
    present = noise.clone()
    present[:, 3] += torch.as_tensor(label, dtype=torch.float32)
    assert abs(decodability(present, label, seed=1) - 0.691) < 0.04
    # Absent: chance.
    assert abs(decodability(noise, label, seed=1) - 0.5) < 0.06
    assert np.isnan(decodability(noise, np.zeros(2000, dtype=bool), seed=1))
    text = scripts.load("reach_diagnostic.py").accuracy_text
    assert text(float("nan")) == "cannot be computed (the label has one class)"
    assert text(0.6914) == "0.691"


def test_the_script_prints_its_curve_and_a_json_line_at_a_tiny_size(scripts):
    res = scripts.run(
        "reach_diagnostic.py", "--steps", 256, "--every", 256, "--n", 4, "--trials", 4
    )
    assert res.returncode == 0, res.stderr
    line = json.loads(res.stdout.strip().splitlines()[-1])
    assert [row["steps"] for row in line["curve"]] == [256]
    for key in ("got", "passing", "reached_toy", "reached_empty"):
        assert 0.0 <= line["curve"][0][key] <= 1.0
    assert 0.0 <= line["front_decodability"] <= 1.0
    assert 1.0 <= line["latent_rank"] <= 64.0
    assert "| steps | got the toy |" in res.stdout


def test_the_script_practises_crawling_and_refuses_a_toy_that_does_not_fit(scripts):
    res = scripts.run(
        "reach_diagnostic.py",
        *("--steps", 128, "--every", 128, "--n", 2, "--trials", 2),
        *("--distance", 3, "--room", 8, "--anywhere"),
    )
    assert res.returncode == 0, res.stderr
    line = json.loads(res.stdout.strip().splitlines()[-1])
    assert line["config"]["distance"] == 3 and 0.0 <= line["curve"][0]["got"] <= 1.0
    far = scripts.run("reach_diagnostic.py", "--distance", 3)  # the centre of a room of 7
    assert far.returncode == 2
    assert "'distance' 3 does not fit at the centre of a room of side 7" in far.stderr
    named = scripts.run("reach_diagnostic.py", "--named")  # reach-v0 always names
    assert named.returncode == 2
    assert "--named: only with --distance above 1" in named.stderr


def test_the_script_practises_from_a_saved_cohort_with_parts_made_new(tmp_path, scripts):
    from infancy.infants import Cohort

    saved = Cohort(n=2, seed=0).save(tmp_path / "cohort")
    res = scripts.run(
        "reach_diagnostic.py",
        *("--steps", 128, "--every", 128, "--trials", 2, "--room", 9, "--anywhere"),
        *("--start", saved, "--renew", "memory,b"),
    )
    assert res.returncode == 0, res.stderr
    line = json.loads(res.stdout.strip().splitlines()[-1])
    assert line["config"]["start"] == str(saved) and line["config"]["renew"] == "memory,b"
    assert line["config"]["n"] == 2  # the saved cohort's size
    bad = scripts.run("reach_diagnostic.py", "--start", saved, "--renew", "brain")
    assert bad.returncode == 2 and "--renew: unknown part 'brain'" in bad.stderr
    alone = scripts.run("reach_diagnostic.py", "--renew", "a")
    assert alone.returncode == 2 and "--renew: needs --start" in alone.stderr
    missing = scripts.run("reach_diagnostic.py", "--start", tmp_path / "nope")
    assert missing.returncode == 2 and "--start: cannot load a cohort" in missing.stderr
    own = scripts.run("reach_diagnostic.py", "--start", saved, "--effort", 0.1)
    assert own.returncode == 2 and "brings its own infant; drop --effort" in own.stderr
    room = scripts.run("reach_diagnostic.py", "--room", 4)
    assert room.returncode == 2 and "parameter 'room'" in room.stderr
    assert "Traceback" not in room.stderr and room.stderr.strip().splitlines()[-1].startswith(
        "reach_diagnostic.py: error: reach-v0: parameter 'room'"
    )


def test_renewing_replaces_exactly_the_named_parts(scripts):
    from infancy.infants import Cohort

    renewed = scripts.load("reach_diagnostic.py").renewed
    old = Cohort(n=2, seed=5)
    parts = {"a": old.a, "obs": old.obs, "b": old.b, "m": old.m, "memory": old.memory}
    renewed(old, ["b", "memory"], seed=0)
    born = Cohort(n=2, seed=0)
    assert old.b is not parts["b"] and old.memory is not parts["memory"]
    assert old.a is parts["a"] and old.obs is parts["obs"] and old.m is parts["m"]
    for p, q in zip(old.b.parameters(), born.b.parameters(), strict=True):
        assert torch.equal(p, q)  # a newborn's B
    renewed(old, ["a"], seed=0)
    assert old.a is not parts["a"] and old.obs is not parts["obs"]


def test_the_old_default_in_which_the_latent_collapses_is_a_valid_run_config():
    """experiments/configs/collapsed-latent.yaml (the default until 2026-12-03,
    docs/measurements.md) loads as a run config and differs from the default where it
    says, and only there."""
    from pathlib import Path

    import yaml

    from infancy.curricula.runner import plan

    path = Path(__file__).resolve().parents[2] / "experiments/configs/collapsed-latent.yaml"
    the_plan = plan(yaml.safe_load(path.read_text()), source=str(path))
    default = plan({})
    assert default.infant.a.covariance_weight == 10.0
    assert the_plan.infant.a.covariance_weight == 0.0
    assert (the_plan.infant.a.head_updates, default.infant.a.head_updates) == (0, 8)
    assert (the_plan.infant.memory.half_life, default.infant.memory.half_life) == (0.0, 2048.0)
    assert the_plan.curriculum.clock.steps_per_month == 10000
    assert default.curriculum.clock.steps_per_month == 20000
    old = {s.name: s.scenarios for s in the_plan.curriculum.stages}
    new = {s.name: s.scenarios for s in default.curriculum.stages}
    for later in ("crawler", "walker"):
        assert "reach-v0" not in old[later] and "crawl-v0" not in old[later]
        assert new[later]["reach-v0"] == 0.05 and new[later]["crawl-v0"] > 0
    assert old["newborn"] == new["newborn"] and old["reacher"] == new["reacher"]
    assert the_plan.curriculum.worlds == default.curriculum.worlds  # the same practice room
    assert (the_plan.infant.b.orient, default.infant.b.orient) == (False, True)
    drop = {"a": {"covariance_weight", "head_updates"}, "b": {"orient"}, "memory": {"half_life"}}
    a_old, a_new = the_plan.infant.model_dump(), default.infant.model_dump()
    for part, keys in drop.items():
        for k in keys:
            a_old[part].pop(k), a_new[part].pop(k)
    assert a_old == a_new  # nothing else of the infant differs
