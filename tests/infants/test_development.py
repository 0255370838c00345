"""The mechanisms of development, each at tiny size (issue 19): a belief state that
keeps a hidden toy, a word that steers B, replay that keeps a skill, a System M whose
modes follow its inputs, trust that checks the caregiver against the world, and a
latent that does not collapse."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import torch

from infancy.curricula.probes import Session
from infancy.infants import Cohort
from infancy.infants.base import ACT, IMAGINE, META_STATES, OBSERVE, SLEEP
from infancy.infants.cohort import BORED, CUE, HABIT, SECTORS, _sectors
from infancy.infants.config import MConfig
from infancy.infants.evaluation import effective_rank
from infancy.infants.nn import Obs
from infancy.infants.system_m import RuleM, ScheduleM
from infancy.worlds import make_batch
from infancy.worlds.core.codes import (
    CH_KIND,
    FLAG_IMPERATIVE,
    FORWARD,
    NORTH,
    REACH,
    S_RESTRAINED,
    S_TURNED,
    SENSES,
    STAY,
    TURN_LEFT,
    TURN_RIGHT,
)

TOYS = ("ball", "rattle", "block", "duck", "doll")


def _hidden_toy_beliefs(cohort: Cohort, seed: int, delay: int = 3):
    """Show one toy (drawn per world) straight ahead for three steps, then cover it with
    a box for ``delay`` steps: the belief each infant holds then, and the toy's kind."""
    n = cohort.n
    s = Session(["reacher"] * n, seed)
    rng = np.random.default_rng(seed)
    kinds = np.array([s.kinds(t) for t in TOYS])[rng.integers(0, len(TOYS), n)]
    gen = torch.Generator().manual_seed(seed)
    mind = cohort.new_mind()

    def policy(view, senses, state):
        return cohort.act(view, senses, gen, mind)

    s.new_trial()
    s.put(0, kinds, (3, 4))
    for _ in range(3):
        s.hold(NORTH)
        s.step(policy)
    s.put(1, s.box, (3, 4))
    s.put(0, kinds, (3, 4), inside=1)  # now hidden in the box: the view shows a box
    for _ in range(delay):
        s.hold(NORTH)
        s.step(policy)
    return mind.belief.copy(), kinds


def _decoding_accuracy(span: float) -> float:
    """A linear read-out (least squares on one-hot kinds), fitted on one session's
    beliefs and scored on another's: how well the hidden toy's kind is decodable."""
    cohort = Cohort({"a": {"memory_span": span}}, n=60, seed=0)
    with torch.no_grad():  # one encoder for all: the read-out is fitted across infants
        for p in cohort.a.encoder.parameters():
            p.copy_(p[:1].expand_as(p))
    x_fit, k_fit = _hidden_toy_beliefs(cohort, seed=1)
    x_test, k_test = _hidden_toy_beliefs(cohort, seed=2)
    classes = np.unique(np.r_[k_fit, k_test])

    def design(x):
        return np.c_[x, np.ones(len(x))]

    y = (k_fit[:, None] == classes[None]).astype(float)
    a = design(x_fit)
    w = np.linalg.solve(a.T @ a + 1e-3 * np.eye(a.shape[1]), a.T @ y)
    guess = classes[(design(x_test) @ w).argmax(1)]
    return float((guess == k_test).mean())


def test_a_hidden_toy_is_decodable_from_the_belief_and_not_without_memory():
    """Chance is 1/5 (five toys). With a belief state the toy behind the box is read
    out on new trials; without memory (``no-memory``: span 0) the belief is this step's
    latent, which is the same for every toy once it is covered."""
    with_memory = _decoding_accuracy(16.0)
    without = _decoding_accuracy(0.0)
    assert with_memory >= 0.9, with_memory
    assert without <= 0.45, without


def _turned_away_cues(config, *, seed: int = 0, delay: int = 6, taken: bool = False):
    """The object-permanence staging of the probes (``curricula.probes``), read at the
    cue: a toy shown at the infant's left or right (drawn) while it is held facing the
    toy, then the infant turned back to the midline as boxes cover the three places,
    the toy in the box at its place; held there ``delay`` steps. Returns the cue at each
    step after the turn, ``[N, delay + 1, CUE]``, and the toy's side (1 right). With
    ``taken``, the toy is put into the infant's hand instead of a box."""
    n = 16
    cohort = Cohort(config, n=n, seed=0)
    s = Session(["reacher"] * n, seed)
    rng = np.random.default_rng(seed)
    right = rng.random(n) < 0.5
    kinds = np.array([s.kinds(t) for t in TOYS])[rng.integers(0, len(TOYS), n)]
    mind = cohort.new_mind()
    cues = []

    def policy(view, senses, state):
        cues.append(cohort.word_cue(view, senses, mind).copy())
        return np.zeros(n, dtype=np.int64)

    s.new_trial()
    spot = np.where(right[:, None], (4, 5), (4, 3))
    s.put(0, kinds, spot)
    s.hold(np.where(right, 0, 2))  # facing the toy: east or west
    s.step(policy)
    for j, place in enumerate([(4, 3), (3, 4), (4, 5)], start=1):
        s.put(j, s.box, place)
    if taken:
        s.st.obj_holder[:, 0] = 0
        s.st.agent_hold[:, 0] = 0
    else:
        s.put(0, kinds, spot, inside=np.where(right, 3, 1))
    for _ in range(delay + 1):
        s.hold(NORTH)
        s.step(policy)
    return np.stack(cues[1:], 1), right


def test_the_object_file_keeps_a_hidden_toy_where_it_went_through_a_turn():
    """Once the infant is turned back to the midline the toy is out of sight (and in
    a box): the cue's place is beside the infant on the toy's side (the turn is felt,
    ``turned``), and fades step by step with the memory span. Without memory (span 0,
    ``no-memory``) nothing is remembered and no toy is in view: no place. Without the
    object file, orienting takes the nearest object in view (the box ahead), the same
    wherever the toy went. A toy taken into the hand leaves the file."""
    cue, right = _turned_away_cues(None)
    lateral, ahead, strength = cue[..., 2], cue[..., 3], cue[..., 1]
    assert np.array_equal(lateral[:, 0] > 0, right) and (np.abs(lateral) > 0).all()
    assert (ahead == 0).all()
    assert (np.diff(strength, axis=1) < 0).all() and (strength > 0).all()
    assert np.allclose(strength[:, 1:] / strength[:, :-1], np.exp(-1 / 16.0), atol=1e-6)
    forgot, _ = _turned_away_cues({"a": {"memory_span": 0.0}})
    assert (forgot == 0).all()
    off, _ = _turned_away_cues({"a": {"object_file": False}})
    assert (off[..., 2] == 0).all() and (off[..., 3] > 0).all()
    held, _ = _turned_away_cues(None, taken=True)
    assert (held == 0).all()


def test_the_object_file_ends_where_the_toy_is_seen_gone():
    """The toy shown ahead, then taken away out of sight while its place stays in view
    (the probes' control trial): the place is seen empty, so nothing is remembered
    there; covered by a box instead, it is kept."""
    n = 8
    cohort = Cohort(None, n=n, seed=0)
    for covered in (False, True):
        s = Session(["reacher"] * n, 0)
        mind = cohort.new_mind()
        cues = []

        def policy(view, senses, state, mind=mind, cues=cues):
            cues.append(cohort.word_cue(view, senses, mind).copy())
            return np.zeros(n, dtype=np.int64)

        s.new_trial()
        s.put(0, s.kinds("ball"), (3, 4))
        s.hold(NORTH)
        s.step(policy)
        if covered:
            s.put(1, s.box, (3, 4))
            s.put(0, s.kinds("ball"), (3, 4), inside=1)
        else:
            s.put(0, -1)
        s.hold(NORTH)
        s.step(policy)
        if covered:
            assert (mind.file_str > 0).all() and (cues[-1][:, 3] > 0).all()
        else:
            assert (mind.file_str == 0).all() and (cues[-1] == 0).all()


def _reveal(cohort: Cohort, *, out: str, learn: bool, box_beside: bool = True):
    """The violation-of-expectation staging for one toy: a ball two cells ahead-left,
    a box beside it; the ball goes into the box (or, with no box beside it, away), two
    steps pass, then ``out`` (a toy kind) comes out where the ball was. Returns the
    mind after the box took the ball and after the reveal (copies of its file fields)."""
    n = cohort.n
    s = Session(["reacher"] * n, 0)
    mind = cohort.new_mind()
    seen = []

    def policy(view, senses, state):
        cohort.word_cue(view, senses, mind, learn=learn)
        seen.append({k: getattr(mind, k).copy() for k in mind.FIELDS if k != "belief"})
        return np.zeros(n, dtype=np.int64)

    s.new_trial()
    s.caregiver((1, 4))
    if box_beside:
        s.put(1, s.box, (3, 3))
    s.put(0, s.kinds("ball"), (2, 3))
    s.hold(NORTH)
    s.step(policy)
    s.put(0, s.kinds("ball") if box_beside else -1, (2, 3), inside=1 if box_beside else None)
    for _ in range(3):
        s.hold(NORTH)
        s.step(policy)
    s.put(0, s.kinds(out), (2, 3))
    s.hold(NORTH)
    s.step(policy)
    return seen[1], seen[-1]


def test_a_toy_that_vanishes_beside_a_box_is_filed_in_it():
    """A toy gone from its place with a box beside it went into the box: the file moves
    there and keeps it, its place watched; with nothing beside it, the toy is gone."""
    cohort = Cohort(None, n=4, seed=0)
    hidden, _ = _reveal(cohort, out="ball", learn=False)
    assert (hidden["file_lat"] == -1).all() and (hidden["file_fwd"] == 1).all()
    assert (hidden["file_str"] > 0.9).all() and (hidden["file_watch"] == 2).all()
    gone, _ = _reveal(cohort, out="ball", learn=False, box_beside=False)
    assert (gone["file_str"] == 0).all() and (gone["file_watch"] == 0).all()


def test_the_expectation_that_hidden_toys_stay_is_learned_in_life_only():
    """The same toy out of the box raises the expectation (by ``a.permanence_rate`` of
    what is left to learn) and holds no gaze; another toy out of it lowers it and, as
    strongly as it was expected and the toy remembered, holds the gaze. Probes (no
    ``learn``) and an infant that does not learn leave it as it is."""
    cohort = Cohort(None, n=4, seed=0)
    rate = cohort.config.a.permanence_rate
    _, fit = _reveal(cohort, out="ball", learn=True)
    assert np.allclose(cohort.permanence, rate) and (fit["dwell"] == 0).all()
    cohort.permanence[:] = 0.5
    _, misfit = _reveal(cohort, out="duck", learn=True)
    assert np.allclose(cohort.permanence, 0.5 * (1 - rate))
    strength = np.exp(-3 / 16.0)  # three steps unseen with the default span
    look = cohort.config.m.surprise_look
    assert (misfit["dwell"] == int(look * 0.5 * (1 - rate) * strength + 0.5)).all()
    assert (misfit["dwell"] > 0).all()
    before = cohort.permanence.copy()
    _reveal(cohort, out="duck", learn=False)
    assert np.array_equal(cohort.permanence, before)
    still = Cohort({"learning": False}, n=4, seed=0)
    _reveal(still, out="ball", learn=True)
    assert (still.permanence == 0).all()


def _voe(config=None, permanence: float = 1.0):
    """The violation-of-expectation probe (8 pairs, reacher bodies) for an untrained
    cohort whose expectation that hidden toys stay is set to ``permanence``."""
    from infancy.curricula.probes import CohortPolicy, violation_of_expectation

    cohort = Cohort(config, n=8, seed=0)
    cohort.permanence[:] = permanence
    return violation_of_expectation(
        CohortPolicy(cohort.frozen(), 3), ["reacher"] * 8, trials=8, seed=3
    )


def test_a_surprise_holds_the_gaze_at_the_impossible_event():
    """B untrained, turning away at random: with the expectation learned, the toy that
    comes out of the wrong box holds the infants' gaze (mean score 0.84 here; a random
    turner in the possible event sometimes looks as long, and the sign test of 8 pairs
    needs nearly all; held past the probe's look window, 7 of 8 pass). With none learned
    (birth, or the no-learning infant), no memory, no object file or no hold, nothing
    tells the two events apart: no infant passes and the mean score is near chance."""
    assert _voe()["score"].mean() >= 0.75
    assert _voe({"m": {"surprise_look": 12}})["passed"].sum() >= 6
    for config, permanence in (
        (None, 0.0),
        ({"a": {"memory_span": 0.0}}, 1.0),
        ({"a": {"object_file": False}}, 1.0),
        ({"m": {"surprise_look": 0}}, 1.0),
    ):
        rows = _voe(config, permanence)
        assert rows["passed"].sum() == 0 and abs(rows["score"].mean() - 0.5) < 0.15


def test_a_surprise_holds_an_acting_infant_still_and_b_learns_that_it_stayed():
    """In life, an acting infant whose gaze a surprise holds stays (``dwell`` steps, as
    the kernel counts them down), the step is marked held, and B's update takes the
    old log-probability of STAY, the action taken, from B as it was at the step."""
    world = make_batch("reach-v0", 2, seed=0, autoreset=True)
    world.reset()
    cohort = Cohort({"chunk": 8}, n=2, seed=0)
    cohort.m.override(mode="act", gate_b=1.0)
    cohort.live(world, 8)  # the override takes effect at the next decision
    assert (cohort.mode == ACT).all()
    cohort.mind.dwell[:] = [3, 0]
    acts = []
    for _ in range(3):
        cohort.step(world)
        acts.append(cohort._action[:, cohort._t - 1].copy())
    assert [a[0] for a in acts] == [STAY, STAY, acts[2][0]]
    assert cohort._held[0, :3].tolist() == [True, True, False] and not cohort._held[1, :3].any()
    seen = {}
    learn = cohort.b.learn

    def spy(rollout, gate):
        seen.update(rollout, sampled=cohort._logp.clone())
        return learn(rollout, gate)

    cohort.b.learn = spy
    with torch.no_grad():
        logits, _ = cohort.b.evaluate(cohort._s[:, :2])
    cohort.live(world, 5)
    stay = torch.log_softmax(logits[0], -1)[:, STAY]
    assert torch.allclose(seen["logp"][0, :2], stay)
    assert torch.equal(seen["logp"][0, 2:], seen["sampled"][0, 2:])
    assert torch.equal(seen["logp"][1], seen["sampled"][1])


def _named_toy_states(cohort: Cohort, seed: int, trials: int = 1):
    """Two toys ahead, left and right; the caregiver names one: B's states (with the
    word cue) one step later, and the side of the named toy (1 right), for ``trials``
    trials in one session: ``[N, trials, D]``, ``[N, trials]`` and the cues."""
    n = cohort.n
    s = Session(["reacher"] * n, seed)
    rng = np.random.default_rng(seed)
    states, sides, cues = [], [], []
    for _ in range(trials):
        pair = np.argsort(rng.random((n, len(TOYS))), 1)[:, :2]
        kinds = np.array([s.kinds(t) for t in TOYS])[pair]
        named_right = rng.random(n) < 0.5
        s.new_trial()
        s.put(0, kinds[:, 0], (3, 3))
        s.put(1, kinds[:, 1], (3, 5))
        s.hold(NORTH)
        s.say(np.where(named_right, kinds[:, 1], kinds[:, 0]), FLAG_IMPERATIVE)
        s.step(lambda view, senses, state: np.zeros(n, dtype=np.int64))  # held: it hears
        mind = cohort.new_mind()
        view, senses = s.env.view[:, 0], s.env.senses[:, 0]
        with torch.no_grad():
            z = cohort.a.encode(cohort.features(view[:, None], senses[:, None]))[:, 0]
            belief = cohort.a.remember(torch.zeros_like(z), z)
            cue = torch.from_numpy(cohort.word_cue(view, senses, mind))
        states.append(cohort.state_of(z, belief, cue))
        sides.append(named_right)
        cues.append(cue)
    return torch.stack(states, 1), np.stack(sides, 1), torch.stack(cues, 1)


def _pool(cohort: Cohort, seed: int, trials: int):
    """:func:`_named_toy_states` as states and the right turn (A does not learn here,
    so the trials can be made once)."""
    states, right, _ = _named_toy_states(cohort, seed, trials)
    return states, torch.from_numpy(np.where(right, TURN_RIGHT, TURN_LEFT))


def _teach_turning(pathway: bool, updates: int = 150) -> float:
    """Every infant knows every word (A's lexicon set); B learns by PPO to turn to the
    named toy (reward 1, else 0), on one-step trials eight at a time; the share of new
    trials on which its most likely action is the right turn."""
    cohort = Cohort({"b": {"word_pathway": pathway}}, n=8, seed=0)
    rules = cohort.rules
    for w, word in enumerate(rules.vocabulary, start=1):
        cohort.a.lexicon[:, w, rules.kind_index(word) + 1] = 1.0
    cohort.attend()
    train, train_turn = _pool(cohort, 100, 40)
    test, test_turn = _pool(cohort, 900, 8)
    return _ppo_turning_score(cohort, train, train_turn, test, test_turn, updates)


def _ppo_turning_score(cohort, train, train_turn, test, test_turn, updates: int) -> float:
    """B learns by PPO on one-step trials drawn eight at a time from ``train``
    (``[N, T, D]`` states), reward 1 for the action in ``train_turn``; the share of
    ``test`` states on which its most likely action is ``test_turn``."""
    gen = torch.Generator().manual_seed(0)
    n = cohort.n
    for _ in range(updates):
        pick = torch.randint(0, train.shape[1], (8,), generator=gen)
        state, turn = train[:, pick], train_turn[:, pick]
        with torch.no_grad():
            logits, value = cohort.b.evaluate(state)
            probs = torch.softmax(logits, -1)
            action = torch.multinomial(probs.reshape(-1, probs.shape[-1]), 1, generator=gen)
            action = action.view(n, -1)
            logp = torch.log(probs.gather(-1, action[..., None])[..., 0])
        reward = (action == turn).float()
        rollout = {
            "z": state,
            "action": action,
            "logp": logp,
            "value": value,
            "reward": reward,
            "done": torch.ones_like(reward),  # one-step trials
            "last_value": torch.zeros(n),
        }
        cohort.b.learn(rollout, torch.ones(n))
    with torch.no_grad():
        best = cohort.b.evaluate(test)[0].argmax(-1)
    return float((best == test_turn).float().mean())


def test_the_cue_sectors_code_the_place_the_cue_points_to():
    # Place slots (lateral / half, forward / depth) of: the cell left, right, in front,
    # two ahead, diagonal front-left, behind, the infant's own cell; and a place with
    # no strength. Half 3 and depth 6 (a view of 7).
    places = [(-1, 0), (1, 0), (0, 1), (0, 2), (-1, 1), (0, -1), (0, 0), (1, 0)]
    cue = np.zeros((len(places), CUE + SECTORS), dtype=np.float32)
    for i, (lat, fwd) in enumerate(places):
        cue[i, :4] = (0.0, 0.5, lat / 3, fwd / 6)
    cue[-1, 1] = 0.0
    cue[:, 4:] = 9.0  # stale values are cleared
    _sectors(cue, 3.0, 6.0)
    assert cue[:, 4:].tolist() == [
        [0.5, 0, 0, 0],  # left
        [0, 0.5, 0, 0],  # right
        [0, 0, 0.5, 0],  # in front: within reach
        [0, 0, 0, 0.5],  # further ahead
        [0.5, 0, 0, 0],  # diagonal: aside (a turn faces it first)
        [0, 0, 0, 0],  # straight behind: no sector
        [0, 0, 0, 0],  # the infant's own cell
        [0, 0, 0, 0],  # no cue
    ]
    # Off (b.cue_sectors false), B's state has no sector slots at all.
    on = Cohort({"b": {"cue_sectors": True}}, n=2, seed=0)
    off = Cohort({"b": {"cue_sectors": False}}, n=2, seed=0)
    assert off.cue_size == CUE + BORED and off.state_size == on.state_size - SECTORS


def _habit_trace(steps):
    """Drive one infant's mind through ``steps`` (restrained, turned, reached) with an
    empty view and return the habit slots (strength, lateral, forward: in cells) after
    each, and the habit's sector slots of the last step."""
    cohort = Cohort({"b": {"habit": True}}, n=1, seed=0)
    mind = cohort.new_mind()
    view = np.zeros((1, 6, cohort.view_size, cohort.view_size), dtype=np.uint8)
    out = []
    for restrained, turned, reached in steps:
        senses = np.zeros((1, len(SENSES)), dtype=np.uint8)
        senses[0, S_RESTRAINED] = restrained
        senses[0, S_TURNED] = turned
        cue = cohort.word_cue(view, senses, mind)
        s, lat, fwd = cue[0, cohort.habit_at : cohort.habit_at + HABIT]
        out.append((round(float(s), 4), round(float(lat) * 3), round(float(fwd) * 6)))
        mind.reached[0] = reached
    at = cohort.habit_at + HABIT
    return cohort, out, cue[0, at : at + SECTORS].tolist()


def test_the_motor_habit_is_where_reaches_went_from_where_the_infant_was_held():
    # Held facing the caregiver, let go, turn left (1) and reach into the cell then in
    # front, held again (turned back right, 2), let go: the habit is to the left of the
    # seat, in front while the infant still faces it. Half 3 and depth 6 (a view of 7).
    held, free = (1, 0, False), (0, 0, False)
    cohort, trace, sectors = _habit_trace([held, free, (0, 1, True), free, (1, 2, False), free])
    keep = cohort.config.b.habit_decay
    assert [t[0] for t in trace[:3]] == [0.0, 0.0, 0.0]
    assert trace[3] == (round(0.5 * keep, 4), 0, 1)  # just reached: the cell in front
    assert trace[4] == (round(0.5 * keep**2, 4), -1, 0)  # held north again: to the left
    assert trace[5] == (round(0.5 * keep**3, 4), -1, 0)
    assert sectors == [pytest.approx(trace[5][0], abs=1e-4), 0, 0, 0]  # by sector: left
    # A second reach there strengthens it; a reach to the right moves it there.
    again = [(0, 1, True), free, (1, 2, False), free]
    _, twice, _ = _habit_trace([held, free, *again, *again])
    assert twice[-1][0] > trace[5][0] and twice[-1][1:] == (-1, 0)
    right = [(0, 2, True), free, (1, 1, False), free]
    _, moved, sectors = _habit_trace([held, free, *again, *right])
    assert moved[-1] == (round(0.5 * keep**3, 4), 1, 0)
    assert sectors[0] == 0 and sectors[1] > 0  # by sector: right
    # Unused, the habit fades to nothing.
    _, faded, _ = _habit_trace([held, (0, 0, True)] + [free] * 400)
    assert faded[-1] == (0.0, 0, 0)
    # Off (the default), B's state has no habit slots (habituation's slot comes last).
    assert Cohort(None, n=1, seed=0).cue_size == CUE + SECTORS + BORED


def test_an_infant_acting_notes_its_free_reaches_for_the_habit():
    cohort = Cohort({"b": {"habit": True}}, n=64, seed=0)
    world = make_batch("a-not-b-v0", 64, seed=0)
    world.reset()
    mind = cohort.new_mind()
    reaches = {True: 0, False: 0}  # free, held
    for _ in range(12):
        view, senses = world.view[:, 0], world.senses[:, 0]
        action = cohort.act(view, senses, mind=mind)
        free = senses[:, S_RESTRAINED] == 0
        assert np.array_equal(mind.reached, (action == REACH) & free)
        reaches[True] += int(((action == REACH) & free).sum())
        reaches[False] += int(((action == REACH) & ~free).sum())
        world.step(action[:, None])
    assert min(reaches.values()) > 0  # both kinds happened
    # In life, a reach B chose is no reach when the infant does not act (M's mode is
    # not ACT) or a surprise holds it: the cohort's policy clears those.
    live = Cohort({"b": {"habit": True}}, n=64, seed=0)
    world.reset()
    for _ in range(8):  # to the search, where the infants are free
        world.step(np.full((64, 1), STAY))
    live.start(world.view[:, 0], world.senses[:, 0])
    live.action["mode"] = np.where(np.arange(64) % 2 == 0, ACT, OBSERVE)
    live.mind.dwell[::4] = 3
    act, _, _, _ = live.policy()
    acting = (live.mode == ACT) & (live.mind.dwell == 0)
    assert not live.mind.reached[~acting].any()
    assert np.array_equal(live.mind.reached, act == REACH) and (act == REACH).any()


def _assert_logp_is_evaluates(cohort: Cohort, action, logp, state) -> None:
    """The log-probability recorded for each action is the one B's :meth:`evaluate`
    gives for the stored state (so PPO's ratios start at 1)."""
    with torch.no_grad():
        logits = cohort.b.evaluate(state.clone()[:, None])[0][:, 0]
    want = torch.log_softmax(logits, -1).gather(1, action[:, None])[:, 0]
    assert torch.allclose(logp, want, atol=1e-5)


def _free_in_playroom(cohort: Cohort):
    """The first view and senses of ``cohort.n`` playrooms, nobody held, and a new mind."""
    world = make_batch("playroom-v0", cohort.n, seed=0)
    world.reset()
    view = np.ascontiguousarray(world.view[:, 0])
    senses = np.ascontiguousarray(world.senses[:, 0]).copy()
    senses[:, S_RESTRAINED] = 0
    return view, senses, cohort.new_mind()


def test_the_habit_pulls_the_act_that_brings_its_place_nearer():
    """``b.habit_pull``: the action toward the habit's place gets the weight times the
    habit's strength on its logit (half 3, depth 6: a view of 7)."""
    # Habituation off, so B's prior is the habit's pull alone.
    cohort = Cohort({"b": {"habit": True, "habit_pull": 4.0, "habituation": 0.0}}, n=1, seed=0)
    pull = cohort.b.prior
    places = [(-1, 0), (2, 1), (0, 1), (0, 3), (0, 0), (-1, 0)]
    cue = np.zeros((len(places), cohort.cue_size), dtype=np.float32)
    for i, (lat, fwd) in enumerate(places):
        cue[i, cohort.habit_at : cohort.habit_at + HABIT] = (0.5, lat / 3, fwd / 6)
    cue[-1, cohort.habit_at] = 0.0  # no habit: no pull
    got = pull.of_cue(cue)
    want = np.zeros_like(got)
    for i, a in enumerate([TURN_LEFT, TURN_RIGHT, REACH, FORWARD]):
        want[i, a] = 2.0  # 4 nats times a strength of 0.5
    assert np.array_equal(got, want)  # on the place itself, or no habit: no pull
    # The same pull from B's state, where B's logits are computed for learning.
    state = torch.cat([torch.zeros(len(places), 2 * cohort.a.latent), torch.from_numpy(cue)], 1)
    assert torch.equal(pull(state), torch.from_numpy(want))
    no_pull = {"b": {"habit": True, "habituation": 0.0}}
    assert Cohort(no_pull, n=1, seed=0).b.prior is None  # 0: no pull
    # The compiled pull (for acting) and torch's (for learning) agree on any cue.
    rng = np.random.default_rng(0)
    cue = rng.uniform(-1, 1, (256, cohort.cue_size)).astype(np.float32)
    cue[:, cohort.habit_at] = rng.uniform(0, 1, 256)
    cue[:8, cohort.habit_at + 1 : cohort.habit_at + 3] = 0.0  # on the place
    state = torch.cat([torch.zeros(256, 2 * cohort.a.latent), torch.from_numpy(cue)], 1)
    assert np.array_equal(pull.of_cue(cue), pull(state).numpy())


def test_the_habit_s_pull_is_scaled_for_each_infant():
    """``HabitPull.set_scale`` (what a stage's ``habit_scale`` sets): each infant's pull
    is the weight times its own factor, in the compiled pull and in torch's, over any
    leading axes after the infant's; a factor of 0 is no pull and a negative one is
    refused."""
    cohort = Cohort({"b": {"habit": True, "habit_pull": 4.0, "habituation": 0.0}}, n=3, seed=0)
    pull = cohort.habit_pull
    assert pull is cohort.b.prior and torch.equal(pull.scale, torch.ones(3))
    cue = np.zeros((3, cohort.cue_size), dtype=np.float32)
    cue[:, cohort.habit_at : cohort.habit_at + HABIT] = (0.5, -1 / 3, 0.0)  # to the left
    pull.set_scale([1.0, 0.5, 0.0])
    want = np.zeros((3, cohort.n_actions), dtype=np.float32)
    want[:, TURN_LEFT] = (2.0, 1.0, 0.0)
    assert np.array_equal(pull.of_cue(cue), want)
    state = torch.cat([torch.zeros(3, 2 * cohort.a.latent), torch.from_numpy(cue)], 1)
    assert torch.equal(pull(state), torch.from_numpy(want))
    # B learns from states [N, T, D]: each infant's row keeps its own factor.
    steps = state[:, None].expand(3, 5, state.shape[1])
    assert torch.equal(pull(steps), torch.from_numpy(want)[:, None].expand(3, 5, -1))
    with pytest.raises(ValueError, match="one per infant"):  # factors that differ
        pull.of_cue(cue[:2])
    with pytest.raises(ValueError, match="habit scale"):
        pull.set_scale([1.0, -0.5, 1.0])
    assert Cohort({"b": {"habit": True}}, n=1, seed=0).habit_pull is None


def test_the_pulled_act_is_the_act_b_learns_from():
    """With the habit's pull, the log-probability the cohort's compiled inference
    records for each action is the one B's :meth:`evaluate` gives for the stored state
    (so PPO's ratios start at 1), and a strong pull makes the act the habit's."""
    cohort = Cohort({"b": {"habit": True, "habit_pull": 40.0}}, n=64, seed=0)
    world = make_batch("a-not-b-v0", 64, seed=0)
    world.reset()
    mind = cohort.new_mind()
    pulled = 0
    for _ in range(24):
        view, senses = world.view[:, 0], world.senses[:, 0]
        action, logp, _, state = cohort._infer(view, senses, cohort.gen, mind)
        state = state.clone()  # out of inference mode
        _assert_logp_is_evaluates(cohort, action, logp, state)
        strong = cohort.b.prior(state).amax(1) > 15
        top = cohort.b.prior(state).argmax(1)
        assert torch.equal(action[strong], top[strong])  # 15+ nats: the habit's act
        pulled += int(strong.sum())
        world.step(action.numpy()[:, None])
    assert pulled > 0


def test_habituation_grows_while_the_view_stays_the_same_and_pulls_the_turns():
    """``b.habituation``: the slot rises by 1/steps each step the view is unchanged,
    restarts when it changes or the infant is held or asleep, and its pull goes to both
    turns, the same from the cue (acting) as from B's state (learning)."""
    cohort = Cohort({"b": {"habituation": 3.0, "habituation_steps": 4}}, n=4, seed=0)
    assert cohort.cue_size == CUE + SECTORS + BORED and cohort.bored_at == CUE + SECTORS
    view, senses, mind = _free_in_playroom(cohort)
    awake = np.array([True, True, True, False])
    got = []
    for t in range(6):
        v = view.copy()
        if t == 3:
            v[1, CH_KIND, 0, 0] = (int(v[1, CH_KIND, 0, 0]) + 1) % 5  # infant 1's view changes
        s = senses.copy()
        if t == 4:
            s[2, S_RESTRAINED] = 1  # infant 2 is held
        got.append(cohort.word_cue(v, s, mind, awake)[:, cohort.bored_at].copy())
    got = np.array(got)
    # The first step sees the view for the first time; then 1/4 a step, at most 1.
    assert np.allclose(got[:, 0], [0, 0.25, 0.5, 0.75, 1.0, 1.0])
    assert np.allclose(got[:, 1], [0, 0.25, 0.5, 0.0, 0.0, 0.25])  # changed at 3, back at 4
    assert np.allclose(got[:, 2], [0, 0.25, 0.5, 0.75, 0.0, 0.25])  # held at 4
    assert not got[:, 3].any()  # asleep
    mind.reset()
    assert cohort.word_cue(view, senses, mind, awake)[0, cohort.bored_at] == 0.0  # a new scene
    # The pull: the weight times the slot on both turns, nothing elsewhere.
    rng = np.random.default_rng(0)
    cue = rng.uniform(0, 1, (64, cohort.cue_size)).astype(np.float32)
    pull = cohort.b.prior.of_cue(cue)
    want = np.zeros_like(pull)
    want[:, TURN_LEFT] = want[:, TURN_RIGHT] = 3.0 * cue[:, cohort.bored_at]
    assert np.allclose(pull, want)
    state = torch.cat([torch.zeros(64, 2 * cohort.a.latent), torch.from_numpy(cue)], 1)
    assert np.allclose(cohort.b.prior(state).numpy(), pull)
    # With the habit's pull too, the priors add up.
    both = Cohort({"b": {"habit": True, "habit_pull": 4.0, "habituation": 3.0}}, n=1, seed=0)
    assert both.cue_size == CUE + 2 * SECTORS + HABIT + BORED
    cue = rng.uniform(0, 1, (64, both.cue_size)).astype(np.float32)
    parts = both.b.prior.parts
    assert np.allclose(both.b.prior.of_cue(cue), parts[0].of_cue(cue) + parts[1].of_cue(cue))
    # On by default (4 nats); off, B has no slot and no prior.
    assert Cohort(None, n=1, seed=0).b.prior is not None
    off = Cohort({"b": {"habituation": 0.0}}, n=1, seed=0)
    assert off.b.prior is None and off.cue_size == CUE + SECTORS and off.bored_at is None


def test_a_habituated_infant_looks_away():
    """A strong habituation turns an infant whose view stays the same within a few
    steps, and the acts recorded are the ones B learns from (the log-probabilities of
    its :meth:`evaluate`, so PPO's ratios start at 1)."""
    cohort = Cohort({"b": {"habituation": 40.0, "habituation_steps": 2}}, n=64, seed=0)
    view, senses, mind = _free_in_playroom(cohort)
    for _ in range(3):  # the same view: by the third step the pull is 40 nats
        action, logp, _, state = cohort._infer(view, senses, cohort.gen, mind)
        _assert_logp_is_evaluates(cohort, action, logp, state)
    assert bool(np.isin(action.numpy(), [TURN_LEFT, TURN_RIGHT]).all())


def test_the_word_cue_points_at_the_named_toy():
    cohort = Cohort({"b": {"cue_sectors": True}}, n=16, seed=0)
    for w, word in enumerate(cohort.rules.vocabulary, start=1):
        cohort.a.lexicon[:, w, cohort.rules.kind_index(word) + 1] = 1.0
    cohort.attend()
    _, right, cue = _named_toy_states(cohort, seed=5)
    right, cue = right[:, 0], cue[:, 0]
    assert cue.shape == (16, CUE + SECTORS + BORED) and cohort.cue_size == CUE + SECTORS + BORED
    assert bool((cue[:, 0] == 1.0).all())  # the word is in mind, its hold full
    assert bool((cue[:, 1] == 1.0).all())  # its toy is in view, fully known
    assert np.array_equal(cue[:, 2].numpy() > 0, right)  # lateral: right of the midline
    # The sector code says the same side, with the strength, and nothing else.
    assert np.array_equal(cue[:, 5].numpy() == 1.0, right)
    assert np.array_equal(cue[:, 4].numpy() == 1.0, ~right)
    assert not cue[:, 6:].any()
    # An infant who knows no word: the word is in mind, but nothing is attended.
    naive = Cohort(None, n=16, seed=0)
    _, _, cue0 = _named_toy_states(naive, seed=5)
    cue0 = cue0[:, 0]
    assert bool((cue0[:, 1:] == 0).all()) and bool((cue0[:, 0] == 1.0).all())
    # The no-word-pathway infant reads no word: its cue is the word-free orienting one
    # (the nearest object, here the first of two at the same distance), the same
    # whichever toy is named.
    off = Cohort({"b": {"word_pathway": False}}, n=16, seed=0)
    off.a.lexicon.copy_(cohort.a.lexicon)
    off.attend()
    _, _, cue_off = _named_toy_states(off, seed=5)
    cue_off = cue_off[:, 0]
    assert bool((cue_off[:, 0] == 0).all())
    assert bool((cue_off[:, 1:] == cue_off[:1, 1:]).all())
    assert not np.array_equal(cue_off[:, 2].numpy() > 0, right)
    # Without orienting either, it reads no cue at all.
    bare = Cohort({"b": {"word_pathway": False, "orient": False}}, n=16, seed=0)
    _, _, cue_bare = _named_toy_states(bare, seed=5)
    assert bool((cue_bare == 0).all())


def test_with_no_word_the_cue_points_at_the_nearest_object_in_view():
    """Bottom-up orienting (``b.orient``): one toy front-left or front-right (drawn) and
    another two rows further ahead on the other side; no word. The cue's place is the
    near toy's, so B can find a toy it sees without anyone naming it; off, the cue is
    0; with nothing in view, 0."""
    n = 16
    rng = np.random.default_rng(3)
    right = rng.random(n) < 0.5
    s = Session(["crawler"] * n, 0)
    s.new_trial()
    kinds = np.array([s.kinds(t) for t in TOYS])[np.argsort(rng.random((n, len(TOYS))), 1)]
    s.put(0, kinds[:, 0], np.where(right[:, None], (3, 5), (3, 3)))
    s.put(1, kinds[:, 1], np.where(right[:, None], (1, 2), (1, 6)))
    s.hold(NORTH)
    s.step(lambda view, senses, state: np.zeros(n, dtype=np.int64))
    view, senses = s.env.view[:, 0], s.env.senses[:, 0]
    on = Cohort(None, n=n, seed=0)
    cue = on.word_cue(view, senses, on.new_mind())
    assert (cue[:, 0] == 0).all() and (cue[:, 1] == 1).all()  # no word; an object seen
    assert np.array_equal(cue[:, 2] > 0, right)  # the near toy's side, not the far one's
    assert (cue[:, 3] > 0).all()  # ahead
    off = Cohort({"b": {"orient": False}}, n=n, seed=0)
    assert (off.word_cue(view, senses, off.new_mind()) == 0).all()
    s.new_trial()
    s.hold(NORTH)
    s.step(lambda view, senses, state: np.zeros(n, dtype=np.int64))
    empty = on.word_cue(s.env.view[:, 0], s.env.senses[:, 0], on.new_mind())
    assert (empty == 0).all()


@pytest.mark.parametrize("cue", ["gaze", "point"])
def test_the_cue_points_where_the_caregiver_looks_or_points(cue):
    """Geometric joint attention (``b.follow``), in the cue probe's own layout: the
    caregiver front-left or front-right (drawn), two toys in two of three directions
    (west and east beside the infant, out of view; north ahead), its head (or arm)
    turned to one. The cue's place is on the cued toy's side, ahead for the north toy,
    whichever side the caregiver stands on; off, the cue is orienting's, the same
    whichever toy is cued; with eye contact alone, orienting's too."""
    from infancy.curricula.probes import CUE_CAREGIVER, CUE_SPOTS

    n = 64
    rng = np.random.default_rng(7)
    s = Session(["reacher"] * n, 0)
    s.new_trial()
    s.caregiver(np.array(CUE_CAREGIVER)[rng.integers(0, 2, size=n)])
    spots = np.sort(np.argsort(rng.random((n, 3)), axis=1)[:, :2] + 1, axis=1)
    kinds = np.array([s.kinds(t) for t in TOYS])[np.argsort(rng.random((n, len(TOYS))), 1)]
    table = np.array([CUE_SPOTS[1], *CUE_SPOTS.values()])
    for j in range(2):
        s.put(j, kinds[:, j], table[spots[:, j]])
    target = rng.integers(0, 2, size=n)
    where = spots[np.arange(n), target]  # 1 north, 2 west, 3 east
    s.hold(NORTH)
    if cue == "gaze":
        s.cg[:, 1] = s.obj_code(target)
    else:
        s.cg[:, 1] = 1
        s.cg[:, 2] = s.obj_code(target)
    s.step(lambda view, senses, state: np.zeros(n, dtype=np.int64))
    view, senses = s.env.view[:, 0], s.env.senses[:, 0]
    on = Cohort(None, n=n, seed=0)
    got = on.word_cue(view, senses, on.new_mind())
    assert (got[:, 0] == 0).all() and (got[:, 1] == 1).all()
    assert (got[where == 2, 2] < 0).all() and (got[where == 3, 2] > 0).all()
    assert (got[where == 1, 2] == 0).all() and (got[where == 1, 3] > 0).all()
    off = Cohort({"b": {"follow": False}}, n=n, seed=0)
    plain = off.word_cue(view, senses, off.new_mind())
    assert not np.array_equal(plain[:, 2] < 0, where == 2)
    # Turned off for some infants (a stage's follow: false), those get the cue of an
    # infant without it, the rest follow; the copies the probes use keep the setting,
    # and an infant without b.follow cannot be turned on.
    some = np.arange(n) % 3 == 0
    on.set_follow(~some)
    mixed = on.word_cue(view, senses, on.new_mind())
    assert np.array_equal(mixed[some], plain[some]) and np.array_equal(mixed[~some], got[~some])
    assert np.array_equal(on.frozen().follow, ~some)
    on.set_follow(True)
    assert np.array_equal(on.word_cue(view, senses, on.new_mind()), got)
    off.set_follow(True)
    assert not off.follow.any()
    # Eye contact alone: no direction to follow, so the cue is orienting's.
    s.cg[:, 1] = 1
    s.cg[:, 2] = 0
    s.hold(NORTH)
    s.step(lambda view, senses, state: np.zeros(n, dtype=np.int64))
    view, senses = s.env.view[:, 0], s.env.senses[:, 0]
    assert np.array_equal(
        on.word_cue(view, senses, on.new_mind()), off.word_cue(view, senses, off.new_mind())
    )


def test_a_heard_word_steers_b_through_the_pathway():
    """With the pathway B learns to turn to the named toy on new trials; without it (the
    word is still a sense, the toys still in view) it stays near chance in the same
    number of updates. Chance: 1/2 (the shortcut "always turn one way" scores 1/2)."""
    with_pathway = _teach_turning(True)
    without = _teach_turning(False)
    assert with_pathway >= 0.9, with_pathway
    assert without <= 0.75, without


def _seen_toy_states(cohort: Cohort, seed: int, trials: int):
    """One toy in view to the left or the right (drawn), one or two cells to the side
    and one or two ahead, nothing named: B's states (``[N, trials, D]``) and the toy's
    side (1 right)."""
    n = cohort.n
    s = Session(["reacher"] * n, seed)
    rng = np.random.default_rng(seed)
    states, sides = [], []
    for _ in range(trials):
        right = rng.random(n) < 0.5
        kinds = np.array([s.kinds(t) for t in TOYS])[rng.integers(0, len(TOYS), n)]
        s.new_trial()
        side = rng.integers(1, 3, n) * np.where(right, 1, -1)
        place = np.stack([4 - rng.integers(1, 3, n), 4 + side], 1)
        s.put(0, kinds, place)
        s.hold(NORTH)
        s.env.refresh()
        states.append(_state(cohort, s, cohort.new_mind()))
        sides.append(right)
    return torch.stack(states, 1), np.stack(sides, 1)


def _state(cohort: Cohort, s: Session, mind) -> torch.Tensor:
    view, senses = s.env.view[:, 0], s.env.senses[:, 0]
    with torch.no_grad():
        z = cohort.a.encode(cohort.features(view[:, None], senses[:, None]))[:, 0]
        cue = torch.from_numpy(cohort.word_cue(view, senses, mind))
    return cohort.state_of(z, torch.zeros_like(z), cue)


def _hidden_toy_states(cohort: Cohort, seed: int, trials: int):
    """The probes' hiding, read at the search: a toy shown straight ahead, the infant
    then turned a quarter left or right (drawn) by the experimenter as a box covers the
    toy, so the toy's box is beside it, out of sight, on the side opposite the turn.
    B's states at that moment and the toy's side (1 right)."""
    n = cohort.n
    s = Session(["reacher"] * n, seed)
    rng = np.random.default_rng(seed)
    states, sides = [], []
    for _ in range(trials):
        turn_left = rng.random(n) < 0.5
        kinds = np.array([s.kinds(t) for t in TOYS])[rng.integers(0, len(TOYS), n)]
        mind = cohort.new_mind()
        s.new_trial()
        s.put(0, kinds, (3, 4))
        s.hold(NORTH)
        s.env.refresh()
        _state(cohort, s, mind)  # the toy seen, straight ahead
        s.put(1, s.box, (3, 4))
        s.put(0, kinds, (3, 4), inside=1)
        s.hold(np.where(turn_left, 2, 0))  # west or east: the box now right or left
        s.env.refresh()
        states.append(_state(cohort, s, mind))
        sides.append(turn_left)
    return torch.stack(states, 1), np.stack(sides, 1)


def _teach_turning_to_seen_toys(config) -> float:
    """B learns by PPO (one-step trials, reward 1 for turning towards the toy) to turn
    to a toy it sees; then, never taught with a hidden toy, it is asked where the
    hidden one is: the share of hidden-toy trials on which its most likely action is
    the turn towards the toy's box."""
    cohort = Cohort(config, n=8, seed=0)
    train, right = _seen_toy_states(cohort, 100, 40)
    turn = torch.from_numpy(np.where(right, TURN_RIGHT, TURN_LEFT))
    test, test_right = _hidden_toy_states(cohort, 900, 8)
    want = torch.from_numpy(np.where(test_right, TURN_RIGHT, TURN_LEFT))
    return _ppo_turning_score(cohort, train, turn, test, want, 150)


def test_memory_lets_a_skill_learned_on_seen_toys_find_a_hidden_one():
    """Taught only to turn to toys it sees, B turns to the box of a toy it saw hidden
    before it was turned away (the object file carries the toy's place through the
    felt turn). Without memory (span 0, ``no-memory``) the hidden toy's side is in
    nothing B reads: near chance (1/2; "always turn one way" scores 1/2)."""
    with_memory = _teach_turning_to_seen_toys(None)
    without = _teach_turning_to_seen_toys({"a": {"memory_span": 0.0}})
    assert with_memory >= 0.9, with_memory
    assert without <= 0.75, without


def _skill_states(g: torch.Generator, n: int, d: int, centre: torch.Tensor):
    return centre + 0.1 * torch.randn(n, 32, d, generator=g)


def _prob(b, states: torch.Tensor, action: int) -> torch.Tensor:
    """Each infant's mean probability of ``action`` over its ``states[N, S, D]``."""
    with torch.no_grad():
        logits, _ = b.evaluate(states)
    return torch.softmax(logits, -1)[..., action].mean(1)


def _practise(b, states: torch.Tensor, g: torch.Generator, good_action: int | None = None):
    """One PPO update of ``b`` on its own actions in ``states[N, S, D]`` (drawn with
    ``g``), each a one-step episode rewarded 1 where it is ``good_action`` (none
    rewarded without one)."""
    n = states.shape[0]
    with torch.no_grad():
        logits, value = b.evaluate(states)
        probs = torch.softmax(logits, -1)
        action = torch.multinomial(probs.reshape(-1, probs.shape[-1]), 1, generator=g)
        action = action.view(n, -1)
        logp = torch.log(probs.gather(-1, action[..., None])[..., 0])
    reward = (action == good_action).float() if good_action is not None else torch.zeros_like(logp)
    rollout = {"z": states, "action": action, "logp": logp, "value": value, "reward": reward}
    rollout.update(done=torch.ones_like(reward), last_value=torch.zeros(n))
    b.learn(rollout, torch.ones(n))


@pytest.mark.parametrize("replay", [True, False])
def test_replay_keeps_a_skill_that_new_learning_would_overwrite(replay):
    """B learns skill X (action 4 in states near cx), then only skill Y (action 3 in
    states near cy) is practised. Relived rewarded memories of X keep it; without
    replay new practice overwrites it."""
    # The synthetic states' geometry (their size, B's random start) as the test was
    # written: with the cue's sector slots (b.cue_sectors) B's state is 4 wider, and on
    # that draw 2 of 4 infants never try Y's action, so the test pins the sectors off.
    # Habituation (on by default since 2026-12-05) is pinned off for the same reason:
    # its slots widen the state and its prior reads random numbers in these states.
    cohort = Cohort({"b": {"cue_sectors": False, "habituation": 0.0}}, n=4, seed=0)
    b, n, d = cohort.b, cohort.n, cohort.state_size
    g = torch.Generator().manual_seed(0)
    # Y's states lie near X's: practising Y moves B's policy at X's states too.
    cx, u = torch.randn(d, generator=g), torch.randn(d, generator=g)
    cy = cx + u / u.norm()
    ones = torch.ones(n)

    def practise(centre, good_action):
        _practise(b, _skill_states(g, n, d, centre), g, good_action)

    for _ in range(60):
        practise(cx, 4)
    learned = _prob(b, _skill_states(g, n, d, cx), 4)
    assert bool((learned > 0.8).all()), learned
    memory = {
        "z": _skill_states(g, n, d, cx),
        "action": torch.full((n, 32), 4),
        "reward": torch.ones(n, 32),
        "valid": torch.ones(n, 32, dtype=torch.bool),
    }
    for _ in range(150):
        practise(cy, 3)
        if replay:
            b.learn_replayed(memory, ones)
    kept = _prob(b, _skill_states(g, n, d, cx), 4)
    # Y is learned either way (chance 1/8), a little more slowly beside rehearsal, by
    # most infants: one whose policy already takes X's action everywhere near Y never
    # tries Y's and so is never taught it. Where Y was learned, X is kept only with
    # replay.
    got_y = _prob(b, _skill_states(g, n, d, cy), 3) > 0.6
    assert int(got_y.sum()) >= n - 1, got_y
    if replay:
        assert bool((kept[got_y] > 0.8).all()), kept
    else:
        assert bool((kept[got_y] < 0.2).all()), kept


@pytest.mark.parametrize("credited", [True, False])
def test_rehearsal_keeps_the_steps_that_led_to_a_reward_only_with_credit(credited):
    """A skill of two steps: turn (action 1) where the toy is out of reach, then reach
    (action 4) where it is rewarded. Rehearsed from memories whose turn holds its
    share of the reward (memory.credit_steps), B keeps both steps; rehearsed from the
    step's own reward (0 for the turn), only the reach."""
    cohort = Cohort({"b": {"cue_sectors": False, "habituation": 0.0}}, n=4, seed=0)
    b, n, d = cohort.b, cohort.n, cohort.state_size
    g = torch.Generator().manual_seed(1)
    turn_at, reach_at = torch.randn(d, generator=g), torch.randn(d, generator=g)
    gamma = cohort.config.b.gamma
    memory = {
        "z": torch.cat([_skill_states(g, n, d, turn_at), _skill_states(g, n, d, reach_at)], 1),
        "action": torch.cat([torch.full((n, 32), 1), torch.full((n, 32), 4)], 1),
        "reward": torch.cat(
            [torch.full((n, 32), gamma if credited else 0.0), torch.ones(n, 32)], 1
        ),
        "valid": torch.ones(n, 64, dtype=torch.bool),
    }
    before = _prob(b, _skill_states(g, n, d, turn_at), 1)
    for _ in range(100):
        b.learn_replayed(memory, torch.ones(n))
    assert bool((_prob(b, _skill_states(g, n, d, reach_at), 4) > 0.8).all())
    turn = _prob(b, _skill_states(g, n, d, turn_at), 1)
    if credited:
        assert bool((turn > 0.8).all()), turn
    else:
        assert bool((turn < 0.3).all()) and bool((turn < before + 0.1).all()), (before, turn)


def _entropy(b, states: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        logp = torch.log_softmax(b.evaluate(states)[0], -1)
    return -(logp.exp() * logp).sum(-1).mean(1)


def test_an_entropy_floor_brings_back_choice_only_where_the_policy_collapsed():
    """A policy collapsed onto one action in some states (by rehearsal of one rewarded
    action) and then never rewarded there stays collapsed in half of the infants or more
    under PPO with no entropy bonus; with ``b.entropy_floor`` it regains choice in every
    infant. Where every state's entropy is above the floor, the floor changes nothing."""
    from infancy.infants.config import BConfig
    from infancy.infants.system_b import PpoB

    n, d = 4, 16
    g = torch.Generator().manual_seed(0)
    centre = torch.randn(d, generator=g)
    states = _skill_states(g, n, d, centre)

    def new_b(**floor):
        config = BConfig(entropy=0.0, **floor)
        return PpoB(config, n, d, 8, torch.Generator().manual_seed(1))

    # Above the floor everywhere (a new policy is near uniform, ln 8 = 2.08 nats): the
    # same update, bit for bit.
    fresh, floored = new_b(), new_b(entropy_floor=1.0)
    _practise(fresh, states, torch.Generator().manual_seed(2))
    _practise(floored, states, torch.Generator().manual_seed(2))
    for p, q in zip(fresh.parameters(), floored.parameters(), strict=True):
        assert torch.equal(p, q)
    # Collapsed, then practised without reward.
    out = {}
    for floor in (0.0, 1.0):
        # A strong weight, so that the floor's pull is plain against PPO's noise here.
        b = new_b(entropy_floor=floor, entropy_floor_weight=1.0)
        memory = {
            "z": states,
            "action": torch.full((n, 32), 1),
            "reward": torch.ones(n, 32),
            "valid": torch.ones(n, 32, dtype=torch.bool),
        }
        for _ in range(100):
            b.learn_replayed(memory, torch.ones(n))
        collapsed = _entropy(b, states)
        assert bool((collapsed < 0.3).all()), collapsed
        practice = torch.Generator().manual_seed(3)
        for _ in range(100):
            _practise(b, states, practice)
        out[floor] = _entropy(b, states)
    # Unrewarded PPO moves a collapsed policy at random (its advantages are the
    # critic's normalised errors): on this draw one infant of four regains choice alone
    # where torch's kernels take the AVX512 path, two on the AVX2 path (the floats
    # differ); half or more stay collapsed on either, and none with the floor.
    assert int((out[0.0] < 0.4).sum()) >= 2, out[0.0]
    assert bool((out[1.0] > 0.7).all()), out[1.0]


def _meta(n: int, **values) -> dict[str, np.ndarray]:
    base = {k: np.zeros(n) for k in META_STATES}
    base.update(energy=np.ones(n), trust=np.full(n, 0.8), prediction_error=np.ones(n))
    base["memories"] = np.zeros(n)
    for k, v in values.items():
        base[k] = np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy()
    return base


def test_system_m_modes_follow_its_inputs_not_a_chunk_counter():
    """Each rule of the rule M, one input at a time; the same inputs give the same mode
    at any chunk index (no counter), unlike the fixed schedule."""
    n = 4
    m = RuleM(MConfig(), n)
    assert (m.decide(_meta(n), 0.0)["mode"] == ACT).all()
    assert (m.decide(_meta(n, social=0.9), 0.0)["mode"] == OBSERVE).all()
    assert (m.decide(_meta(n, social=0.9), 0.0)["mode"] == ACT).all()  # not twice running
    assert (m.decide(_meta(n, lp_a=-0.5), 0.0)["mode"] == OBSERVE).all()  # error rose
    ready = _meta(n, memories=5000, prediction_error=0.1, stress=0.9)
    assert (m.decide(ready, 0.0)["mode"] == IMAGINE).all()
    assert (m.decide(ready, 0.0)["mode"] == ACT).all()  # not twice running
    assert (m.decide(ready, 0.0)["mode"] == IMAGINE).all()
    # Imagination does not pay with a poor world model, or when acting pays.
    assert (
        m.decide(_meta(n, memories=5000, prediction_error=0.9, stress=0.9), 0.0)["mode"] == ACT
    ).all()
    assert (
        m.decide(_meta(n, memories=5000, prediction_error=0.1, stress=0.1), 0.0)["mode"] == ACT
    ).all()
    assert (m.decide(_meta(n, energy=0.1), 0.0)["mode"] == SLEEP).all()
    # No counter: forty chunks of the same quiet inputs, forty times act.
    fresh = RuleM(MConfig(), n)
    modes = [int(fresh.decide(_meta(n), 0.0)["mode"][0]) for _ in range(40)]
    assert set(modes) == {ACT}
    # The fixed schedule imagines every 4th chunk whatever it reads.
    schedule = ScheduleM(MConfig(), n)
    modes = [int(schedule.decide(_meta(n), 0.0)["mode"][0]) for _ in range(40)]
    assert modes.count(IMAGINE) == 10


def test_system_m_without_the_shift_term_observes_on_a_cue_alone():
    """``m.rule.shift_above: null`` (experiments/configs/cue-observe.yaml): a rise in A's
    error no longer makes it observe; the caregiver's cue still does."""
    n = 3
    config = MConfig.model_validate({"rule": {"shift_above": None}})
    m = RuleM(config, n)
    assert (m.decide(_meta(n, lp_a=-0.5), 0.0)["mode"] == ACT).all()
    assert (m.decide(_meta(n, social=0.9), 0.0)["mode"] == OBSERVE).all()
    with_shift = RuleM(MConfig(), n)
    assert (with_shift.decide(_meta(n, lp_a=-0.5), 0.0)["mode"] == OBSERVE).all()


def test_curiosity_is_damped_only_when_novelty_lasts_without_progress():
    n = 2
    m = RuleM(MConfig(), n)
    base = m.config.rule.intrinsic_weight
    spike = _meta(n, novelty=3.0, lp_a=-0.01)
    assert np.allclose(m.decide(spike, 0.0)["intrinsic_weight"], base)  # one chunk: no trap
    assert np.allclose(m.decide(spike, 0.0)["intrinsic_weight"], base * m.config.rule.trap_damping)
    assert np.allclose(m.decide(_meta(n, novelty=3.0, lp_a=0.2), 0.0)["intrinsic_weight"], base)


def test_the_trap_can_read_novelty_averaged_over_chunks():
    """``m.rule.trap_rate`` below 1: the trap reads a running average of novelty, so a
    room that stays a little more novel passes a lower threshold, and one chunk's noise
    among ordinary ones is diluted; at 1 (the default) it reads each chunk's own."""
    n = 1
    rule = {"trap_rate": 0.5, "trap_novelty": 1.15, "trap_chunks": 1}
    m = RuleM(MConfig.model_validate({"rule": rule}), n)
    base = m.config.rule.intrinsic_weight
    damped = m.config.rule.trap_damping * base
    weights = [m.decide(_meta(n, novelty=1.25, lp_a=0.0), 0.0)["intrinsic_weight"][0]]
    weights += [m.decide(_meta(n, novelty=1.25, lp_a=0.0), 0.0)["intrinsic_weight"][0]]
    # 1.125 after one chunk (from 1 at birth), then 1.1875: damped from the second.
    assert weights == pytest.approx([base, damped])
    assert m.state_arrays()["trap_level"][0] == pytest.approx(1.1875)
    # Ordinary chunks bring it back; one chunk of 1.25 among them is not a trap.
    for _ in range(6):
        m.decide(_meta(n, novelty=0.9, lp_a=0.0), 0.0)
    assert m.decide(_meta(n, novelty=1.25, lp_a=0.0), 0.0)["intrinsic_weight"][0] == base
    # The same chunks at rate 1 with the same threshold: the single chunk is damped.
    own = RuleM(MConfig.model_validate({"rule": {**rule, "trap_rate": 1.0}}), n)
    own.decide(_meta(n, novelty=0.9, lp_a=0.0), 0.0)
    assert own.decide(_meta(n, novelty=1.25, lp_a=0.0), 0.0)["intrinsic_weight"][0] == damped
    # The level survives a checkpoint, and a state saved before it existed loads.
    again = RuleM(m.config, n)
    again.load_state_arrays(m.state_arrays())
    assert again.trap_level == pytest.approx(m.trap_level)
    old = {k: v for k, v in m.state_arrays().items() if k != "trap_level"}
    again.load_state_arrays(old)
    assert again.trap_level == pytest.approx([1.0])
    # A novelty that could not be read leaves the average where it was.
    level = float(m.trap_level[0])
    m.decide(_meta(n, novelty=float("nan"), lp_a=0.0), 0.0)
    assert m.trap_level[0] == pytest.approx(level)


def test_a_cohort_with_an_averaged_trap_resumes_exactly_from_a_checkpoint():
    # A threshold low enough for the trap to fire, so the saved level decides.
    from infancy.curricula.stages import merge
    from infancy.infants.testing import check_checkpoint, small_config

    trap = {"m": {"rule": {"trap_rate": 0.5, "trap_novelty": 0.5, "trap_chunks": 1}}}
    check_checkpoint(merge(small_config(), trap), what="an averaged trap")


def _room(cohort: Cohort, kinds: tuple[int, int], cued: int | None, word: int):
    """One step's view: two toys in view (kinds, codes from 1), the caregiver on the
    left looking at the toy ``cued`` (index into ``kinds``), saying ``word``."""
    from infancy.worlds.core.codes import CH_AGENT, CH_GAZE, CH_KIND, S_EYE_CONTACT, S_WORD

    v = cohort.view_size
    view = np.zeros((6, v, v), dtype=np.uint8)
    senses = np.zeros(10, dtype=np.uint8)
    view[0] = 1
    view[CH_KIND, 2, 1] = kinds[0]
    view[CH_KIND, 2, 5] = kinds[1]
    senses[S_WORD] = word
    senses[S_EYE_CONTACT] = 1
    if cued is not None:  # the caregiver right beside the toy, looking along the row
        view[CH_AGENT, 2, 3] = 1
        from infancy.worlds.core.geometry import cue_rays

        rays = cue_rays(v)
        cell = 2 * v + 3
        target = 2 * v + (1 if cued == 0 else 5)
        code = next(c for c in range(1, rays.shape[1]) if target in rays[cell, c].tolist())
        view[CH_GAZE, 2, 3] = code
    return view, senses


@pytest.mark.parametrize("reliability", [1.0, 0.3])
def test_trust_checks_the_caregivers_names_against_the_world(reliability):
    """A word co-occurs with its own toy in the world (cross-situational evidence); the
    caregiver then names toys with ``reliability``. Trust evidence counts a name right
    when it agrees with the world's evidence, so a caregiver who is always right is
    never found wrong, and one who is mostly wrong mostly is, whatever the infant's own
    one-shot lessons from it say."""
    cohort = Cohort(None, n=1, seed=0)
    rules = cohort.rules
    ball, duck = rules.kind_index("ball") + 1, rules.kind_index("duck") + 1
    w_ball = rules.vocabulary.index("ball") + 1
    rng = np.random.default_rng(0)
    # The world: "ball" is heard with the ball in view and, at random, one other toy.
    for _ in range(150):
        other = int(rng.choice([k for k in range(1, len(rules.kind_names) + 1) if k != ball]))
        view, senses = _room(cohort, (ball, other), None, w_ball)
        cohort.hear(view[None, None], senses[None, None], learn=True)
    right = wrong = 0.0
    for _ in range(40):
        correct = rng.random() < reliability
        view, senses = _room(cohort, (ball, duck), 0 if correct else 1, w_ball)
        _, r, w = cohort.hear(view[None, None], senses[None, None])
        right, wrong = right + r[0], wrong + w[0]
    assert right + wrong >= 30
    share = right / (right + wrong)
    if reliability == 1.0:
        assert share == 1.0
    else:
        assert share < 0.5, share


def _newborn_latent_ranks(covariance_weight: float) -> list[float]:
    """The effective rank of each infant's latent on varied views (the reach room,
    turning) after 3,072 steps of a newborn's playroom, which shows little variety."""
    cohort = Cohort({"a": {"covariance_weight": covariance_weight}}, n=2, seed=0)
    world = make_batch("playroom-v0", 2, seed=0, autoreset=True, abilities="newborn")
    world.reset()
    cohort.live(world, 3072)
    views = make_batch("reach-v0", 2, seed=1, autoreset=True, empty_share=0.3)
    views.reset()
    rng = np.random.default_rng(0)
    seen, felt = [], []
    for _ in range(128):
        seen.append(views.view[:, 0].copy())
        felt.append(views.senses[:, 0].copy())
        views.step(rng.integers(0, 3, size=(2, 1)))  # stay or turn
    with torch.no_grad():
        z = cohort.a.encode(cohort.features(np.stack(seen, 1), np.stack(felt, 1)))
    return [effective_rank(zi) for zi in z]


def test_the_covariance_penalty_keeps_a_newborns_latent_from_collapsing():
    """Without it, a newborn's months in one narrow world fold A's latent onto a few
    dimensions that no later practice widens (the reach could not be learned,
    docs/measurements.md); with it the latent keeps using many. Measured: 6.2 and 4.1
    of 64 without, 14.8 and 11.2 with a weight of 10."""
    without, with_ = _newborn_latent_ranks(0.0), _newborn_latent_ranks(10.0)
    assert min(with_) > max(without) + 3.0, (without, with_)


def test_the_covariance_penalty_counts_correlation_and_only_the_rows_that_count():
    from infancy.infants.system_a import _masked_cov_loss

    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, 4000, 4, generator=g)
    every = torch.ones(1, 4000)
    assert float(_masked_cov_loss(x, every)[0]) < 0.01  # independent: about 0
    y = x.clone()
    y[..., 1] = y[..., 0]  # two dimensions equal: cov 1 twice, over 4 dimensions
    assert abs(float(_masked_cov_loss(y, every)[0]) - 0.5) < 0.05
    # Rows outside the mask do not count, however correlated they are.
    mixed = torch.cat([x, y], 1)
    first = torch.cat([every, torch.zeros(1, 4000)], 1)
    assert float(_masked_cov_loss(mixed, first)[0]) < 0.01


# ---------------------------------------------------------------------- noise (criterion 6)
def _scenes(cohort: Cohort, kinds: list[int], screen: bool, steps: int, rng) -> tuple:
    """``steps`` still steps of one scene, with the views before and after them: toys of
    ``kinds`` on fixed cells and, if ``screen``, a cell of the top row showing a random
    colour every step. Returns ``watch``'s inputs for one infant, less the gate."""
    from infancy.worlds.core.codes import CH_CELL, CH_COLOUR, CH_KIND

    v = cohort.view_size
    colours = len(cohort.rules.colour_names)
    view = np.zeros((steps + 1, 6, v, v), dtype=np.uint8)
    view[:, CH_CELL] = 1
    for j, kind in enumerate(kinds):
        view[:, CH_KIND, 3, 1 + 2 * j] = kind
        view[:, CH_COLOUR, 3, 1 + 2 * j] = 1
    if screen:
        tv = cohort.rules.kind_index("tv") + 1
        view[:, CH_KIND, 0, v // 2] = tv
        view[:, CH_COLOUR, 0, v // 2] = rng.integers(1, colours + 1, steps + 1)
    senses = np.zeros((steps + 2, 12), dtype=np.uint8)
    x = cohort.features(np.concatenate([view[:1], view])[None], senses[None])
    return (
        Obs(x.flat[:, :-2], x.n_cell_inputs),
        Obs(x.flat[:, 1:-1], x.n_cell_inputs),
        Obs(x.flat[:, 2:], x.n_cell_inputs),
        torch.zeros(1, steps, dtype=torch.int64),  # STAY
        torch.ones(1, steps, dtype=torch.bool),
    )


def test_the_local_model_learns_what_stays_and_not_a_noisy_screen():
    """A's local still-view model (``a.local_hidden``): in still scenes, what stays put
    it learns to predict, and a screen of random colours leaves an error about its
    floor (the colours' variance), which it cannot learn away. Toys it has never seen,
    standing still, read as no change: the model reads changes, not contents. A model
    that read contents (session 35's first, the cheapest fake of a noise detector: what
    is new reads as noise) read two unseen ducks as 2.33, above the screen; this guards
    against it."""
    cohort = Cohort({"a": {"local_hidden": 32}}, n=1, seed=0)
    rng = np.random.default_rng(0)
    kinds = cohort.rules.kind_names
    ball, duck = cohort.rules.kind_index("ball") + 1, cohort.rules.kind_index("duck") + 1
    assert "ball" in kinds and "duck" in kinds
    gate = torch.ones(1)

    def error(scene, learn: bool) -> float:
        a = cohort.a if learn else copy.deepcopy(cohort.a)
        err = a.watch(*scene, gate if learn else torch.zeros(1))
        return float(err.mean())

    # What no model can predict of the screen: its colour's vector about their mean.
    from infancy.worlds.core.codes import CH_COLOUR

    colours = cohort.obs._rows[CH_COLOUR, 1 : len(cohort.rules.colour_names) + 1]
    vectors = cohort.obs.table[torch.as_tensor(colours)]
    floor = float((vectors - vectors.mean(0)).pow(2).sum(-1).mean())
    for _ in range(300):
        error(_scenes(cohort, [ball], bool(rng.random() < 0.5), 32, rng), True)
    quiet = error(_scenes(cohort, [ball], False, 32, rng), False)
    unseen = error(_scenes(cohort, [duck, duck], False, 32, rng), False)
    noisy = error(_scenes(cohort, [ball], True, 32, rng), False)
    print(f"floor {floor:.3f}, screen {noisy:.3f}, still {quiet:.4f}, unseen toys {unseen:.4f}")
    assert noisy > 0.7 * floor  # (an average over 32 steps: about the floor, not below)
    assert quiet < 0.05 * floor
    assert unseen < 0.1 * floor
    # An A without the model says so (None), and its noise meta-state reads 0.
    plain = Cohort(None, n=1, seed=0)
    assert plain.a.watch(*_scenes(plain, [ball], True, 4, rng), gate) is None
    assert plain.meta["noise"] == pytest.approx([0.0])


def test_the_trap_can_read_noise():
    """``m.rule.trap_signal: noise``: the trap fires on the noise meta-state above
    ``trap_noise`` for ``trap_chunks`` chunks, whatever the novelty and learning
    progress; the default reads novelty and ignores noise. A config asking for noise
    with no local model is refused in one line."""
    from infancy.infants.config import ConfigError, InfantConfig

    n = 2
    rule = {"trap_signal": "noise", "trap_noise": 3.0, "trap_chunks": 2}
    m = RuleM(MConfig.model_validate({"rule": rule}), n)
    base = m.config.rule.intrinsic_weight
    damped = m.config.rule.trap_damping * base
    loud = _meta(n, noise=[5.0, 1.0], novelty=0.5, lp_a=1.0)
    assert m.decide(loud, 0.0)["intrinsic_weight"] == pytest.approx([base, base])
    assert m.decide(loud, 0.0)["intrinsic_weight"] == pytest.approx([damped, base])
    assert m.decide(_meta(n, noise=1.0), 0.0)["intrinsic_weight"] == pytest.approx([base, base])
    novelty = RuleM(MConfig.model_validate({"rule": {"trap_chunks": 1}}), n)
    assert novelty.decide(loud, 0.0)["intrinsic_weight"] == pytest.approx([base, base])
    with pytest.raises(ConfigError, match=r"trap_signal .noise. needs a\.local_hidden"):
        InfantConfig.from_dict({"m": {"rule": {"trap_signal": "noise"}}})
    ok = InfantConfig.from_dict({"m": {"rule": rule}, "a": {"local_hidden": 16}})
    assert ok.m.rule.trap_signal == "noise"


@pytest.mark.parametrize(
    "rule",
    [
        {"trap_signal": "noise", "trap_noise": 1.5, "trap_chunks": 2},
        {"trap_signal": "noise", "trap_noise": 1.0, "trap_chunks": 1},
        {"trap_signal": "novelty", "trap_novelty": 1.2, "trap_chunks": 3},
    ],
)
def test_the_trap_read_off_an_audit_is_the_trap_m_lived(rule):
    """``analysis.development.trap_reading`` on the decisions of a rule M, with that M's
    threshold, run length and signal, flags exactly the decisions M damped
    (``trap_firing``), room by room: the offline reading used to choose a threshold is
    M's rule, runs carried across rooms and broken by a signal that could not be read."""
    import pandas as pd

    from infancy.analysis.development import trap_firing, trap_reading

    n, rng = 3, np.random.default_rng(0)
    m = RuleM(MConfig.model_validate({"rule": rule}), n)
    rows = []
    for step in range(400):
        noise = rng.gamma(1.0, 1.0, n)
        noise[rng.random(n) < 0.05] = np.nan
        meta = _meta(n, noise=noise, novelty=rng.gamma(2.0, 0.6, n), lp_a=rng.normal(0, 1, n))
        got = m.decide(meta, 0.0)["intrinsic_weight"]
        world = ("tv", "play", "naming")[(step // 50) % 3]
        for i in range(n):
            rows.append(
                {
                    "infant": i,
                    "step": step * 10,
                    "world": world,
                    "intrinsic_weight": got[i],
                    **{k: meta[k][i] for k in ("noise", "novelty", "lp_a")},
                }
            )
    # Shuffled: the reading orders the decisions itself.
    audit = pd.DataFrame(rows).sample(frac=1.0, random_state=0)
    signal = rule["trap_signal"]
    threshold = rule["trap_noise"] if signal == "noise" else rule["trap_novelty"]
    read = trap_reading(audit, threshold, rule["trap_chunks"], signal=signal)
    lived = trap_firing(audit, m.config.rule.intrinsic_weight, by="world")
    assert read["flagged"].sum() > 0
    assert (
        read.set_index("world")["flagged"].to_dict() == lived.set_index("world")["damped"].to_dict()
    )


def test_a_cohort_refuses_a_trap_on_noise_from_an_a_that_does_not_watch(monkeypatch):
    """A registered System A that says it keeps no local model (``watches`` False)
    cannot feed a trap on noise: the cohort refuses it in one line, though the config
    turns the local model on. With the model on, the default A watches."""
    from infancy.infants.base import _REGISTRIES
    from infancy.infants.system_a import JepaA

    class Blind(JepaA):
        @property
        def watches(self):
            return False

    monkeypatch.setitem(_REGISTRIES["a"], "blind", Blind)
    trap = {"m": {"rule": {"trap_signal": "noise"}}}
    with pytest.raises(ValueError, match=r"System A 'blind' has no local model"):
        Cohort({**trap, "a": {"name": "blind", "local_hidden": 8}}, n=2, seed=0)
    assert Cohort({**trap, "a": {"local_hidden": 8}}, n=2, seed=0).a.watches
    assert not Cohort({}, n=2, seed=0).a.watches


@pytest.mark.parametrize("summary", ["mean", "median"])
def test_a_cohort_that_watches_for_noise_resumes_exactly_from_a_checkpoint(summary):
    from infancy.curricula.stages import merge
    from infancy.infants.testing import check_checkpoint, small_config

    noise = {
        "a": {"local_hidden": 8, "local_stride": 1},
        "m": {"rule": {"trap_signal": "noise", "trap_noise": 0.5, "trap_chunks": 1}},
        "signals": {"noise": {"summary": summary}},
    }
    check_checkpoint(merge(small_config(), noise), what=f"a trap on noise ({summary})")


def test_the_cohorts_noise_is_its_still_steps_mean_or_median():
    """The cohort gives the signal each watched step's error; ``summary`` picks the mean
    (the cohort's own) or the median of the still ones."""
    from infancy.infants.signals import Chunk

    on = {"a": {"local_hidden": 8, "local_stride": 1}}
    cohort = Cohort({**on, "signals": {"noise": {"summary": "median"}}}, n=2, seed=0)
    got = []
    update = cohort.signals.update

    def spy(chunk: Chunk):
        got.append(chunk.a)
        return update(chunk)

    cohort.signals.update = spy
    world = make_batch("noisy-tv-v0", 2, seed=0, autoreset=True)
    world.reset()
    for _ in range(3):
        cohort.live(world, cohort.config.chunk)
    a = got[-1]
    steps = a["noise_steps"]
    assert steps.shape == (2, cohort.config.chunk - 1)
    assert (~np.isnan(steps)).sum(1).min() > 0  # (some still steps, each infant)
    mean = np.nanmean(steps, 1)
    assert a["noise"] == pytest.approx(mean, rel=1e-5)
    assert cohort.meta["noise"] == pytest.approx(np.nanmedian(steps, 1))
    assert not np.allclose(cohort.meta["noise"], mean)


def test_a_checkpoint_from_before_the_noise_signal_loads(tmp_path):
    """A checkpoint written before ``noise`` was a meta-state (no ``meta.noise``) loads,
    and the noise reads its value at birth, 0."""
    from safetensors.numpy import load_file, save_file

    from infancy.infants import checkpoint
    from infancy.infants.testing import small_config

    cohort = Cohort(small_config(), n=2, seed=0)
    world = make_batch("playroom-v0", 2, seed=0, autoreset=True)
    world.reset()
    cohort.live(world, cohort.config.chunk)
    path = tmp_path / "old"
    checkpoint.save(cohort, path)
    f = path / "infant.safetensors"
    arrays = load_file(f)
    assert "meta.noise" in arrays and "audit.noise" in arrays
    old = {k: v for k, v in arrays.items() if k not in ("meta.noise", "audit.noise")}
    save_file(old, f)
    meta = json.loads((path / "infant.json").read_text())
    meta["audit_columns"].remove("noise")
    (path / "infant.json").write_text(json.dumps(meta))
    again = checkpoint.load(path)
    assert list(again.meta) == list(cohort.meta)  # the registry's order
    assert again.meta["noise"] == pytest.approx([0.0, 0.0])
    again.live(world, again.config.chunk)
    assert again.meta["noise"] == pytest.approx([0.0, 0.0])
    # The old rows did not record it (NaN); the new ones do.
    audit, before = again.m.audit.columns(), len(cohort.m.audit.columns()["infant"])
    assert len(audit["noise"]) == len(audit["infant"]) == before + 2
    assert np.isnan(audit["noise"][:before]).all() and (audit["noise"][before:] == 0).all()


def test_the_step_into_a_new_world_is_not_read_as_still():
    """A world ``begin``-ed mid-chunk: the steps into and out of its first frame cross
    worlds (everything in view changes), and A's local model does not score them."""
    cohort = Cohort({"a": {"local_hidden": 8, "local_stride": 1}}, n=2, seed=0)
    got = {}
    watch = cohort.a.watch

    def spy(before, x, x_next, action, still, gate):
        got["still"], got["entered"] = still.clone(), cohort._entered.copy()
        return watch(before, x, x_next, action, still, gate)

    cohort.a.watch = spy
    room = make_batch("playroom-v0", 2, seed=0, autoreset=True)
    room.reset()
    other = make_batch("playroom-v0", 2, seed=1, autoreset=True)
    other.reset()
    chunk = cohort.config.chunk
    cohort.live(room, 10)
    cohort.begin(other)  # frame 10 is the other room's
    cohort.live(other, chunk - 10)
    # (frame 0 too: the first room began the chunk, which crosses nothing)
    assert got["entered"][10] and got["entered"][1:].sum() == 1
    steps = np.arange(1, chunk)  # stride 1: step s reads frames s-1, s, s+1
    assert not got["still"][:, (steps == 9) | (steps == 10)].any()
    assert not cohort._entered.any()  # the next chunk starts afresh
