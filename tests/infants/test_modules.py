"""The pieces of an infant on their own: batched layers and Adam, memory, M and its
controller, the registry."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from infancy.infants import (
    CONSTRAINTS,
    MODES,
    Cohort,
    Controller,
    EvolvableM,
    MConfig,
    RuleM,
    SalienceMemory,
    SystemM,
    register_m,
)
from infancy.infants.checkpoint import optimisers
from infancy.infants.nn import GroupAdam, GroupMLP
from infancy.worlds import make_batch


def _meta(n, **values):
    base = dict(
        prediction_error=1.0,
        uncertainty=0.1,
        novelty=1.0,
        lp_a=0.0,
        lp_b=0.0,
        energy=1.0,
        stress=0.0,
        social=0.0,
        trust=0.8,
        noise=0.0,
        memories=0.0,
    )
    base.update(values)
    return {k: np.full(n, v, dtype=float) for k, v in base.items()}


def test_group_adam_keeps_infants_apart():
    """Training two infants in one pass equals training each alone; a zero rate
    freezes an infant."""
    g = torch.Generator().manual_seed(0)
    net = GroupMLP(2, [3, 5, 1], g)
    start = [p.detach().clone() for p in net.parameters()]
    x = torch.randn(2, 7, 3, generator=g)
    opt = GroupAdam(list(net.parameters()), 2)
    net(x).pow(2).sum().backward()
    opt.step(torch.tensor([0.1, 0.0]))
    for p, p0 in zip(net.parameters(), start, strict=True):
        assert not torch.equal(p[0], p0[0])
        assert torch.equal(p[1], p0[1])
    # Infant 0 alone (infant 1 given other data) gets the same update.
    net2 = GroupMLP(2, [3, 5, 1], torch.Generator().manual_seed(0))
    opt2 = GroupAdam(list(net2.parameters()), 2)
    x2 = x.clone()
    x2[1] = 10.0
    net2(x2).pow(2).sum().backward()
    opt2.step(torch.tensor([0.1, 0.1]))
    for p, q in zip(net.parameters(), net2.parameters(), strict=True):
        assert torch.allclose(p[0], q[0])


def _rows(module, n):
    """Every tensor of a learner (System A or B) and its optimisers (the ones a
    checkpoint saves) as ``[N, -1]`` rows per infant."""
    tensors = dict(module.state_dict())
    for name, opt in optimisers(module):
        tensors.update(opt.state_tensors(name))
    return {k: torch.as_tensor(v).reshape(n, -1).clone() for k, v in tensors.items()}


def test_a_gated_off_infant_is_left_exactly_as_it_was():
    """A gate of 0 (or nothing valid to learn from) leaves an infant's System A as it
    was: parameters, target, Adam moments and step counts, running scales. An infant
    that learns gets the same update whatever the others' gates are."""
    n = 3
    world = make_batch("reach-v0", n, seed=0, autoreset=True)
    world.reset()
    cohort = Cohort({"chunk": 16}, n=n, seed=0)
    cohort.live(world, 16 * 4)
    mem = cohort.memory.sample(24, np.random.default_rng(0))
    held = np.repeat(mem["held"][:, None], mem["action"].shape[1], 1)
    held[2] = False  # infant 2 has nothing valid to learn from
    batch = cohort._remembered(mem, held)
    start = _rows(cohort.a, n)
    gated = copy.deepcopy(cohort.a)
    gated.learn(batch, torch.tensor([1.0, 0.0, 1.0]))
    gated.refine(batch, torch.tensor([0.0, 0.0, 1.0]), 2)  # heads alone, as in sleep
    free = copy.deepcopy(cohort.a)
    free.learn(batch, torch.tensor([1.0, 1.0, 1.0]))
    free.refine(batch, torch.tensor([0.0, 1.0, 1.0]), 2)
    after, after_free = _rows(gated, n), _rows(free, n)
    for k, v in start.items():
        for i in (1, 2):
            assert torch.equal(after[k][i], v[i]), (k, i)
        assert torch.equal(after[k][0], after_free[k][0]), k
    assert not torch.equal(
        after["encoder.mlp.layers.0.weight"][0], start["encoder.mlp.layers.0.weight"][0]
    )
    assert not torch.equal(after_free["target_var"][1], start["target_var"][1])
    # A whole cohort gated off (asleep) still gets its signals, from the same errors
    # (the awake one's are scaled by running scales that moved), and nothing of it moves.
    asleep = copy.deepcopy(cohort.a)
    sig = asleep.learn(batch, torch.zeros(n))
    for k, v in _rows(asleep, n).items():
        assert torch.equal(v, start[k]), k
    awake = copy.deepcopy(cohort.a)
    sig_awake = awake.learn(batch, torch.ones(n))
    assert torch.equal(sig["loss"], sig_awake["loss"])
    torch.testing.assert_close(
        sig["error_sample"] * asleep.target_var[:, None],
        sig_awake["error_sample"] * awake.target_var[:, None],
    )


def test_dreaming_leaves_the_awake_infants_alone():
    """Consolidation and imagination update the dreaming infants' A and B only; the
    awake infants' learners (moments included) do not move."""
    n = 3
    world = make_batch("reach-v0", n, seed=0, autoreset=True)
    world.reset()
    cohort = Cohort({"chunk": 16, "dream_updates": 2}, n=n, seed=0)
    cohort.m.override(mode="act", gate_b=1.0)
    cohort.live(world, 16 * 4)
    a0, b0 = _rows(cohort.a, n), _rows(cohort.b, n)
    dreaming = np.array([True, False, False])
    cohort.consolidate(dreaming)
    cohort.imagine(dreaming)
    a1 = _rows(cohort.a, n)
    for k, v in a0.items():
        assert torch.equal(a1[k][1:], v[1:]), k
    assert not torch.equal(
        a1["encoder.mlp.layers.0.weight"][0], a0["encoder.mlp.layers.0.weight"][0]
    )
    b1 = _rows(cohort.b, n)
    for k, v in b0.items():
        assert torch.equal(b1[k][1:], v[1:]), k


def test_memory_keeps_the_most_salient(rng):
    mem = SalienceMemory(2, 4, {"x": ((), "int64")})
    items = {"x": np.arange(20).reshape(2, 10)}
    sal = np.tile(np.arange(10, dtype=float), (2, 1))
    keep = np.ones((2, 10), dtype=bool)
    keep[1] = False
    mem.store(items, sal, keep)
    assert mem.sizes().tolist() == [4, 0]
    assert sorted(mem.data["x"][0].tolist()) == [6, 7, 8, 9]
    # A less salient newcomer does not push out a more salient memory.
    mem.store({"x": np.full((2, 1), 99)}, np.zeros((2, 1)), np.ones((2, 1), dtype=bool))
    assert 99 not in mem.data["x"][0]
    out = mem.sample(50, rng)
    assert out["held"].tolist() == [True, True]
    assert set(out["x"][0].tolist()) <= {6, 7, 8, 9}
    assert SalienceMemory(2, 4, {"x": ((), "int64")}).sample(3, rng) is None


def test_memory_fills_empty_slots_before_forgetting():
    """A part-full store takes newcomers into its empty slots first; only when it runs
    out does a newcomer replace the least salient memory, and only if it is more
    salient."""
    mem = SalienceMemory(1, 4, {"x": ((), "int64")})
    mem.store({"x": np.array([[50, 60]])}, np.array([[5.0, 6.0]]), np.ones((1, 2), dtype=bool))
    mem.store(
        {"x": np.array([[10, 70, 80]])}, np.array([[1.0, 7.0, 8.0]]), np.ones((1, 3), dtype=bool)
    )
    assert sorted(mem.data["x"][0].tolist()) == [50, 60, 70, 80]
    mem.store({"x": np.array([[90]])}, np.array([[9.0]]), np.ones((1, 1), dtype=bool))
    assert sorted(mem.data["x"][0].tolist()) == [60, 70, 80, 90]
    assert sorted(mem.salience[0].tolist()) == [6.0, 7.0, 8.0, 9.0]


def test_faded_memories_give_way_to_new_experience():
    """A full store of the first months' surprises keeps out everything later, however
    often it comes; once they fade, the new experience gets in and is what replay
    samples."""
    mem = SalienceMemory(1, 4, {"x": ((), "int64")})
    first = {"x": np.array([[1, 2, 3, 4]])}
    mem.store(first, np.full((1, 4), 6.0), np.ones((1, 4), dtype=bool))
    later = {"x": np.array([[7, 8]])}
    for _ in range(10):
        mem.store(later, np.full((1, 2), 2.0), np.ones((1, 2), dtype=bool))
    assert sorted(mem.data["x"][0].tolist()) == [1, 2, 3, 4]
    mem.fade(0.25)  # two half-lives
    assert mem.salience[0].tolist() == [1.5] * 4
    mem.store(later, np.full((1, 2), 2.0), np.ones((1, 2), dtype=bool))
    assert sorted(mem.data["x"][0].tolist()) == [3, 4, 7, 8]
    empty = SalienceMemory(1, 4, {"x": ((), "int64")})
    empty.fade(0.5)
    assert np.isneginf(empty.salience).all()  # empty slots stay empty
    with pytest.raises(ValueError, match=r"factor must be in \(0, 1\]"):
        mem.fade(0.0)


def test_rewarded_memories_can_outlast_the_rest():
    """With a longer half-life for rewarded steps, a rare success outlasts the ordinary
    memories of its time and keeps its place when newer experience comes in; with one
    half-life for all it gives way as they do."""

    def store():
        mem = SalienceMemory(1, 4, {"x": ((), "int64"), "reward": ((), "float32")})
        items = {"x": np.array([[1, 2, 3, 4]]), "reward": np.array([[0.0, 1.0, 0.0, 0.0]])}
        mem.store(items, np.full((1, 4), 6.0), np.ones((1, 4), dtype=bool))
        return mem

    spared, alike = store(), store()
    spared.fade(0.25, rewarded=1.0)
    alike.fade(0.25)
    assert spared.salience[0].tolist() == [1.5, 6.0, 1.5, 1.5]
    later = {"x": np.array([[7, 8, 9, 10]]), "reward": np.zeros((1, 4))}
    for mem in (spared, alike):
        mem.store(later, np.full((1, 4), 2.0), np.ones((1, 4), dtype=bool))
    assert sorted(spared.data["x"][0].tolist()) == [2, 7, 8, 9]
    assert 2 not in alike.data["x"][0].tolist()
    with pytest.raises(ValueError, match=r"rewarded must be in \(0, 1\]"):
        spared.fade(0.5, rewarded=0.0)
    with pytest.raises(ValueError, match="'reward' field"):
        SalienceMemory(1, 4, {"x": ((), "int64")}).fade(0.5, rewarded=1.0)


def test_credit_reaches_back_to_the_steps_before_a_reward_within_its_episode():
    """Each step gets the next reward of its episode discounted by the steps between,
    up to ``steps`` back; an episode's end and the chunk's start bound it; 0 steps is
    the reward itself."""
    from infancy.infants.memory import credit

    reward = np.zeros((2, 8), dtype=np.float32)
    reward[0, 5] = 1.0
    reward[1, 3] = 2.0
    reward[1, 7] = 1.0  # the next chunk's steps would share it: not here
    done = np.zeros((2, 8), dtype=bool)
    done[1, 1] = True  # steps 0-1 are an episode that ended without a reward
    got = credit(reward, done, 3, 0.5)
    assert got[0].tolist() == [0.0, 0.0, 0.125, 0.25, 0.5, 1.0, 0.0, 0.0]
    assert got[1].tolist() == [0.0, 0.0, 1.0, 2.0, 0.125, 0.25, 0.5, 1.0]
    assert got.dtype == np.float32
    assert (credit(reward, done, 0, 0.5) == reward).all()


def test_a_store_can_be_told_which_field_marks_a_rewarded_memory():
    """Told that ``credit`` marks a rewarded memory, the store spares a step that led
    to a reward although its own reward is 0."""
    fields = {"x": ((), "int64"), "reward": ((), "float32"), "credit": ((), "float32")}
    items = {
        "x": np.array([[1, 2, 3]]),
        "reward": np.array([[0.0, 1.0, 0.0]]),
        "credit": np.array([[0.9, 1.0, 0.0]]),
    }
    by_credit = SalienceMemory(1, 3, fields, rewarded="credit")
    by_reward = SalienceMemory(1, 3, fields)
    for mem in (by_credit, by_reward):
        mem.store(items, np.full((1, 3), 4.0), np.ones((1, 3), dtype=bool))
        mem.fade(0.5, rewarded=1.0)
    assert by_credit.salience[0].tolist() == [4.0, 4.0, 2.0]
    assert by_reward.salience[0].tolist() == [2.0, 4.0, 2.0]
    with pytest.raises(ValueError, match="'credit' field"):
        SalienceMemory(1, 3, {"x": ((), "int64")}, rewarded="credit").fade(0.5, 1.0)


def test_the_cohort_remembers_the_steps_that_led_to_a_reward():
    """With ``memory.credit_steps`` the store holds each step's credit: the rewarded
    steps' reward, and a share of it for steps before one; without, no such field."""
    config = {"memory": {"credit_steps": 4}, "chunk": 16}
    cohort = Cohort(config, n=2, seed=0)
    env = make_batch("reach-v0", 2, seed=0, autoreset=True)
    env.reset()
    cohort.live(env, 64)  # on this seed the first rewards come in the third chunk
    data, held = cohort.memory.data, np.isfinite(cohort.memory.salience)
    rewarded = held & (data["reward"] != 0)
    before = held & (data["reward"] == 0) & (data["credit"] != 0)
    assert rewarded.any() and before.any()
    assert (data["credit"][rewarded] == data["reward"][rewarded]).all()
    # A step before a reward holds a discounted share of it, gamma^1 to gamma^4.
    gamma = cohort.config.b.gamma
    share = data["credit"][before] / data["reward"][rewarded].max()
    assert (share <= gamma + 1e-6).all() and (share >= gamma**4 - 1e-6).all()
    assert "credit" not in Cohort({"chunk": 16}, n=2, seed=0).memory.data
    with pytest.raises(ValueError, match="credit_steps"):
        Cohort({"memory": {"credit_steps": -1}}, n=2)


def test_the_cohort_rehearses_and_spares_memories_by_their_credit():
    """With credit on, rehearsal imitates a remembered step in proportion to its credit
    (here a step before a reward, whose own reward is 0), and the fade spares it as a
    rewarded memory."""
    config = {"memory": {"credit_steps": 4, "half_life": 16.0, "reward_half_life": 0}}
    cohort = Cohort({**config, "chunk": 16}, n=2, seed=0)
    assert cohort.memory.rewarded == "credit"
    cohort.memory.salience[:, :4] = 4.0  # four held memories, each a step before a reward
    cohort.memory.data["credit"][:, :4] = 0.9
    seen = {}

    def capture(replayed, gate):
        seen["reward"] = replayed["reward"].clone()
        return {}

    cohort.b.learn_replayed = capture
    cohort.rehearse(np.ones(2, dtype=bool))
    assert torch.allclose(seen["reward"], torch.full_like(seen["reward"], 0.9))
    env = make_batch("reach-v0", 2, seed=0, autoreset=True)
    env.reset()
    cohort.live(env, 16)  # one half-life: the credited memories do not fade
    assert np.allclose(cohort.memory.salience[:, :4], 4.0)


def test_a_half_life_below_one_step_is_refused():
    from infancy.infants import ConfigError, InfantConfig

    with pytest.raises((ConfigError, ValueError), match="half_life"):
        InfantConfig.from_dict({"memory": {"half_life": 0.05}})
    assert InfantConfig.from_dict({"memory": {"half_life": 0}}).memory.half_life == 0
    with pytest.raises((ConfigError, ValueError), match="reward_half_life"):
        InfantConfig.from_dict({"memory": {"reward_half_life": 0.5}})


def test_the_cohort_fades_its_memory_by_its_half_life():
    faded = Cohort({"memory": {"half_life": 16.0}, "chunk": 16}, n=2, seed=0)
    kept = Cohort({"memory": {"half_life": 0.0}, "chunk": 16}, n=2, seed=0)
    for c in (faded, kept):
        c.memory.salience[:, :3] = 4.0  # memories held before this chunk
        env = make_batch("reach-v0", 2, seed=0, autoreset=True)
        env.reset()
        c.live(env, 16)
    # One chunk of 16 steps: one half-life (new memories may also have come in).
    assert np.allclose(faded.memory.salience[:, :3], 2.0)
    assert np.allclose(kept.memory.salience[:, :3], 4.0)


def test_the_cohort_fades_rewarded_memories_by_their_own_half_life():
    spare = Cohort({"memory": {"half_life": 16.0, "reward_half_life": 0}, "chunk": 16}, n=2)
    spare.memory.salience[:, :3] = 4.0
    spare.memory.data["reward"][:, 0] = 1.0  # slot 0 holds a rewarded step
    env = make_batch("reach-v0", 2, seed=0, autoreset=True)
    env.reset()
    spare.live(env, 16)
    assert np.allclose(spare.memory.salience[:, 0], 4.0)  # never fades
    assert np.allclose(spare.memory.salience[:, 1:3], 2.0)  # one half-life


def test_rule_m_sleeps_when_tired_and_wakes_rested():
    m = RuleM(MConfig(), 3)
    d = m.decide(_meta(3, energy=np.array([0.1, 0.5, 0.95])), 0.0)
    assert [MODES[i] for i in d["mode"]] == ["sleep", "act", "act"]
    d = m.decide(_meta(3, energy=np.array([0.5, 0.5, 0.95])), 0.0)
    assert MODES[d["mode"][0]] == "sleep"  # still recovering
    d = m.decide(_meta(3, energy=np.array([0.95, 0.5, 0.95])), 0.0)
    assert MODES[d["mode"][0]] == "act"


def test_controller_constraints_override_and_audit():
    cfg = MConfig(name="recipe")
    from infancy.infants import RecipeM

    ctl = Controller(RecipeM(cfg, 2), cfg)
    meta = _meta(2, energy=np.array([0.01, 0.9]), social=0.5)
    act = ctl.decide(meta, 3.0, step=10)
    # Energy floor: infant 0 must sleep although the recipe says observe.
    assert MODES[act["mode"][0]] == "sleep" and MODES[act["mode"][1]] == "observe"
    assert ctl.violations["energy_floor"] == 1
    ctl.override(mode="act", gate_a=0.0)
    act = ctl.decide(_meta(2, social=0.5), 3.5, step=20)
    # The override sets the mode; the caregiver constraint still lifts A's gate.
    assert [MODES[i] for i in act["mode"]] == ["act", "act"]
    assert np.all(act["gate_a"] == cfg.min_caregiver_gate)
    assert ctl.violations["caregiver_learning"] == 2
    ctl.release()
    frame = ctl.audit.frame()
    assert len(frame) == len(ctl.audit) == 4  # one record per infant and decision
    assert frame["overridden"].tolist() == [False, False, True, True]
    assert frame["age_months"].tolist() == [3.0, 3.0, 3.5, 3.5]
    assert {f"violated_{k}" for k in CONSTRAINTS} <= set(frame.columns)
    with pytest.raises(ValueError, match="unknown meta-action 'speed'"):
        ctl.override(speed=2)
    with pytest.raises(ValueError, match="mode must be one of"):
        ctl.override(mode="dance")


def test_evolvable_m_parameters():
    m = EvolvableM(MConfig(), 2)
    assert m.phi.shape == (2, m.n_params)
    d = m.decide(_meta(2, energy=np.array([0.1, 0.9])), 6.0)
    assert [MODES[i] for i in d["mode"]] == ["sleep", "act"]
    with pytest.raises(ValueError, match="phi: expected"):
        m.set_params(np.zeros(3))
    phi = np.zeros(m.n_params)
    phi.reshape(len(m.inputs), len(m.outputs))[
        m.inputs.index("bias"), m.outputs.index("imagine")
    ] = 5
    m.set_params(phi)
    assert all(MODES[i] == "imagine" for i in m.decide(_meta(2), 6.0)["mode"])


def test_a_registered_m_is_chosen_by_name():
    @register_m("always-observe-test")
    class AlwaysObserve(SystemM):
        def decide(self, meta, age_months):
            n = self.n
            return {
                "mode": np.zeros(n, dtype=np.int64),
                "gate_a": np.ones(n),
                "gate_b": np.zeros(n),
                "intrinsic_weight": np.zeros(n),
                "store_threshold": np.ones(n),
                "replay_ratio": np.zeros(n),
                "one_shot": np.ones(n),
            }

    world = make_batch("playroom-v0", 2, seed=0, autoreset=True)
    world.reset()
    cohort = Cohort({"m": {"name": "always-observe-test"}, "chunk": 8}, n=2, seed=0)
    cohort.live(world, 16)
    assert isinstance(cohort.m.m, AlwaysObserve)
    assert set(cohort.m.audit.frame()["mode"].astype(str)) == {"observe"}


def test_cohort_must_match_world():
    world = make_batch("playroom-v0", 3, seed=0)
    world.reset()
    with pytest.raises(ValueError, match="3 worlds x 1 infants != cohort of 2"):
        Cohort(n=2).step(world)


def test_the_fixed_schedule_m_ignores_what_the_rule_m_reads():
    """ScheduleM (the fixed-schedule-m preset) decides from energy, social salience and
    the chunk count only: novelty, learning progress and trust change nothing, where
    they change the rule M's intrinsic weight and one-shot strength."""
    from infancy.infants.base import IMAGINE, META_STATES, OBSERVE, SLEEP, create
    from infancy.infants.config import MConfig

    def meta(**over):
        base = {k: np.full(3, 0.5) for k in META_STATES}
        base.update(energy=np.array([0.1, 1.0, 1.0]), social=np.array([0.0, 0.9, 0.0]))
        base["memories"] = np.full(3, 1000.0)
        base.update(over)
        return base

    plain, odd = create("m", "schedule", MConfig(), 3), create("m", "schedule", MConfig(), 3)
    weird = {"novelty": np.full(3, 9.0), "lp_a": np.full(3, -1.0), "trust": np.zeros(3)}
    for chunk in range(1, 9):
        a, b = plain.decide(meta(), 0.0), odd.decide(meta(**weird), 0.0)
        for k in a:
            assert np.array_equal(a[k], b[k]), (chunk, k)
        assert a["mode"][0] == SLEEP
        assert a["mode"][1] == (OBSERVE if chunk % 2 else (IMAGINE if chunk % 4 == 0 else 1))
        assert a["mode"][2] == (IMAGINE if chunk % 4 == 0 else 1)
    rule = create("m", "rule", MConfig(), 3)
    r1 = rule.decide(meta(), 0.0)
    r2 = create("m", "rule", MConfig(), 3).decide(meta(**weird), 0.0)
    assert not np.array_equal(r1["one_shot"], r2["one_shot"])  # the rule M reads trust


def _first_rewards(b: dict, able: np.ndarray | None = None):
    """The rewards and actions B learns from in the first chunk of a 4-infant cohort in
    ``reach-v0`` with B's config ``b`` (M never imagines or observes), after
    :meth:`Cohort.set_able` with ``able`` where given."""
    config = {"chunk": 16, "m": {"rule": {"imagine_every": 0, "social_above": 1.0}}, "b": b}
    cohort = Cohort(config, n=4, seed=3)
    if able is not None:
        cohort.set_able(able)
        assert cohort.able.tolist() == able.tolist()
    world = make_batch("reach-v0", 4, seed=3, autoreset=True)
    world.reset()
    seen, learn = [], cohort.b.learn

    def spy(rollout, gate):
        seen.append((rollout["reward"].clone(), rollout["action"].clone()))
        return learn(rollout, gate)

    cohort.b.learn = spy
    cohort.live(world, 16)
    return seen[0]


def test_a_reach_costs_b_its_effort_and_nothing_else_changes():
    """``b.reach_effort`` is subtracted from B's reward on every reach step, and only
    there: two cohorts that differ only in it live the same first chunk, and the
    rewards B learns from differ by the effort exactly where the action was a reach."""
    from infancy.worlds.core.codes import REACH

    r0, a0 = _first_rewards({"reach_effort": 0.0})
    r1, a1 = _first_rewards({"reach_effort": 0.25})
    assert torch.equal(a0, a1)
    reach = a0 == REACH
    assert reach.any() and (~reach).any()
    torch.testing.assert_close(r1, r0 - 0.25 * reach.float())


def test_with_effort_when_able_only_a_body_that_can_reach_pays_for_reaching():
    """``b.effort_when_able``: the effort is charged on the reach steps of the infants
    :meth:`Cohort.set_able` names, and no others; the rest of the reward is unchanged."""
    from infancy.worlds.core.codes import REACH

    able = np.array([True, False, True, False])
    r_all, a0 = _first_rewards({"reach_effort": 0.25, "effort_when_able": False}, able)
    r_able, a1 = _first_rewards({"reach_effort": 0.25, "effort_when_able": True}, able)
    assert torch.equal(a0, a1)
    reach = a0 == REACH
    assert reach[~able].any() and reach[able].any()  # both kinds of infant reached
    spared = reach & ~torch.from_numpy(able)[:, None]
    torch.testing.assert_close(r_able, r_all + 0.25 * spared.float())


def test_a_extra_head_steps_move_the_predictor_heads_and_leave_the_reward_head():
    """After each update A's predictor heads take ``head_updates`` extra steps on the
    detached latent; the reward head takes none (refined with them, it predicted rewards
    where there were none and B learned the reach worse, docs/measurements.md,
    2026-12-03), and the encoder takes none either."""
    cohorts = {k: Cohort({"chunk": 8, "a": {"head_updates": k}}, n=2, seed=0) for k in (0, 3)}
    for cohort in cohorts.values():
        world = make_batch("reach-v0", 2, seed=0, autoreset=True)
        world.reset()
        cohort.live(world, 8)  # one chunk, one update
    without, with_ = cohorts[0].a, cohorts[3].a
    same = lambda p, q: all(torch.equal(a, b) for a, b in zip(p, q, strict=True))  # noqa: E731
    assert same(without.reward_head.parameters(), with_.reward_head.parameters())
    assert same(without.encoder.parameters(), with_.encoder.parameters())
    assert not same(without.heads.parameters(), with_.heads.parameters())
    assert with_.pred_opt.t.tolist() == [3, 3] and with_.head_opt.t.tolist() == [0, 0]
