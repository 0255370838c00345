"""The batched building blocks against plain torch references: the compiled front end,
optimiser, moving average, advantage estimates and action sampling must compute what
their torch definitions compute (they exist only to be faster)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from infancy.infants.config import BConfig
from infancy.infants.nn import GroupAdam, GroupMLP, ObsEncoder, clip_per_infant, ema_per_infant
from infancy.infants.system_b import PpoB, gae
from infancy.worlds.core.codes import S_ENERGY


def reference_encode(enc: ObsEncoder, view: np.ndarray, senses: np.ndarray) -> torch.Tensor:
    """The front end's definition in torch ops: a cell is the sum of its channels' code
    vectors (``embedding_bag``), senses one-hot, energy scaled."""
    m = view.shape[0]
    cards = torch.as_tensor(enc._rows[:, -1] - enc._rows[:, 0] + 1)
    offsets = torch.as_tensor(enc._rows[:, 0])
    v = torch.from_numpy(view).reshape(m, enc.channels, -1).long()
    codes = torch.minimum(v, cards.view(1, -1, 1) - 1) + offsets.view(1, -1, 1)
    idx = codes.transpose(1, 2).reshape(-1, enc.channels)
    cells = F.embedding_bag(idx, enc.table, mode="sum").view(m, -1)
    body = torch.zeros(m, enc.body_size)
    s = torch.from_numpy(senses).long()
    for j, col in enumerate(enc._sense_idx):
        rows = torch.as_tensor(enc._sense_rows[j])
        body[torch.arange(m), rows[s[:, col]]] = 1.0
    body[:, -1] = s[:, S_ENERGY].float() / 255.0
    return torch.cat([cells, body], -1)


@pytest.mark.parametrize("embed", [8, 5])
def test_front_end_equals_embedding_bag(embed):
    rng = np.random.default_rng(0)
    cards, sense_cards = [3, 9, 7, 9, 2, 2], [2, 6, 3, 9, 4, 1, 9, 5, 2, 2, 4, 5]
    enc = ObsEncoder(cards, sense_cards, 5, embed, torch.Generator().manual_seed(1))
    # Values past a channel's range too (they are clipped to its last code).
    view = rng.integers(0, 12, size=(300, 6, 5, 5)).astype(np.uint8)
    senses = rng.integers(0, 12, size=(300, 12)).astype(np.uint8)
    senses[:, S_ENERGY] = rng.integers(0, 256, 300)
    got = enc.encode(view, senses)
    assert got.flat.shape == (300, enc.size)
    assert torch.equal(got.flat, reference_encode(enc, view, senses))
    # Leading axes are kept, and cells/body are the two blocks.
    x = enc.encode(view.reshape(3, 100, 6, 5, 5), senses.reshape(3, 100, 12))
    assert x.cells.shape == (3, 100, 25 * embed) and x.body.shape == (3, 100, enc.body_size)
    assert torch.equal(x.flat.reshape(300, -1), got.flat)


def test_group_adam_matches_torch_adam_per_infant():
    """Each infant's rows follow torch's Adam (with its own rate and its own clipped
    gradient), whatever the other infants do."""
    n, g = 3, torch.Generator().manual_seed(0)
    net = GroupMLP(n, [4, 6, 2], g)
    opt = GroupAdam(list(net.parameters()), n)
    lr = torch.tensor([0.01, 0.0, 0.05])
    singles = []
    for i in range(n):
        ps = [p.detach()[i].clone().requires_grad_(True) for p in net.parameters()]
        singles.append((ps, torch.optim.Adam(ps, lr=float(lr[i]))))
    for _ in range(5):
        x = torch.randn(n, 7, 4, generator=g) * 3
        net(x).pow(2).sum().backward()
        grads = [[p.grad[i].clone() for p in net.parameters()] for i in range(n)]
        norms = opt.step(lr, max_norm=1.0)
        opt.zero_grad()
        for i, (ps, ref) in enumerate(singles):
            for p, gr in zip(ps, grads[i], strict=True):
                p.grad = gr
            total = torch.nn.utils.clip_grad_norm_(ps, 1.0)
            assert norms[i] == pytest.approx(float(total), rel=1e-5)
            ref.step()
    for i, (ps, _) in enumerate(singles):
        for p, q in zip(net.parameters(), ps, strict=True):
            torch.testing.assert_close(p.detach()[i], q.detach(), rtol=1e-5, atol=1e-6)


def test_group_adam_leaves_a_gated_off_infant_alone():
    """A rate of 0 leaves an infant exactly as it was, moments and step count included;
    each infant's rows follow torch's Adam stepped only when its own rate was on."""
    n, g = 2, torch.Generator().manual_seed(0)
    net = GroupMLP(n, [4, 6, 2], g)
    opt = GroupAdam(list(net.parameters()), n)
    rates = [[0.01, 0.0], [0.0, 0.02], [0.01, 0.02], [0.01, 0.0], [0.0, 0.0], [0.01, 0.02]]
    singles = []
    for i in range(n):
        ps = [p.detach()[i].clone().requires_grad_(True) for p in net.parameters()]
        singles.append((ps, torch.optim.Adam(ps, lr=0.01 * (i + 1))))
    for lr in rates:
        x = torch.randn(n, 7, 4, generator=g) * 3
        net(x).pow(2).sum().backward()
        grads = [[p.grad[i].clone() for p in net.parameters()] for i in range(n)]
        before = [m.clone() for m in opt.m + opt.v]
        opt.step(torch.tensor(lr))
        opt.zero_grad()
        for i, (ps, ref) in enumerate(singles):
            if lr[i] == 0.0:
                assert all(
                    torch.equal(a[i], b[i]) for a, b in zip(opt.m + opt.v, before, strict=True)
                )
                continue
            for p, gr in zip(ps, grads[i], strict=True):
                p.grad = gr
            ref.step()
    assert opt.t.tolist() == [4, 3]
    for i, (ps, _) in enumerate(singles):
        for p, q in zip(net.parameters(), ps, strict=True):
            torch.testing.assert_close(p.detach()[i], q.detach(), rtol=1e-5, atol=1e-6)


def test_group_adam_state_loads_a_shared_step_count():
    """Checkpoints written before per-infant step counts hold one count for all."""
    net = GroupMLP(3, [2, 2], torch.Generator().manual_seed(0))
    opt = GroupAdam(list(net.parameters()), 3)
    state = opt.state_tensors("o")
    state["o.t"] = torch.tensor([7])
    opt.load_state_tensors("o", state)
    assert opt.t.tolist() == [7, 7, 7]


def test_clip_per_infant_scales_each_infant_alone():
    n = 2
    p = torch.nn.Parameter(torch.zeros(n, 3))
    p.grad = torch.tensor([[3.0, 4.0, 0.0], [0.3, 0.4, 0.0]])
    norms = clip_per_infant([p], n, 1.0)
    torch.testing.assert_close(norms, torch.tensor([5.0, 0.5]))
    torch.testing.assert_close(p.grad, torch.tensor([[0.6, 0.8, 0.0], [0.3, 0.4, 0.0]]))


def test_ema_per_infant():
    target = torch.zeros(3, 2, 4)
    source = torch.ones(3, 2, 4)
    ema_per_infant([target], [source], torch.tensor([0.5, 0.0, 0.02]), 3)
    torch.testing.assert_close(target[:, 0, 0], torch.tensor([0.5, 0.0, 0.02]))
    assert torch.equal(target[1], torch.zeros(2, 4))


def reference_gae(reward, value, done, last_value, gamma, lam):
    n, t = reward.shape
    adv = torch.zeros_like(reward)
    running, next_value = torch.zeros(n), last_value
    for i in range(t - 1, -1, -1):
        alive = 1.0 - done[:, i]
        delta = reward[:, i] + gamma * next_value * alive - value[:, i]
        running = delta + gamma * lam * alive * running
        adv[:, i] = running
        next_value = value[:, i]
    return adv, adv + value


def test_gae_equals_the_torch_recursion():
    g = torch.Generator().manual_seed(0)
    reward = torch.randn(5, 40, generator=g)
    value = torch.randn(5, 40, generator=g)
    done = (torch.rand(5, 40, generator=g) < 0.1).float()
    last = torch.randn(5, generator=g)
    adv, ret = gae(reward, value, done, last, 0.9, 0.8)
    ref_adv, ref_ret = reference_gae(reward, value, done, last, 0.9, 0.8)
    assert torch.equal(adv, ref_adv) and torch.equal(ret, ref_ret)


def test_b_samples_actions_as_torch_multinomial_does():
    b = PpoB(BConfig(), 16, 8, 5, torch.Generator().manual_seed(0))
    with torch.no_grad():
        b.net.layers[-1].weight.normal_(0, 3.0, generator=torch.Generator().manual_seed(1))
    z = torch.randn(16, 8, generator=torch.Generator().manual_seed(2))
    g1, g2 = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    for _ in range(50):
        action, logp, _ = b.act(z, g1)
        with torch.no_grad():
            logp_all = torch.log_softmax(b(z[:, None])[0][:, 0], -1)
        expected = torch.multinomial(logp_all.exp(), 1, generator=g2)[:, 0]
        assert torch.equal(action, expected)
        # The same log-softmax up to the last bit of float32 exp and log.
        torch.testing.assert_close(logp, logp_all.gather(1, expected[:, None])[:, 0])


def test_fused_policy_equals_the_modules_step_by_step():
    """The compiled inference (front end, encoder, actor-critic, sample) gives the
    modules' latent, value and actions, and their log-probabilities to float rounding,
    along a cohort's life (its parameters changing as it learns)."""
    from infancy.infants import Cohort
    from infancy.infants.nn import fused_policy
    from infancy.worlds import make_batch

    n = 4
    world = make_batch("playroom-v0", n, seed=1, autoreset=True)
    world.reset()
    cohort = Cohort({"chunk": 16}, n=n, seed=3)
    cohort.m.override(mode="act", gate_b=1.0)
    compared = 0
    for _ in range(96):
        if cohort._primed:
            t = cohort._t
            view, senses = cohort._view[:, t], cohort._senses[:, t]
            gen = torch.Generator().manual_seed(compared)
            # The cohort's own mind (belief, word in mind) as it stands: both paths
            # start from copies of it.
            mind = cohort.mind
            with torch.inference_mode():
                z = cohort.a.encode(cohort.features(view[:, None], senses[:, None]))[:, 0]
                belief = cohort.a.remember(torch.from_numpy(mind.belief.copy()), z)
                word, left = mind.word.copy(), mind.left.copy()
                cue = cohort.word_cue(view, senses, mind)
                mind.word[...], mind.left[...] = word, left  # undo the word's move
                state = cohort.state_of(z, belief, torch.from_numpy(cue))
                action, logp, value = cohort.b.act(state, gen)
            gen.manual_seed(compared)
            draws = torch.empty(n, cohort.n_actions).exponential_(1.0, generator=gen)
            enc, pol = cohort.a.inference_mlp(), cohort.b.inference_mlp()
            h = mind.belief.copy()
            decay = cohort.a.memory_decay().numpy()
            # B's prior (habituation's pull, on by default) from the same cue.
            prior = None if cohort.b.prior is None else cohort.b.prior.of_cue(cue)
            s2, action2, logp2, value2 = fused_policy(
                cohort.obs, view, senses, enc, pol, draws, h, decay, cue, prior
            )
            torch.testing.assert_close(torch.from_numpy(s2), state, rtol=1e-6, atol=1e-6)
            torch.testing.assert_close(torch.from_numpy(h), belief, rtol=1e-6, atol=1e-6)
            torch.testing.assert_close(torch.from_numpy(value2), value, rtol=1e-6, atol=1e-6)
            torch.testing.assert_close(torch.from_numpy(logp2), logp, rtol=1e-5, atol=1e-6)
            assert np.array_equal(action2, action.numpy())
            compared += 1
        cohort.step(world)
    assert compared >= 90 and cohort.steps == 96  # five updates happened in between


def test_fused_policy_declines_other_depths_and_follows_copies():
    from infancy.infants.nn import fused_policy

    g = torch.Generator().manual_seed(0)
    enc = ObsEncoder([3, 9, 7, 9, 2, 2], [2, 6, 3, 9, 4, 1, 9, 5, 2, 2, 4, 5], 5, 8, g)
    view = np.zeros((2, 6, 5, 5), dtype=np.uint8)
    senses = np.zeros((2, 12), dtype=np.uint8)
    draws = torch.ones(2, 3)
    deep = GroupMLP(2, [enc.size, 8, 8, 4], g)
    head = GroupMLP(2, [2 * 4 + 1, 8, 4], g)  # reads [z, belief, cue]: 4 + 4 + 1

    def fused(encoder, head=head, draws=draws, belief=None):
        belief = np.zeros((2, 4), dtype=np.float32) if belief is None else belief
        cue = np.zeros((2, 1), dtype=np.float32)
        out = fused_policy(enc, view, senses, encoder, head, draws, belief, np.zeros(2), cue)
        return None if out is None else (out[0][:, :4], *out[1:])

    assert fused(deep) is None
    with pytest.raises(ValueError, match="draws"):
        fused(GroupMLP(2, [enc.size, 8, 4], g), draws=torch.ones(2, 5))
    with pytest.raises(ValueError, match="do not fit"):
        fused(GroupMLP(2, [enc.size, 8, 5], g))
    with pytest.raises(ValueError, match="do not fit"):
        fused(GroupMLP(2, [enc.size, 8, 4], g), belief=np.zeros((2, 3), dtype=np.float32))
    shallow = GroupMLP(2, [enc.size, 8, 4], g)
    z, *_ = fused(shallow)
    with torch.no_grad():  # an in-place update is seen
        shallow.layers[1].bias.add_(1.0)
    z_after, *_ = fused(shallow)
    np.testing.assert_allclose(z_after, z + 1.0, rtol=1e-6)
    import copy

    twin = copy.deepcopy(shallow)  # a copy reads its own parameters
    with torch.no_grad():
        twin.layers[1].bias.add_(1.0)
    z_twin, *_ = fused(twin)
    np.testing.assert_allclose(z_twin, z + 2.0, rtol=1e-6)
    np.testing.assert_allclose(fused(shallow)[0], z_after)


def test_a_cohort_without_plain_mlps_runs_module_by_module_to_the_same_actions():
    from infancy.infants import Cohort
    from infancy.worlds import make_batch

    runs = []
    for fused in (True, False):
        world = make_batch("reach-v0", 3, seed=0, autoreset=True)
        world.reset()
        cohort = Cohort({"chunk": 32}, n=3, seed=5)
        cohort.m.override(mode="act", gate_b=1.0)
        if not fused:
            cohort.a.inference_mlp = lambda: None  # as a System A that is no plain MLP
        cohort.live(world, 31)  # within the first chunk: nothing learned yet
        runs.append((cohort._action[:, :31].copy(), cohort._s[:, :31].clone()))
    assert np.array_equal(runs[0][0], runs[1][0])
    torch.testing.assert_close(runs[0][1], runs[1][1], rtol=1e-6, atol=1e-6)


def cued_kinds(view):
    """Kinds cued in one view ``[C, V, V]``: the first toy in the direction of the
    caregiver's head or arm (codes on its cell), followed cell by cell."""
    from infancy.worlds.core.codes import CH_GAZE, CH_KIND, CH_POINT
    from infancy.worlds.core.geometry import cue_rays

    rays = cue_rays(view.shape[-1])
    kinds = view[CH_KIND].ravel()
    out = set()
    for ch in (CH_GAZE, CH_POINT):
        codes = view[ch].ravel()
        for c in np.flatnonzero(codes):
            for cell in rays[c, codes[c]]:
                if cell < 0:
                    break
                if kinds[cell] > 0:
                    out.add(int(kinds[cell]))
                    break
    return out


def _cues_reference(view, senses, awake, k):
    """What word learning reads, step by step in Python (the compiled pass's
    definition)."""
    from infancy.worlds.core.codes import CH_KIND, CH_POINT, S_EYE_CONTACT, S_WORD

    n, t = view.shape[:2]
    visible = np.zeros((n, t, k), dtype=np.float32)
    cued = np.zeros_like(visible)
    for i in range(n):
        for s in range(t):
            for kind in view[i, s, CH_KIND].ravel():
                if 0 < kind < k:
                    visible[i, s, kind] = 1.0
            for kind in cued_kinds(view[i, s]):
                if kind < k:
                    cued[i, s, kind] = 1.0
    awake = awake[:, None]
    word = np.where(awake, senses[..., S_WORD], 0).astype(np.int64)
    eye = senses[..., S_EYE_CONTACT] > 0
    communicative = (word > 0) & (eye | (cued.sum(-1) > 0)) & awake
    pointing = (view[:, :, CH_POINT] > 0).any((-1, -2))
    social = ((word > 0) | eye | pointing).astype(np.float64) * awake
    return visible, cued, word, communicative, social


def test_cues_for_word_learning_match_their_numpy_definition():
    from infancy.infants.cohort import _cues

    rng = np.random.default_rng(0)
    n, t, k = 5, 40, 7
    view = (rng.random((n, t, 6, 5, 5)) < 0.15) * rng.integers(1, 18, (n, t, 6, 5, 5))
    view = view.astype(np.uint8)
    senses = ((rng.random((n, t, 10)) < 0.3) * rng.integers(1, 6, (n, t, 10))).astype(np.uint8)
    awake = np.array([True, False, True, True, False])
    want = _cues_reference(view, senses, awake, k)
    got = [np.zeros((n, t, k), np.float32), np.zeros((n, t, k), np.float32)]
    got += [np.empty((n, t), np.int64), np.empty((n, t), np.bool_), np.empty((n, t))]
    from infancy.worlds.core.geometry import cue_rays

    _cues(view.reshape(n, t, 6, 25), senses, awake, cue_rays(5), *got)
    for g, w in zip(got, want, strict=True):
        assert np.array_equal(g, w)
    assert want[3].any() and want[4].any() and not want[4][1].any()
