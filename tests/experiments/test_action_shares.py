"""The action-shares diagnostic at a tiny size: its table, its JSON line, the body it
plays in, and its one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from infancy.infants import Cohort
from infancy.worlds import make_batch
from infancy.worlds.core.codes import INFANT_ACTIONS


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    cohort = Cohort({"chunk": 16}, n=2, seed=0)
    world = make_batch("reach-v0", 2, seed=0, autoreset=True)
    world.reset()
    cohort.live(world, 32)
    path = tmp_path_factory.mktemp("ckpt") / "cohort"
    cohort.save(path)
    return path


def test_the_script_prints_each_infant_s_shares_and_a_json_line(scripts, saved):
    res = scripts.run("action_shares.py", saved, "--steps", 40)
    assert res.returncode == 0, res.stderr
    line = json.loads(res.stdout.strip().splitlines()[-1])
    assert list(line["share"]) == list(INFANT_ACTIONS)
    share = np.array([line["share"][a] for a in INFANT_ACTIONS])  # [action, infant]
    assert share.shape == (8, 2)
    np.testing.assert_allclose(share.sum(0), 1.0, atol=0.01)  # every step is one action
    assert line["world_params_from"] == "default curriculum"
    assert line["world_params"] == {"room": 8, "anywhere": True}  # the curriculum's room
    assert "| infant | stay |" in res.stdout and "| 1 |" in res.stdout


def test_the_body_decides_what_a_reach_can_earn(scripts, saved):
    # The same frozen policy, the same draws: in the newborn's body its reaches are
    # no-ops and earn nothing, in the reacher's some of them take the toy.
    diagnostic = scripts.load("action_shares.py")
    from infancy.infants.checkpoint import load

    cohort = load(saved)
    newborn = diagnostic.shares(cohort, "reach-v0", "newborn", 300, 0, {})
    reacher = diagnostic.shares(cohort, "reach-v0", "reacher", 300, 0, {})
    assert sum(newborn["share"]["reach"]) > 0
    assert newborn["reward"] == [0.0, 0.0]
    assert min(reacher["reward"]) > 0


def test_bad_input_gets_one_line_and_a_non_zero_exit(scripts, saved, tmp_path):
    for args, says in (
        (("--steps", 0), "--steps: expected a positive number, got 0"),
        (("--world", "nowhere-v0"), "--world: unknown world 'nowhere-v0'"),
        (("--abilities", "giant"), "--abilities: unknown profile 'giant'"),
    ):
        res = scripts.run("action_shares.py", saved, *args)
        assert res.returncode == 2, res.stderr
        assert len(res.stderr.strip().splitlines()) == 1 and res.stderr.startswith(says)
    empty = scripts.run("action_shares.py", tmp_path)
    assert empty.returncode != 0 and empty.stderr.startswith("RUN:")
