"""The checker kit for infants: run it over every registered System A, B and M (and
over your own the moment you register it).

>>> from infancy.infants.testing import check_system_m
>>> check_system_m("rule")  # doctest: +SKIP

For each implementation the kit checks its contract (:mod:`infancy.infants.base`: every
method, the shapes and dtypes of its outputs on a small cohort), that a gate of 0 leaves
an infant exactly as it was, that a cohort using it saved mid-life and restored
continues bit-identically (:func:`check_checkpoint`) and that the same seed gives the
same life (:func:`check_determinism`). Each check raises ``AssertionError`` naming the
implementation and what went wrong. In pytest, parametrise over
:func:`~infancy.infants.base.available` (``tests/infants/test_infant_kit.py``).
"""

from __future__ import annotations

import copy
import json
import tempfile
from typing import Any

import numpy as np
import torch

from infancy.worlds import make_batch

from .base import META_ACTIONS, MODES, SystemA, SystemB, SystemM, Transitions, available, create
from .checkpoint import optimisers
from .cohort import Cohort
from .config import MConfig
from .control import Controller
from .nn import GroupMLP
from .signals import SIGNALS

__all__ = [
    "check_all",
    "check_checkpoint",
    "check_determinism",
    "check_system_a",
    "check_system_b",
    "check_system_m",
    "small_config",
]

N = 3
"""Infants in the kit's cohorts."""

WORLD = "reach-v0"


def small_config(kind: str | None = None, name: str | None = None) -> dict[str, Any]:
    """A small, quick infant config (short chunks, small nets, imagination early) with
    ``kind`` (``"a"``, ``"b"``, ``"m"``) set to the implementation ``name``."""
    config: dict[str, Any] = {
        "chunk": 8,
        "memory": {"capacity": 64},
        "dream_batch": 16,
        "imagine_starts": 8,
        "a": {"latent": 16, "hidden": 32, "head_hidden": 32, "rnd_hidden": 16, "rnd_dim": 8},
        "b": {"hidden": 32, "epochs": 1},
        "m": {"rule": {"imagine_every": 2, "imagine_after": 8}},
    }
    if kind is not None:
        config[kind] = {**config.get(kind, {}), "name": name}
    return config


def _world(seed: int = 0):
    world = make_batch(WORLD, N, seed=seed, autoreset=True)
    world.reset()
    return world


def _rows(module: torch.nn.Module, what: str) -> dict[str, torch.Tensor]:
    """Every checkpointed tensor of a learner (``state_dict`` and optimisers) as
    ``[N, -1]`` rows per infant."""
    tensors = dict(module.state_dict())
    for name, opt in optimisers(module):
        tensors.update(opt.state_tensors(name))
    rows = {}
    for k, v in tensors.items():
        v = torch.as_tensor(v)
        assert v.ndim > 0 and v.shape[0] % N == 0, (
            f"{what}: state {k!r} of shape {tuple(v.shape)} does not hold the infants on "
            f"its leading axis (N or N * k)"
        )
        rows[k] = v.reshape(N, -1).clone()
    return rows


def _unchanged(before: dict, after: dict, infants, what: str) -> None:
    for k, v in before.items():
        for i in infants:
            assert torch.equal(after[k][i], v[i]), f"{what}: infant {i}'s {k!r} changed"


def _changed(before: dict, after: dict, i: int, what: str) -> None:
    assert any(not torch.equal(after[k][i], v[i]) for k, v in before.items()), (
        f"{what}: infant {i} learned nothing with its gate open"
    )


def _shape(x: Any, shape: tuple, dtype: torch.dtype | None, what: str) -> None:
    assert isinstance(x, torch.Tensor), f"{what}: expected a tensor, got {type(x).__name__}"
    assert tuple(x.shape) == shape, f"{what}: expected shape {shape}, got {tuple(x.shape)}"
    if dtype is not None:
        assert x.dtype == dtype, f"{what}: expected {dtype}, got {x.dtype}"
    if x.dtype.is_floating_point:
        assert torch.isfinite(x).all(), f"{what}: not finite"


def _batch(cohort: Cohort, steps: int = 12, seed: int = 0) -> Transitions:
    """``[N, steps]`` real transitions of random actions (the last one terminal)."""
    world = _world(seed)
    rng = np.random.default_rng(seed)
    views, senses, actions, rewards = [world.view.copy()], [world.senses.copy()], [], []
    for _ in range(steps):
        a = rng.integers(0, cohort.n_actions, size=(N, 1))
        res = world.step(a)
        views.append(res.view.copy())
        senses.append(res.senses.copy())
        actions.append(a[:, 0])
        rewards.append(res.reward[:, 0])
    x = cohort.features(np.stack(views, 1)[:, :, 0], np.stack(senses, 1)[:, :, 0])
    terminal = torch.zeros(N, steps, dtype=torch.bool)
    terminal[:, -1] = True
    return Transitions(
        x.t(0, steps),
        torch.as_tensor(np.stack(actions, 1), dtype=torch.int64),
        x.t(1),
        torch.as_tensor(np.stack(rewards, 1), dtype=torch.float32),
        torch.ones(N, steps, dtype=torch.bool),
        terminal,
    )


# ---------------------------------------------------------------------- cohort-level
def _trace(cohort: Cohort, world, steps: int) -> list[tuple[np.ndarray, ...]]:
    out = []
    for _ in range(steps):
        r = cohort.step(world)
        out.append((r.view.copy(), r.reward.copy(), cohort.mode.copy()))
    return out


def _same_trace(a, b) -> bool:
    return all(
        all(np.array_equal(x, y) for x, y in zip(p, q, strict=True))
        for p, q in zip(a, b, strict=True)
    )


def _same_state(first: Cohort, second: Cohort, what: str) -> None:
    (a1, m1), (a2, m2) = first.state_dict(), second.state_dict()
    assert a1.keys() == a2.keys(), f"{what}: state arrays {sorted(a1.keys() ^ a2.keys())} differ"
    for k in a1:
        assert a1[k].dtype == a2[k].dtype and np.array_equal(a1[k], a2[k], equal_nan=True), (
            f"{what}: state array {k!r} differs"
        )
    assert json.dumps(m1, sort_keys=True) == json.dumps(m2, sort_keys=True), (
        f"{what}: checkpoint metadata differs"
    )


def check_checkpoint(config: dict[str, Any], *, what: str = "cohort", seed: int = 0) -> None:
    """A cohort saved mid-chunk (after imagining and sleeping chunks have been possible)
    and restored into a fresh object has the same state arrays and continues exactly:
    the same observations, rewards and modes, and the same state at the end.

    Parameters
    ----------
    config
        The infant config (see :func:`small_config`).
    what
        The name the messages give the thing checked.
    seed
        The cohort's seed.
    """
    world = _world(seed)
    cohort = Cohort(config, n=N, seed=seed)
    _trace(cohort, world, 3 * config["chunk"] + 3)  # mid-chunk on purpose
    arrays, meta = world.state_dict()
    with tempfile.TemporaryDirectory() as tmp:
        cohort.save(tmp)
        restored = Cohort.load(tmp)
    _same_state(cohort, restored, f"{what}: save/load")
    world2 = make_batch(WORLD, N, seed=seed + 1, autoreset=True)
    world2.load_state_dict({k: v.copy() for k, v in arrays.items()}, copy.deepcopy(meta))
    steps = 2 * config["chunk"]
    expected, got = _trace(cohort, world, steps), _trace(restored, world2, steps)
    assert _same_trace(expected, got), f"{what}: the restored cohort lives differently"
    _same_state(cohort, restored, f"{what}: after living on from a checkpoint")


def check_determinism(config: dict[str, Any], *, what: str = "cohort", seed: int = 0) -> None:
    """Two cohorts with one seed live the same life (observations, rewards, modes and
    every state array); another seed gives another life."""
    steps = 3 * config["chunk"] + 3
    first = Cohort(config, n=N, seed=seed)
    second = Cohort(config, n=N, seed=seed)
    a = _trace(first, _world(seed), steps)
    b = _trace(second, _world(seed), steps)
    assert _same_trace(a, b), f"{what}: two cohorts with seed {seed} live differently"
    _same_state(first, second, f"{what}: two cohorts with seed {seed}")
    other = Cohort(config, n=N, seed=seed + 1)
    _trace(other, _world(seed), steps)
    x1, x2 = first.state_dict()[0], other.state_dict()[0]
    assert any(not np.array_equal(x1[k], x2[k]) for k in x1 if k.startswith(("a.", "b."))), (
        f"{what}: seeds {seed} and {seed + 1} gave identical infants"
    )


# ---------------------------------------------------------------------- System A
def check_system_a(name: str) -> None:
    """Every check of the kit on the registered System A ``name``."""
    what = f"a {name!r}"
    config = small_config("a", name)
    cohort = Cohort(config, n=N, seed=0)
    a = cohort.a
    assert isinstance(a, SystemA), f"{what}: not a SystemA"
    assert isinstance(a.latent, int) and a.latent > 0, f"{what}: latent: expected a size"
    z_dim, w, k = a.latent, cohort.n_words, cohort.n_kinds
    mlp = a.inference_mlp()
    assert mlp is None or isinstance(mlp, GroupMLP), f"{what}: inference_mlp: GroupMLP or None"
    batch = _batch(cohort)
    t = batch.action.shape[1]
    start = _rows(a, what)
    # Read-outs change nothing.
    with torch.no_grad():
        _shape(a.encode(batch.x), (N, t, z_dim), torch.float32, f"{what}: encode")
        z = torch.randn(N, 5, z_dim, generator=torch.Generator().manual_seed(0))
        act = torch.randint(0, cohort.n_actions, (N, 5), generator=torch.Generator())
        z_next, r = a.predict(z, act)
    _shape(z_next, (N, 5, z_dim), torch.float32, f"{what}: predict (latent)")
    _shape(r, (N, 5), torch.float32, f"{what}: predict (reward)")
    _shape(a.surprise(batch), (N, t), None, f"{what}: surprise")
    _shape(a.comprehends(), (N, w + 1), torch.bool, f"{what}: comprehends")
    _shape(a.associations(), (N, w + 1, k + 1), None, f"{what}: associations")
    _unchanged(start, _rows(a, what), range(N), f"{what}: a read-out")
    # Learning: the signals, and a gate of 0 leaves an infant exactly as it was.
    gate = torch.tensor([1.0, 0.0, 1.0])
    learner = copy.deepcopy(a)
    sig = learner.learn(batch, gate)
    for key in ("prediction_error", "uncertainty", "novelty"):
        assert key in sig, f"{what}: learn: {key!r} missing from the signals"
        _shape(sig[key], (N,), None, f"{what}: learn[{key!r}]")
    for key in ("error_sample", "novelty_sample"):
        assert key in sig, f"{what}: learn: {key!r} missing from the signals"
        _shape(sig[key], (N, t), None, f"{what}: learn[{key!r}]")
    after = _rows(learner, what)
    _unchanged(start, after, [1], f"{what}: learn with gate 0")
    _changed(start, after, 0, f"{what}: learn")
    learner.refine(batch, torch.tensor([0.0, 0.0, 1.0]), 2)
    _unchanged(after, _rows(learner, what), [0, 1], f"{what}: refine with gate 0")
    shut = copy.deepcopy(a)
    shut.learn(batch, torch.zeros(N))
    shut.refine(batch, torch.zeros(N), 2)
    _unchanged(start, _rows(shut, what), range(N), f"{what}: learn with every gate 0")
    # Words.
    g = torch.Generator().manual_seed(1)
    word = torch.randint(0, w + 1, (N, 20), generator=g)
    visible = (torch.rand(N, 20, k + 1, generator=g) < 0.3).float()
    visible[..., 0] = 0.0
    cued = visible * (torch.rand(N, 20, k + 1, generator=g) < 0.5)
    right, wrong = learner.learn_words(
        word, visible, cued, torch.rand(N, 20, generator=g) < 0.5, torch.ones(N)
    )
    _shape(right, (N,), None, f"{what}: learn_words (right)")
    _shape(wrong, (N,), None, f"{what}: learn_words (wrong)")
    known = learner.comprehends()
    referent = learner.referent()
    _shape(referent, (N, w + 1), torch.int64, f"{what}: referent")
    assert not bool(known[:, 0].any()), f"{what}: comprehends: word 0 ('no word') is known"
    assert bool((referent[~known] == 0).all()), f"{what}: referent of an unknown word is not 0"
    assert bool(((referent >= 0) & (referent <= k)).all()), f"{what}: referent out of range"
    # Determinism: the same seed gives the same module and the same learning.
    twin = Cohort(config, n=N, seed=0).a
    again = copy.deepcopy(twin).learn(batch, gate)
    for key in ("prediction_error", "error_sample"):
        assert torch.equal(again[key], sig[key]), f"{what}: learn differs with one seed"
    other = Cohort(config, n=N, seed=1).a
    assert not torch.equal(other.encode(batch.x), a.encode(batch.x)), (
        f"{what}: seeds 0 and 1 gave identical encoders"
    )
    _check_watch(config, what)
    check_checkpoint(config, what=what)
    check_determinism(config, what=what)


def _check_watch(config: dict[str, Any], what: str) -> None:
    """:meth:`SystemA.watch` with the config as given and with the local model on
    (``a.local_hidden``): ``None`` just when ``watches`` is False, or the error per step,
    0 where not still; a gate of 0, or an open gate with no still step, changes
    nothing."""
    _check_watch_with(config, what)
    _check_watch_with({**config, "a": {**config.get("a", {}), "local_hidden": 8}}, what)


def _check_watch_with(config: dict[str, Any], what: str) -> None:
    cohort = Cohort(config, n=N, seed=0)
    batch = _batch(cohort)
    t = batch.action.shape[1]
    still = batch.valid & ~batch.terminal
    still[:, 0] = False
    a = cohort.a
    start = _rows(a, what)
    # The step before each step (the first has none: it is not still).
    before = batch.x.t(0, 1).cat(batch.x.t(0, t - 1))
    gate = torch.tensor([1.0, 0.0, 1.0])
    # Infant 2 has its gate open and no still step: nothing to learn from.
    still[2] = False
    err = a.watch(before, batch.x, batch.x_next, batch.action, still, gate)
    assert isinstance(a.watches, bool), f"{what}: watches: {a.watches!r}, expected a bool"
    if err is None:
        assert not a.watches, f"{what}: watches is True, but watch gave None"
        _unchanged(start, _rows(a, what), range(N), f"{what}: watch with no local model")
        return
    assert a.watches, f"{what}: watches is False, but watch gave an error"
    _shape(err, (N, t), None, f"{what}: watch")
    assert bool((err[~still] == 0).all()), f"{what}: watch: an error where not still"
    assert bool((err[still] >= 0).all()), f"{what}: watch: a negative error"
    after = _rows(a, what)
    _unchanged(start, after, [1], f"{what}: watch with gate 0")
    _unchanged(start, after, [2], f"{what}: watch with no still step")
    _changed(start, after, 0, f"{what}: watch")


# ---------------------------------------------------------------------- System B
def check_system_b(name: str) -> None:
    """Every check of the kit on the registered System B ``name``."""
    what = f"b {name!r}"
    config = small_config("b", name)
    cohort = Cohort(config, n=N, seed=0)
    # B reads the cohort's state [z, belief, cue] (Cohort.state_size numbers).
    b, n_act, z_dim = cohort.b, cohort.n_actions, cohort.state_size
    assert isinstance(b, SystemB), f"{what}: not a SystemB"
    gamma = b.discount
    assert isinstance(gamma, float) and 0.0 < gamma <= 1.0, f"{what}: discount: {gamma!r}"
    mlp = b.inference_mlp()
    assert mlp is None or isinstance(mlp, GroupMLP), f"{what}: inference_mlp: GroupMLP or None"
    start = _rows(b, what)
    g = torch.Generator().manual_seed(0)
    z = torch.randn(N, z_dim, generator=g)
    action, logp, value = b.act(z, torch.Generator().manual_seed(3))
    _shape(action, (N,), torch.int64, f"{what}: act (action)")
    _shape(logp, (N,), None, f"{what}: act (logp)")
    _shape(value, (N,), None, f"{what}: act (value)")
    assert bool(((action >= 0) & (action < n_act)).all()), f"{what}: act: action out of range"
    again = b.act(z, torch.Generator().manual_seed(3))
    assert all(torch.equal(x, y) for x, y in zip(again, (action, logp, value), strict=True)), (
        f"{what}: act differs with one generator state"
    )
    with torch.no_grad():
        logits, v = b.evaluate(z[:, None])
    _shape(logits, (N, 1, n_act), None, f"{what}: evaluate (logits)")
    _shape(v, (N, 1), None, f"{what}: evaluate (value)")
    torch.testing.assert_close(v[:, 0], value, msg=f"{what}: act's value != evaluate's")
    expect = torch.log_softmax(logits[:, 0], -1).gather(-1, action[:, None])[:, 0]
    torch.testing.assert_close(logp, expect, msg=f"{what}: act's logp != evaluate's policy")
    _unchanged(start, _rows(b, what), range(N), f"{what}: act/evaluate")
    # The cohort's fused inference (when A and B both offer plain MLPs) equals the modules.
    world = _world()
    view, senses = world.view.reshape(N, *world.view.shape[2:]), world.senses.reshape(N, -1)
    fused = cohort._infer(view, senses, torch.Generator().manual_seed(4), cohort.new_mind())
    with torch.no_grad():
        za = cohort.a.encode(cohort.features(view[:, None], senses[:, None]))[:, 0]
        belief = cohort.a.remember(torch.zeros_like(za), za)
        cue = torch.from_numpy(cohort.word_cue(view, senses, cohort.new_mind()))
        state = cohort.state_of(za, belief, cue)
    torch.testing.assert_close(fused[3], state, msg=f"{what}: the fused state != the modules'")
    plain = b.act(state, torch.Generator().manual_seed(4))
    assert torch.equal(fused[0], plain[0]), f"{what}: the fused inference samples differently"
    # Learning from real rollouts and from imagination: gate 0 changes nothing.
    t, s, h = 10, 4, 3
    with torch.no_grad():
        zr = torch.randn(N, t, z_dim, generator=g)
        acts = torch.randint(0, n_act, (N, t), generator=g)
        lg, val = b.evaluate(zr)
        lp = torch.log_softmax(lg, -1).gather(-1, acts[..., None])[..., 0]
    rollout = {
        "z": zr,
        "action": acts,
        "logp": lp,
        "value": val,
        "reward": torch.randn(N, t, generator=g),
        "done": (torch.rand(N, t, generator=g) < 0.2).float(),
        "last_value": torch.zeros(N),
    }
    imagined = {
        "z": torch.randn(N, s, h, z_dim, generator=g),
        "action": torch.randint(0, n_act, (N, s, h), generator=g),
        "ret": torch.rand(N, s, h, generator=g),
        "alive": torch.ones(N, s, h, dtype=torch.bool),
        "success": torch.ones(N, s, dtype=torch.bool),
    }
    gate = torch.tensor([1.0, 0.0, 1.0])
    for method, data in (("learn", rollout), ("learn_imagined", imagined)):
        learner = copy.deepcopy(b)
        stats = getattr(learner, method)(data, gate)
        assert isinstance(stats, dict), f"{what}: {method}: expected a dict of statistics"
        after = _rows(learner, what)
        _unchanged(start, after, [1], f"{what}: {method} with gate 0")
        _changed(start, after, 0, f"{what}: {method}")
        shut = copy.deepcopy(b)
        getattr(shut, method)(data, torch.zeros(N))
        _unchanged(start, _rows(shut, what), range(N), f"{what}: {method} with every gate 0")
    twin = Cohort(config, n=N, seed=0).b
    assert all(torch.equal(x, y) for x, y in zip(twin.parameters(), b.parameters(), strict=True)), (
        f"{what}: two modules with one seed differ"
    )
    check_checkpoint(config, what=what)
    check_determinism(config, what=what)


# ---------------------------------------------------------------------- System M
def _meta(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Plausible meta-signals for ``N`` infants (every registered signal)."""
    meta = {k: rng.normal(0.0, 1.0, N) for k in SIGNALS}
    meta.update(
        energy=rng.uniform(0.0, 1.0, N),
        trust=rng.uniform(0.0, 1.0, N),
        social=rng.uniform(0.0, 1.0, N),
        novelty=rng.uniform(0.0, 3.0, N),
        memories=rng.integers(0, 2000, N).astype(np.float64),
    )
    return meta


def _check_decision(out: Any, what: str) -> None:
    assert isinstance(out, dict), f"{what}: decide: expected a dict, got {type(out).__name__}"
    for k in META_ACTIONS:
        assert k in out, f"{what}: decide: {k!r} missing (expected every META_ACTIONS)"
        shape = np.shape(out[k])
        assert shape in ((), (N,)), (
            f"{what}: decide()[{k!r}]: expected a scalar or shape ({N},), got shape {shape}"
        )
        v = np.asarray(out[k])
        assert np.issubdtype(v.dtype, np.number) and not np.isnan(v).any(), (
            f"{what}: decide()[{k!r}]: expected numbers (no NaN), got {v!r}"
        )
    mode = np.asarray(out["mode"])
    assert np.issubdtype(mode.dtype, np.integer), f"{what}: decide()['mode']: not integers"
    assert ((mode >= 0) & (mode < len(MODES))).all(), f"{what}: decide()['mode'] out of range"


def _same_decision(x: dict, y: dict) -> bool:
    return all(np.array_equal(x[k], y[k]) for k in META_ACTIONS)


def check_system_m(name: str) -> None:
    """Every check of the kit on the registered System M ``name``."""
    what = f"m {name!r}"
    config = MConfig(name=name)
    first, second = create("m", name, config, N), create("m", name, config, N)
    assert isinstance(first, SystemM), f"{what}: not a SystemM"
    rng = np.random.default_rng(0)
    metas = [_meta(rng) for _ in range(6)]
    for i, meta in enumerate(metas[:3]):
        out = first.decide(meta, float(i))
        _check_decision(out, what)
        assert _same_decision(out, second.decide(meta, float(i))), (
            f"{what}: two instances decide differently on the same meta-signals"
        )
        ready = np.asarray(first.ready(meta))
        assert ready.shape == (N,) and ready.dtype == bool, f"{what}: ready: expected bool[{N}]"
        second.ready(meta)
    # State round trip: a fresh instance given the state decides the same from then on.
    arrays = first.state_arrays()
    assert all(isinstance(v, np.ndarray) for v in arrays.values()), (
        f"{what}: state_arrays: expected numpy arrays"
    )
    restored = create("m", name, config, N)
    restored.load_state_arrays({k: v.copy() for k, v in arrays.items()})
    back = restored.state_arrays()
    assert back.keys() == arrays.keys() and all(
        np.array_equal(np.asarray(back[k]), v) for k, v in arrays.items()
    ), f"{what}: state_arrays do not round-trip"
    for i, meta in enumerate(metas[3:], 3):
        assert _same_decision(first.decide(meta, float(i)), restored.decide(meta, float(i))), (
            f"{what}: a restored instance decides differently"
        )
    # Through the controller (constraints and audit) and in a living cohort.
    act = Controller(create("m", name, config, N), config).decide(metas[0], 0.0, 0)
    assert all(np.shape(act[k]) == (N,) for k in META_ACTIONS), f"{what}: controller"
    cohort_config = small_config("m", name)
    check_checkpoint(cohort_config, what=what)
    check_determinism(cohort_config, what=what)


def check_all() -> None:
    """:func:`check_system_a`, :func:`check_system_b` and :func:`check_system_m` on
    every registered implementation."""
    for name in available("a"):
        check_system_a(name)
    for name in available("b"):
        check_system_b(name)
    for name in available("m"):
        check_system_m(name)
