"""The probe battery (behavioural probes and word comprehension) on frozen cohorts."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from infancy.curricula.probes import (
    BEHAVIOURAL_PROBES,
    SPECIAL_PROBES,
    random_level,
    run_probes,
)
from infancy.infants import Cohort
from infancy.worlds import make_batch


def test_battery_rows_and_the_cohort_is_left_untouched():
    cohort = Cohort({"chunk": 8}, n=4, seed=0)
    world = make_batch("playroom-v0", 4, seed=0, autoreset=True)
    world.reset()
    cohort.live(world, 20)  # mid-chunk
    before = [p.detach().clone() for p in cohort.b.parameters()]
    gen_state = cohort.gen.get_state().clone()
    t, steps = cohort._t, cohort.steps
    rows = run_probes(cohort, "walker", age_months=13.0, trials=2, seed=1)
    assert set(rows["probe"]) == {*BEHAVIOURAL_PROBES, *SPECIAL_PROBES, "word_comprehension"}
    assert len(rows) == 4 * len(set(rows["probe"]))
    assert list(rows.columns) == [
        "age_months",
        "infant",
        "probe",
        "score",
        "passed",
        "trials",
        "chance",
    ]
    shares = rows[~rows["probe"].isin(["word_comprehension", "a_not_b"])]
    assert shares["score"].between(0, 1).all()
    delays = rows[rows["probe"] == "a_not_b"]["score"]
    assert delays.isin([-1.0, 0, 1, 2, 4, 6, 8, 10, 12]).all()
    assert (rows["age_months"] == 13.0).all()
    # Probes ran on a frozen copy: the cohort's parameters, generator and clock are as before.
    for p, q in zip(cohort.b.parameters(), before, strict=True):
        assert torch.equal(p, q)
    assert torch.equal(cohort.gen.get_state(), gen_state)
    assert (cohort._t, cohort.steps) == (t, steps)
    # Same seed, same scores.
    again = run_probes(cohort, "walker", age_months=13.0, trials=2, seed=1)
    assert again.equals(rows)


def test_reaching_probe_tells_a_trained_reacher_from_a_naive_one():
    world = make_batch("reach-v0", 16, seed=0, autoreset=True)
    world.reset()
    trained = Cohort({"m": {"imagine_every": 0, "social_above": 1.0}}, n=16, seed=0)
    naive = trained.frozen()
    trained.m.override(mode="act", gate_b=1.0)
    trained.live(world, 4096)
    kw = {"age_months": 6.0, "trials": 8, "seed": 5, "probes": ("reaching",)}
    good = run_probes(trained, "reacher", **kw)
    bad = run_probes(naive, "reacher", **kw)
    assert good["score"].mean() >= 0.8 and good["passed"].mean() >= 0.75
    assert bad["score"].mean() < 0.6 and not bad["passed"].any()


def test_locomotion_needs_a_body_that_moves():
    cohort = Cohort(n=2, seed=0)
    rows = run_probes(cohort, "reacher", age_months=5.0, trials=1, probes=("locomotion",))
    assert (rows["score"] == 0).all() and not rows["passed"].any()
    rows = run_probes(cohort, "walker", age_months=13.0, trials=1, probes=("locomotion",))
    assert len(rows) == 2


def test_chance_levels_are_what_a_random_infant_gets():
    assert abs(random_level("reach-v0", n=64) - BEHAVIOURAL_PROBES["reaching"].chance) < 0.1
    assert random_level("peekaboo-v0", n=64) == BEHAVIOURAL_PROBES["object_permanence"].chance
    assert abs(random_level("a-not-b-v0", n=64) - 0.5) < 0.1


def test_naive_infants_are_near_chance_on_the_special_probes():
    rows = run_probes(
        Cohort(n=16, seed=0),
        "walker",
        age_months=10.0,
        trials=8,
        seed=0,
        probes=("a_not_b", "violation_of_expectation"),
    )
    voe = rows[rows["probe"] == "violation_of_expectation"]
    assert abs(voe["score"].mean() - 0.5) < 0.15 and voe["passed"].mean() < 0.25
    anb = rows[rows["probe"] == "a_not_b"]
    assert anb["passed"].mean() < 0.5


def test_unknown_probe():
    with pytest.raises(ValueError, match="unknown probe 'telepathy'"):
        run_probes(Cohort(n=1), "walker", age_months=1.0, probes=("telepathy",))
    assert np.isfinite(BEHAVIOURAL_PROBES["gaze_following"].chance)


def test_a_pass_must_beat_chance_by_a_binomial_test():
    from infancy.curricula.probes import above_chance

    # Two choices, 8 trials: P(X >= 7) = 0.035 < 0.05 <= P(X >= 6) = 0.145.
    assert list(above_chance(np.arange(9), 8, 0.5)) == [False] * 7 + [True] * 2
    # Nothing happens by chance: one success is already evidence.
    assert list(above_chance(np.array([0, 1]), 8, 0.0)) == [False, True]


def test_a_word_is_known_when_its_requests_are_answered_above_chance(rng):
    from infancy.curricula.probes import words_known

    words = np.tile(np.repeat(np.arange(1, 6), 8), (3, 1))  # 5 words asked 8 times each
    success = np.zeros(words.shape, dtype=bool)
    success[0] = True  # always takes the named toy: every word
    success[1] = rng.random(words.shape[1]) < 0.5  # guesses
    success[2] = words[2] == 3  # only word 3 (and never the others)
    known = words_known(success, words, 7)
    assert known[0, :5].all() and not known[0, 5:].any()  # 6 and 7 never asked
    assert known[1].sum() <= 1
    assert known[2].tolist() == [False, False, True, False, False, False, False]
    # Three requests are too few, however well answered.
    assert not words_known(np.ones((1, 3), bool), np.ones((1, 3), int), 7).any()


def test_the_word_request_is_heard_before_the_choice():
    from infancy.curricula.probes import _episodes

    cohort = Cohort(n=8, seed=0)
    success, words = _episodes(
        cohort.act, "naming-v0", 8, trials=20, seed=0, abilities="reacher", teach=False
    )
    assert (words > 0).all()  # every episode's request reached the infant
    assert 0.2 < success.mean() < 0.8  # a naive infant guesses
    rows = run_probes(cohort, "reacher", age_months=9.0, trials=8, probes=("word_comprehension",))
    assert rows["score"].max() <= 1  # a naive infant knows (almost) no words
