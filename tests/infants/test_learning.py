"""Learning that is real: fixed seeds, small budgets, outcomes that could fail."""

from __future__ import annotations

import numpy as np
import torch
from test_nn import cued_kinds

from infancy.curricula.comparisons import reach_curve
from infancy.infants import MODES, Cohort
from infancy.infants.evaluation import effective_rank
from infancy.worlds import make_batch
from infancy.worlds.core.codes import CH_GAZE, CH_POINT, S_EYE_CONTACT, S_WORD


def test_a_prediction_error_falls_by_half():
    """Watching the playroom, A's normalised prediction error (1 = no better than the
    mean latent) falls to under half its first value and below 1, and the latent has
    not collapsed."""
    world = make_batch("playroom-v0", 8, seed=0, autoreset=True)
    world.reset()
    cohort = Cohort(n=8, seed=0)
    cohort.m.override(mode="observe")
    errors, seen, felt = [], [], []
    for _ in range(40):
        cohort.live(world, 64)
        errors.append(cohort.meta["prediction_error"].mean())
        seen.append(world.view[:, 0].copy())
        felt.append(world.senses[:, 0].copy())
    first, last = errors[0], float(np.mean(errors[-3:]))
    assert last < 0.5 * first
    assert last < 1.0
    # No collapse, on the 40 views the infants saw at the chunks' ends. Each infant's
    # target latent spreads over many dimensions (effective rank; measured 13.1-15.4
    # of 64; without the covariance penalty 3.0-4.2, a collapse that a scale check, the
    # test's guard before 2026-12-03, passed) and is no constant (variance measured
    # 0.005; the penalty keeps the latent small in scale, docs/measurements.md).
    with torch.no_grad():
        target = cohort.a.target(cohort.features(np.stack(seen, 1), np.stack(felt, 1)))
    ranks = [effective_rank(z) for z in target]
    assert min(ranks) > 8.0, ranks
    assert float(target.var(1).mean(-1).min()) > 1e-3


def test_b_learns_to_reach():
    """B's success on reach-v0 rises from the random-policy level to at least 80%."""
    # M acts whenever awake (no imagination, no observing): B's own learning.
    config = {"m": {"rule": {"imagine_every": 0, "social_above": 1.0}}}
    curve = reach_curve(config, seed=0, acting_steps=3072, n=16, bin_size=256)
    by_bin = curve.groupby("acting_steps")["success"].mean()
    assert by_bin.iloc[0] < 0.6  # a near-uniform policy succeeds about half the time
    assert by_bin.iloc[-2:].mean() >= 0.8


def test_m_sleeps_when_tired_wakes_when_rested_and_audits_each_decision():
    world = make_batch("reach-v0", 4, seed=1, autoreset=True)
    world.reset()
    cohort = Cohort({"chunk": 16}, n=4, seed=1)
    modes, energy = [], []
    for _ in range(80):
        cohort.live(world, 16)
        modes.append(cohort.mode.copy())
        energy.append(cohort.energy.copy())
    modes, energy = np.array(modes), np.array(energy)
    sleep = MODES.index("sleep")
    cfg = cohort.config.m.rule
    for i in range(4):
        asleep = np.flatnonzero(modes[:, i] == sleep)
        assert asleep.size, "every infant fell asleep at least once"
        first = asleep[0]
        assert energy[first, i] < cfg.sleep_below  # fell asleep when tired
        woke = first + np.flatnonzero(modes[first:, i] != sleep)[0]
        assert energy[woke, i] >= cfg.wake_above  # woke after recovering
    # One audit record per infant and decision (one decision per chunk, plus the first).
    frame = cohort.m.audit.frame()
    assert len(frame) == 4 * (cohort.steps // 16 + 1)
    assert (frame.groupby("step").size() == 4).all()
    assert set(frame["mode"].astype(str)) >= {"sleep"}


def _one_naming():
    """One step of naming-v0 in which the caregiver names a toy while its head or arm
    turns to that toy, both in the infant's view ("look, a ball!"): view, senses, word,
    kind."""
    # A body whose view holds the caregiver and the toys beside it at once (fov 180).
    world = make_batch("naming-v0", 16, seed=0, autoreset=True, abilities="walker")
    world.reset()
    turns = np.random.default_rng(0).integers(0, 3, size=(10, 16, 1))  # look around
    for actions in turns:
        r = world.step(actions)
        for b in range(16):
            view, senses = r.view[b, 0], r.senses[b, 0]
            kinds = cued_kinds(view)
            if senses[S_WORD] > 0 and len(kinds) == 1:
                return view[None].copy(), senses[None].copy(), int(senses[S_WORD]), kinds.pop()
    raise AssertionError("no cued naming in 10 steps of 16 worlds")


def test_one_shot_naming_needs_the_cue_and_trust():
    view, senses, word, kind = _one_naming()
    uncued_v, uncued_s = view.copy(), senses.copy()
    uncued_v[:, CH_GAZE] = 0  # the same exposure, without gaze, point or eye contact
    uncued_v[:, CH_POINT] = 0
    uncued_s[:, S_EYE_CONTACT] = 0
    cohort = Cohort(n=3, seed=0)
    cohort.signals.state["trust_wrong"][2] = 1000.0  # infant 2 has learned not to trust names
    cohort.meta = cohort.signals.at_birth(cohort.energy, cohort.memory.sizes())
    cohort.action = cohort.m.decide(cohort.meta, 0.0, 0)
    assert cohort.meta["trust"][2] < 0.01
    cohort.hear(np.stack([view, uncued_v, view]), np.stack([senses, uncued_s, senses]))
    known = cohort.vocabulary()
    assert known[0, word], "a cued naming is learned in one shot"
    assert not known[1, word], "without the cue one exposure is not enough"
    assert not known[2, word], "without trust the one-shot strength is ~0"
    assert known.sum() == 1  # nothing else was learned
    # The word now means the named toy's kind (kind codes are 1 + kind index).
    assert int(cohort.a.referent()[0, word]) == kind
    # Cross-situational learning: the uncued word grows with repetition, not at once.
    for _ in range(30):
        cohort.hear(np.stack([uncued_v] * 3), np.stack([uncued_s] * 3))
    assert cohort.vocabulary()[1, word]


def test_imagination_teaches_b_from_imagined_successes():
    """In imagine mode the world is not acted on, and B learns from the successful
    imagined trajectories: the policy moves towards the actions that succeeded in
    imagination, and only the imagining infants change."""
    import torch

    world = make_batch("reach-v0", 4, seed=0, autoreset=True)
    world.reset()
    cohort = Cohort({"chunk": 32, "imagine_success": 0.3}, n=4, seed=0)
    cohort.m.override(mode="act", gate_b=1.0)
    cohort.live(world, 32 * 24)  # real experience: memories and a world model
    dreaming = np.array([True, True, False, False])
    mem = cohort.memory.sample(64, np.random.default_rng(0))
    x = cohort.features(mem["view"], mem["senses"])
    before = [p.detach().clone() for p in cohort.b.parameters()]
    with torch.no_grad():
        za = cohort.a.encode(x)
        belief, cue = torch.from_numpy(mem["belief"]), torch.from_numpy(mem["cue"])
        z = cohort.state_of(za, belief, cue)  # B's state for the remembered steps
        p_before = torch.softmax(cohort.b(z)[0], -1)
    stats = cohort.imagine(dreaming)
    assert float(stats["imagined_success"][:2].mean()) > 0.0
    with torch.no_grad():
        p_after = torch.softmax(cohort.b(z)[0], -1)
    for p, q in zip(cohort.b.parameters(), before, strict=True):
        assert torch.equal(p[2:], q[2:])  # awake infants: untouched
        assert not torch.equal(p[:2], q[:2])
    assert not torch.allclose(p_before[:2], p_after[:2])
