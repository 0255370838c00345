"""The probe battery's validity: shortcuts fail what they are shortcuts for, oracles pass
what the body allows, a frozen cohort is left untouched, and the records are complete."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from infancy.curricula.probes import (
    LEFT_FRONT,
    PROBES,
    RIGHT_FRONT,
    Session,
    above_chance,
    run_probes,
    word_pairs,
)
from infancy.curricula.validity import (
    BODIES,
    SHORTCUTS,
    maturation,
    null_rates,
    oracle,
    run_battery,
    shipped_maturation,
)
from infancy.infants import Cohort
from infancy.worlds import make_batch
from infancy.worlds.core.codes import CH_GAZE, CH_KIND, CUE_AT_ME, NORTH, STAY

N = 16


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("name", list(SHORTCUTS))
def test_each_shortcut_fails_every_probe_it_is_a_shortcut_for(name, body):
    shortcut = SHORTCUTS[name]
    rows = run_battery(shortcut.make(3), body=body, probes=shortcut.targets, n=N, seed=3)
    passed = rows.groupby("probe")["passed"].mean()
    assert set(passed.index) == set(shortcut.targets)
    # At the battery's own rule, a policy without the ability passes in no simulated
    # infant (a handful of chance passes in 16 would still be < 5%, none is expected).
    assert (passed <= 1 / N).all(), passed[passed > 1 / N]


def test_a_not_b_errors_are_counted_over_the_b_trials_searched():
    """The perseverative error rate's cheapest fake is not searching (no search, no
    error): an infant that keeps still gets no rate, in words; a side bias errs on about
    half the B trials it searches, the oracle on none."""

    def still(view, senses, state):
        return np.full(len(view), STAY, dtype=np.int64)

    kw = {"body": "reacher", "probes": ("a_not_b",), "n": N, "seed": 3}
    rows = run_battery(still, **kw)
    assert rows["errors"].isna().all()
    assert rows["detail"].eq("no search on a B trial: no error rate").all()
    side = run_battery(SHORTCUTS["side-bias"].make(3), **kw)["errors"]
    assert side.notna().all() and 0.25 < side.mean() < 0.75
    assert run_battery(oracle("a_not_b"), **kw)["errors"].eq(0.0).all()


def test_nearest_object_shortcut_is_a_real_attack():
    """The ``nearest-object`` shortcut (the place B's orienting cue gives) is not a
    straw man: it reaches a toy in view and crawls to one (where going to the toy you
    see is the ability), while the test above shows it fails every probe whose answer
    is not the nearest object."""
    rows = run_battery(
        SHORTCUTS["nearest-object"].make(3),
        body="crawler",
        probes=("reaching", "locomotion"),
        n=N,
        seed=3,
    )
    passed = rows.groupby("probe")["passed"].mean()
    assert (passed >= 0.9).all(), passed


@pytest.mark.parametrize("probe", ["gaze_following", "point_following"])
def test_cue_probes_count_a_cued_toy_taken_straight_ahead_as_chosen(probe):
    """An infant that reaches for the cued toy when it lies straight ahead, instead of
    keeping still and looking at it, has chosen it: the probe scores it as the oracle
    (before, the taken toy was off the floor when the look was read, and a third of
    the trials were scored as misses). Reaching straight ahead whatever the cue stays
    near a third, below chance, as keeping still does."""
    from infancy.curricula.probes import SPOT_HEADING
    from infancy.curricula.validity import _free, _turn
    from infancy.worlds.core.codes import REACH, STAY

    def reach_for_it(view, senses, state):
        now = state.agent_dir[:, 0].astype(np.int64)
        act = _turn(now, SPOT_HEADING[state.aux[:, 0].astype(np.int64)])
        return np.where(_free(senses), np.where(act == STAY, REACH, act), STAY)

    def reach_ahead(view, senses, state):
        return np.where(_free(senses), REACH, STAY)

    rows = run_battery(reach_for_it, body="walker", probes=(probe,), n=N, seed=3)
    assert rows["score"].min() == 1.0 and rows["passed"].all()
    rows = run_battery(reach_ahead, body="walker", probes=(probe,), n=N, seed=3)
    assert 0.15 < rows["score"].mean() < 0.5 and not rows["passed"].any()


def test_shipped_maturation_table_is_what_the_oracles_give():
    table = maturation(n=8, trials=8, seed=5)
    shipped = shipped_maturation()
    cols = ["probe", "body", "possible", "from_months"]
    pd.testing.assert_frame_equal(
        table[cols].reset_index(drop=True), shipped[cols].reset_index(drop=True), check_dtype=False
    )
    # Every probe is possible for some body, and oracles pass wherever it is possible.
    earliest = table[table["body"] == "earliest"].set_index("probe")
    assert earliest["possible"].all()
    bodies = table[table["body"] != "earliest"]
    assert set(bodies["oracle_pass_share"].round(6)) <= {0.0, 1.0}
    # What the body allows, as designed: searching needs a reach, crawling a crawler.
    possible = bodies.pivot(index="probe", columns="body", values="possible")
    assert not possible.loc["object_permanence", "newborn"]
    assert possible.loc["object_permanence", "reacher"]
    assert not possible.loc["locomotion", "reacher"] and possible.loc["locomotion", "crawler"]
    for probe in ("violation_of_expectation", "word_comprehension", "gaze_following"):
        assert possible.loc[probe].all()


@pytest.mark.parametrize("body", ["newborn", "reacher"])
def test_word_probe_toys_and_the_caregivers_cue_are_in_view_of_every_body(body):
    s = Session([body] * 2, seed=0)
    s.new_trial()
    kinds = np.array([[0, 0], [1, 2]])
    s.put(0, kinds[1, 0], LEFT_FRONT)
    s.put(1, kinds[1, 1], RIGHT_FRONT)
    s.caregiver((2, 2))
    s.hold()
    s.cg[:, 1] = 1  # eye contact
    s.step(lambda v, se, st: np.zeros(len(v), dtype=np.int64))
    assert s.in_view(0).all() and s.in_view(1).all()
    view = s.env.view[:, 0]
    assert (view[:, CH_GAZE] == CUE_AT_ME).any((1, 2)).all()  # the caregiver's face
    assert (s.heading() == NORTH).all()
    assert (view[:, CH_KIND] > 0).sum((1, 2)).min() >= 2


def test_training_worlds_never_pair_the_probes_word_pairs():
    world = make_batch("naming-v0", 512, seed=0)
    world.reset()
    st = world.state
    words = world.rules.kind_words()
    pairs = {
        tuple(sorted(p))
        for p in zip(words[st.obj_kind[:, 0]] - 1, words[st.obj_kind[:, 1]] - 1, strict=True)
    }
    held_out = {tuple(sorted(p)) for p in word_pairs(len(world.rules.vocabulary))}
    assert pairs and not pairs & held_out


def test_null_rate_of_a_random_policy_over_a_lifetime_is_at_most_five_percent():
    schedule = [(0.5 * (k + 1), b) for k, b in enumerate(["reacher"] * 8 + ["walker"] * 8)]
    rates = null_rates(SHORTCUTS["random"].make, schedule=schedule, n=32, seed=1)
    assert (rates["rate"] <= 0.05).all(), rates


def test_battery_on_a_cohort_leaves_it_untouched_and_is_deterministic():
    cohort = Cohort({"chunk": 8}, n=4, seed=0)
    world = make_batch("playroom-v0", 4, seed=0, autoreset=True)
    world.reset()
    cohort.live(world, 20)  # mid-chunk
    before = [p.detach().clone() for p in cohort.b.parameters()]
    gen_state = cohort.gen.get_state().clone()
    t, steps = cohort._t, cohort.steps
    rows = run_probes(cohort, "walker", age_months=13.0, trials=2, seed=1)
    assert set(rows["probe"]) == set(PROBES)
    assert len(rows) == 4 * len(PROBES)
    assert list(rows.columns[:7]) == [
        "age_months",
        "infant",
        "probe",
        "score",
        "passed",
        "trials",
        "chance",
    ]
    for p, q in zip(cohort.b.parameters(), before, strict=True):
        assert torch.equal(p, q)
    assert torch.equal(cohort.gen.get_state(), gen_state)
    assert (cohort._t, cohort.steps) == (t, steps)
    again = run_probes(cohort, "walker", age_months=13.0, trials=2, seed=1)
    pd.testing.assert_frame_equal(again, rows)


def test_every_probe_record_is_complete():
    for name, p in PROBES.items():
        assert p.name == name
        for field in (
            "label",
            "short",
            "construct",
            "paradigm",
            "measure",
            "pass_rule",
            "shortcut",
        ):
            assert len(getattr(p, field)) > 1, (name, field)
        assert 0.0 <= p.chance < 1.0
        assert callable(p.run)


def test_above_chance_is_a_binomial_test():
    assert above_chance(8, 8, 0.5) and not above_chance(6, 8, 0.5)
    assert not above_chance(0, 0, 0.5)


def test_unknown_probe_and_oracle_are_one_line_errors():
    with pytest.raises(ValueError, match="unknown probe 'x'"):
        run_battery(oracle("reaching"), probes=("x",), n=2)
    with pytest.raises(ValueError, match="oracle: unknown probe"):
        oracle("x")


def test_probe_docs_are_generated_from_the_records():
    from pathlib import Path

    from infancy.curricula.validity import probe_docs

    docs = Path(__file__).parents[2] / "docs" / "probes.md"
    assert docs.read_text(encoding="utf-8") == probe_docs()
    for p in PROBES.values():
        assert p.label in probe_docs()


def test_no_learning_preset_shuts_every_gate_and_unknown_presets_are_one_line():
    from infancy.curricula.runner import RunConfigError, plan

    p = plan({"curriculum": {"preset": "tiny"}, "n": 2}, infant_preset="no-learning")
    assert p.infant.learning is False
    assert plan({"infant": "default"}).infant.learning is True
    assert plan({"infant": {"preset": "no-learning", "chunk": 16}}).infant.chunk == 16
    with pytest.raises(RunConfigError, match=r"infant.preset: unknown infant preset 'x'"):
        plan({"infant": "x"})
    cohort = Cohort(p.infant, n=2, seed=0)
    world = make_batch("reach-v0", 2, seed=0, autoreset=True)
    world.reset()
    before = [q.detach().clone() for q in (*cohort.a.parameters(), *cohort.b.parameters())]
    lexicon = cohort.vocabulary().copy()
    cohort.live(world, 300)
    after = list((*cohort.a.parameters(), *cohort.b.parameters()))
    assert all(torch.equal(x, y) for x, y in zip(before, after, strict=True))
    assert np.array_equal(cohort.vocabulary(), lexicon)


def test_system_a_surprise_is_a_second_read_out_of_the_voe_events():
    from infancy.curricula.probes import voe_surprise

    cohort = Cohort(n=3, seed=0)
    rows = voe_surprise(cohort, "reacher", trials=4, seed=2)
    assert list(rows["probe"].unique()) == ["violation_of_expectation_surprise"]
    assert rows["score"].between(0, 1).all() and len(rows) == 3
    pd.testing.assert_frame_equal(rows, voe_surprise(cohort, "reacher", trials=4, seed=2))
