"""Batched building blocks: every infant of a cohort keeps its own parameters.

A weight has a leading *infant* axis (``[N, ...]``) and one batched matmul
(``torch.baddbmm``) runs the layer for the whole cohort. Gradients of a loss summed over
infants never mix infants, and :class:`GroupAdam` is elementwise with a learning rate per
infant, so training N infants in one pass is the same as training each alone (M's
learning-rate gates are those per-infant rates).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import torch
from numba import njit, prange
from torch import nn

from infancy.worlds.core.codes import CUE_AT_ME, S_ENERGY, S_MOVED, S_TURNED, SENSES, VIEW_CHANNELS

__all__ = [
    "GroupAdam",
    "GroupLinear",
    "GroupMLP",
    "GroupObsNet",
    "Obs",
    "ObsEncoder",
    "clip_per_infant",
    "ema_per_infant",
    "fused_policy",
]


class GroupLinear(nn.Module):
    """``G`` independent linear layers: ``x[G, T, d_in] -> [G, T, d_out]``."""

    def __init__(self, groups: int, d_in: int, d_out: int, generator: torch.Generator) -> None:
        super().__init__()
        bound = 1.0 / math.sqrt(d_in)
        w = torch.empty(groups, d_in, d_out).uniform_(-bound, bound, generator=generator)
        b = torch.empty(groups, 1, d_out).uniform_(-bound, bound, generator=generator)
        self.weight = nn.Parameter(w)
        self.bias = nn.Parameter(b)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.baddbmm(self.bias, x, self.weight)


class GroupMLP(nn.Module):
    """``G`` independent MLPs (ReLU between layers, none after the last)."""

    def __init__(self, groups: int, sizes: Iterable[int], generator: torch.Generator) -> None:
        super().__init__()
        s = list(sizes)
        self.layers = nn.ModuleList(
            GroupLinear(groups, a, b, generator) for a, b in itertools.pairwise(s)
        )
        # (bias, weight) per layer, held directly: at a cohort's batch sizes the module
        # machinery (__call__, __getattr__ on every parameter) is a good share of the
        # time. Parameters are updated in place (optimisers, load_state_dict), and a
        # deepcopy of the module copies this list with the new parameters.
        self._bw = [(layer.bias, layer.weight) for layer in self.layers]

    def numpy_layers(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(bias, weight)`` of each layer as numpy arrays sharing the parameters'
        memory (for compiled inference; they see every in-place update)."""
        ptrs = [p.data_ptr() for bw in self._bw for p in bw]
        cached = getattr(self, "_np_layers", None)
        if cached is None or cached[0] != ptrs:  # new storage (a copy of the module)
            views = [(b.detach().numpy(), w.detach().numpy()) for b, w in self._bw]
            cached = self._np_layers = (ptrs, views)
        return cached[1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        *hidden, (b_last, w_last) = self._bw
        for b, w in hidden:
            x = torch.relu(torch.baddbmm(b, x, w))
        return torch.baddbmm(b_last, x, w_last)


def clip_per_infant(params: list[nn.Parameter], n: int, max_norm: float) -> torch.Tensor:
    """Scale each infant's gradients to at most ``max_norm`` (global norms would couple
    infants). Returns the per-infant norms before clipping."""
    grads = [_rows(p.grad, n) for p in params if p.grad is not None]
    if not grads:
        return torch.zeros(n)
    norm = _norms(grads, n)
    scale = _clip_scale(norm, max_norm)
    for g in grads:
        _scale_rows(g, scale)
    return torch.from_numpy(norm.astype(np.float32))


def _rows(t: torch.Tensor, n: int) -> np.ndarray:
    """A contiguous tensor as a numpy ``[n, -1]`` view of the same memory (the kernels
    write through it, so a copy would lose the update)."""
    a = t.detach().numpy()
    if not a.flags.c_contiguous:
        raise ValueError(f"expected a contiguous tensor, got strides {t.stride()}")
    return a.reshape(n, -1)


def _norms(grads: list[np.ndarray], n: int) -> np.ndarray:
    sq = np.zeros(n)
    for g in grads:
        _add_sq_rows(g, sq)
    return np.sqrt(sq)


def _clip_scale(norm: np.ndarray, max_norm: float) -> np.ndarray:
    return np.minimum(max_norm / (norm + 1e-6), 1.0).astype(np.float32)


# The optimiser's arithmetic, one pass over memory per parameter. Written as torch ops it
# was ~10 passes (Adam's moments, square root, division, update; clipping's square, sum
# and scale) over ~1.2 M numbers per infant cohort, a third of System A's update time.
# The sum of squares may be reassociated: LLVM then splits it over several vector
# accumulators (with fused multiply-adds), 12x faster than the strict one-add-at-a-time
# order, which cost twice the Adam pass itself. The order is fixed when the kernel is
# compiled, so a run on the same machine still repeats itself exactly.
@njit(cache=True, nogil=True, parallel=True, fastmath={"reassoc", "contract"})
def _add_sq_rows(g: np.ndarray, out: np.ndarray) -> None:
    for i in prange(g.shape[0]):
        acc = 0.0
        for j in range(g.shape[1]):
            acc += np.float64(g[i, j]) * g[i, j]
        out[i] += acc


@njit(cache=True, nogil=True, parallel=True)
def _scale_rows(g: np.ndarray, scale: np.ndarray) -> None:
    for i in prange(g.shape[0]):
        if scale[i] != 1.0:
            for j in range(g.shape[1]):
                g[i, j] *= scale[i]


@njit(cache=True, nogil=True, parallel=True)
def _adam_rows(
    p: np.ndarray,
    g: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    grad_scale: np.ndarray,
    rate: np.ndarray,
    b1: float,
    b2: float,
    c2: np.ndarray,
    eps: float,
) -> None:
    # Rows are infants: row i scales its gradient by grad_scale[i] (clipping) and steps
    # by rate[i] = lr[i] / (1 - b1**t[i]), with c2[i] = sqrt(1 - b2**t[i]); a rate of 0
    # leaves the row alone, moments included.
    b1f, b2f = np.float32(b1), np.float32(b2)
    a1, a2 = np.float32(1.0 - b1), np.float32(1.0 - b2)
    epsf = np.float32(eps)
    for i in prange(p.shape[0]):
        s = grad_scale[i]
        r = rate[i]
        if r == 0.0:
            continue
        c2f = c2[i]
        for j in range(p.shape[1]):
            gj = g[i, j] * s
            mj = m[i, j] * b1f + a1 * gj
            vj = v[i, j] * b2f + a2 * gj * gj
            m[i, j] = mj
            v[i, j] = vj
            p[i, j] -= r * (mj / (np.sqrt(vj) / c2f + epsf))


def ema_per_infant(
    targets: Iterable[torch.Tensor], sources: Iterable[torch.Tensor], rate: torch.Tensor, n: int
) -> None:
    """``target += (source - target) * rate[i]`` for each infant's rows, in place (an
    exponential moving average with one rate per infant; 0 leaves an infant alone)."""
    r = rate.detach().float().contiguous().numpy()
    for t, s in zip(targets, sources, strict=True):
        _ema_rows(_rows(t, n), _rows(s, n), r)


@njit(cache=True, nogil=True, parallel=True)
def _ema_rows(target: np.ndarray, source: np.ndarray, rate: np.ndarray) -> None:
    for i in prange(target.shape[0]):
        r = rate[i]
        if r != 0.0:
            for j in range(target.shape[1]):
                target[i, j] += (source[i, j] - target[i, j]) * r


class GroupAdam:
    """Adam with one learning rate per infant (``lr[N]``). Each infant keeps its own
    step count, so an infant whose rate is 0 is left exactly as it was: parameters,
    moments and step count (its learner does not move while it is gated off, whatever
    the other infants learn). State tensors are plain tensors, so a checkpoint stores
    them in safetensors."""

    def __init__(
        self, params: list[nn.Parameter], n: int, betas=(0.9, 0.999), eps: float = 1e-8
    ) -> None:
        self.params = [p for p in params if p.requires_grad]
        if not all(p.is_contiguous() for p in self.params):
            raise ValueError("GroupAdam: parameters must be contiguous")
        self.n = n
        self.betas = betas
        self.eps = eps
        self.t = np.zeros(n, dtype=np.int64)  # updates made, per infant
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self, lr: torch.Tensor, max_norm: float | None = None) -> torch.Tensor | None:
        """One update; ``lr`` is a ``float32[N]`` tensor of per-infant rates (0: no
        update for that infant). With ``max_norm``, each infant's gradient is first
        scaled to at most that norm (:func:`clip_per_infant`) and the norms before
        clipping are returned."""
        live = [i for i, p in enumerate(self.params) if p.grad is not None]
        if not live:
            return None
        n = self.n
        rate_in = lr.detach().numpy().astype(np.float64)
        on = rate_in != 0.0
        self.t += on
        b1, b2 = self.betas
        t = np.maximum(self.t, 1)  # rows left alone have rate 0; any count will do
        c1 = 1.0 - b1**t
        c2 = np.sqrt(1.0 - b2**t).astype(np.float32)
        grads = [_rows(self.params[i].grad, n) for i in live]
        norm = None
        if max_norm is None:
            scale = np.ones(n, dtype=np.float32)
        else:
            norm = _norms(grads, n)
            scale = _clip_scale(norm, max_norm)
        rate = np.where(on, rate_in / c1, 0.0).astype(np.float32)
        for i, g in zip(live, grads, strict=True):
            _adam_rows(
                _rows(self.params[i], n),
                g,
                _rows(self.m[i], n),
                _rows(self.v[i], n),
                scale,
                rate,
                b1,
                b2,
                c2,
                self.eps,
            )
        return None if norm is None else torch.from_numpy(norm.astype(np.float32))

    def state_tensors(self, prefix: str) -> dict[str, torch.Tensor]:
        out = {f"{prefix}.t": torch.from_numpy(self.t.copy())}
        for i, (m, v) in enumerate(zip(self.m, self.v, strict=True)):
            out[f"{prefix}.m.{i}"] = m
            out[f"{prefix}.v.{i}"] = v
        return out

    def load_state_tensors(self, prefix: str, tensors: dict[str, torch.Tensor]) -> None:
        # Checkpoints before per-infant counts hold one count shared by the cohort.
        t = tensors[f"{prefix}.t"].numpy().astype(np.int64)
        self.t = np.broadcast_to(t, (self.n,)).copy()
        for i in range(len(self.m)):
            self.m[i].copy_(tensors[f"{prefix}.m.{i}"])
            self.v[i].copy_(tensors[f"{prefix}.v.{i}"])


class Obs(NamedTuple):
    """An observation as the networks take it (any leading axes, time on axis 1):
    ``flat[..., V*V*E + S]``, the embedded view cells followed by the body (the one-hot
    senses plus energy in the last column). ``cells`` and ``body`` are views of it."""

    flat: torch.Tensor
    n_cell_inputs: int

    @property
    def cells(self) -> torch.Tensor:
        """The embedded view cells, ``[..., V*V*E]``."""
        return self.flat[..., : self.n_cell_inputs]

    @property
    def body(self) -> torch.Tensor:
        """The senses block, ``[..., S]``."""
        return self.flat[..., self.n_cell_inputs :]

    def t(self, start: int | None = None, stop: int | None = None) -> Obs:
        """Slice along the time axis (axis 1)."""
        return Obs(self.flat[:, start:stop], self.n_cell_inputs)

    def cat(self, other: Obs) -> Obs:
        """Concatenate along the time axis."""
        return Obs(torch.cat([self.flat, other.flat], 1), self.n_cell_inputs)


@njit(cache=True, nogil=True, inline="always")
def _embed_row(view, senses, i, table, rows, sense_idx, sense_rows, energy_col, out, o):
    # Row o of ``out`` from observation i. Each cell's sum runs channel by channel from
    # zero in float32, so the result is exactly ``embedding_bag``'s. ``rows[j, v]`` is
    # the table row of value v on channel j (clipped to the channel).
    ch, nc = view.shape[1], view.shape[2]
    e = table.shape[1]
    n_cells = nc * e
    body = out.shape[1] - n_cells
    for c in range(nc):
        base = c * e
        if e == 8:  # the default size, unrolled: 2.5x faster than the loop below
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = np.float32(0.0)
            for j in range(ch):
                r = rows[j, view[i, j, c]]
                a0 += table[r, 0]
                a1 += table[r, 1]
                a2 += table[r, 2]
                a3 += table[r, 3]
                a4 += table[r, 4]
                a5 += table[r, 5]
                a6 += table[r, 6]
                a7 += table[r, 7]
            out[o, base] = a0
            out[o, base + 1] = a1
            out[o, base + 2] = a2
            out[o, base + 3] = a3
            out[o, base + 4] = a4
            out[o, base + 5] = a5
            out[o, base + 6] = a6
            out[o, base + 7] = a7
        else:
            for k in range(e):
                out[o, base + k] = 0.0
            for j in range(ch):
                r = rows[j, view[i, j, c]]
                for k in range(e):
                    out[o, base + k] += table[r, k]
    for k in range(body):
        out[o, n_cells + k] = 0.0
    for j in range(sense_idx.shape[0]):
        out[o, n_cells + sense_rows[j, senses[i, sense_idx[j]]]] = 1.0
    out[o, n_cells + body - 1] = np.float32(senses[i, energy_col]) / np.float32(255.0)


@njit(cache=True, nogil=True, parallel=True)
def _front_end(view, senses, table, rows, sense_idx, sense_rows, energy_col, out) -> None:
    # One pass per observation instead of ~15 torch ops: at a cohort's batch of 16 the
    # ops' dispatch, not their arithmetic, was the cost.
    for i in prange(view.shape[0]):
        _embed_row(view, senses, i, table, rows, sense_idx, sense_rows, energy_col, out, i)


@njit(cache=True, nogil=True, inline="always")
def _dense_row(x, i, bias, weight, relu, out):
    # out = bias[i] + x @ weight[i] (ReLU'd if ``relu``), for one row x, skipping zero
    # inputs (half of the front end's features are zeros: empty cells). The sum over
    # inputs runs in order, one multiply-add per input and output, as the GEMV of a
    # one-row batched matmul does.
    n_out = np.uint64(weight.shape[2])
    for k in range(n_out):
        out[k] = bias[i, 0, k]
    for j in range(np.uint64(x.shape[0])):
        xj = x[j]
        if xj != 0.0:
            for k in range(n_out):
                out[k] += xj * weight[i, j, k]
    if relu:
        for k in range(n_out):
            out[k] = max(out[k], np.float32(0.0))


@njit(cache=True, nogil=True, parallel=True)
def _policy_rows(
    view,
    senses,
    table,
    rows,
    sense_idx,
    sense_rows,
    energy_col,
    eb1,
    ew1,
    eb2,
    ew2,
    pb1,
    pw1,
    pb2,
    pw2,
    draws,
    belief,
    decay,
    cue,
    prior,
    state,
    action,
    logp,
    value,
) -> None:
    # The cohort's whole inference for one world step, infant by infant: front end,
    # encoder (two layers), belief update, policy-and-value net (two layers) on the
    # state [z, belief, cue], one sample. As torch ops (~30 of them on 16 rows) their
    # dispatch cost twice the arithmetic.
    n = view.shape[0]
    f = ew1.shape[1]
    zd = ew2.shape[2]
    for i in prange(n):
        x = np.empty((1, f), dtype=np.float32)
        _embed_row(view, senses, i, table, rows, sense_idx, sense_rows, energy_col, x, 0)
        h = np.empty(ew1.shape[2], dtype=np.float32)
        _dense_row(x[0], i, eb1, ew1, True, h)
        z = state[i, :zd]
        _dense_row(h, i, eb2, ew2, False, z)
        d = decay[i]
        for k in range(zd):  # the belief: as SystemA.remember computes it, in float32
            belief[i, k] = d * belief[i, k] + (np.float32(1.0) - d) * z[k]
            state[i, zd + k] = belief[i, k]
        for k in range(cue.shape[1]):
            state[i, 2 * zd + k] = cue[i, k]
        g = np.empty(pw1.shape[2], dtype=np.float32)
        _dense_row(state[i], i, pb1, pw1, True, g)
        out = np.empty(pw2.shape[2], dtype=np.float32)
        _dense_row(g, i, pb2, pw2, False, out)
        k = out.shape[0] - 1  # logits, then the value
        for j in range(k):  # B's prior on its logits (SystemB.prior; zeros when none)
            out[j] += prior[i, j]
        action[i], logp[i] = _sample_row(out[:k], draws[i])
        value[i] = out[k]


@njit(cache=True, nogil=True, inline="always")
def _sample_row(logits, draws):
    # One sample of softmax(logits), as torch.multinomial draws it: the argmax of p / e
    # over exponential draws e (the same draws from the same generator). log_softmax as
    # torch computes it: (x - max) - log(sum(exp(x - max))).
    k = logits.shape[0]
    mx = logits[0]
    for j in range(1, k):
        mx = max(mx, logits[j])
    s = np.float32(0.0)
    for j in range(k):
        s += np.exp(logits[j] - mx)
    log_s = np.log(s)
    best, best_q = 0, np.float32(-np.inf)
    for j in range(k):
        q = np.exp((logits[j] - mx) - log_s) / draws[j]
        if q > best_q:
            best, best_q = j, q
    return best, (logits[best] - mx) - log_s


def fused_policy(
    obs: ObsEncoder,
    view: np.ndarray,
    senses: np.ndarray,
    encoder: GroupMLP,
    policy: GroupMLP,
    draws: torch.Tensor,
    belief: np.ndarray,
    decay: np.ndarray,
    cue: np.ndarray,
    prior: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """One step's inference for the whole cohort in one compiled pass.

    ``view[N, C, V, V]`` and ``senses[N, S]`` (uint8) go through ``obs``'s front end
    and the ``encoder`` MLP (to the latent ``z``); the ``belief[N, Z]`` (float32,
    updated in place) becomes ``decay * belief + (1 - decay) * z`` (``decay[N]``);
    the ``policy`` MLP (outputs: action logits, then the value) reads the state
    ``[z, belief, cue]`` (``cue[N, C]``); one action per infant is sampled with the
    exponential ``draws[N, A]`` from the logits plus ``prior[N, A]`` (B's prior, see
    :attr:`~infancy.infants.base.SystemB.prior`; ``None``: none). Returns
    ``(state, action, logp, value)``, the same numbers as running the modules one after
    the other, or ``None`` when either MLP
    does not have exactly two layers (the caller then runs the modules).
    """
    if len(encoder.layers) != 2 or len(policy.layers) != 2:
        return None
    (eb1, ew1), (eb2, ew2) = encoder.numpy_layers()
    (pb1, pw1), (pb2, pw2) = policy.numpy_layers()
    n = view.shape[0]
    zd = ew2.shape[2]
    width = 2 * zd + cue.shape[1]
    # The kernel indexes without bounds checks: the shapes must agree.
    if (
        ew1.shape[:2] != (n, obs.size)
        or pw1.shape[:2] != (n, width)
        or belief.shape != (n, zd)
        or decay.shape != (n,)
        or cue.shape[0] != n
    ):
        raise ValueError(
            f"fused_policy: encoder {ew1.shape}, policy {pw1.shape}, belief {belief.shape}, "
            f"decay {decay.shape} and cue {cue.shape} do not fit {n} observations of "
            f"{obs.size} features"
        )
    if draws.shape != (n, pw2.shape[2] - 1):
        raise ValueError(f"fused_policy: draws {tuple(draws.shape)}, expected ({n}, actions)")
    actions = pw2.shape[2] - 1
    if prior is None:
        prior = np.zeros((n, actions), dtype=np.float32)
    elif prior.shape != (n, actions):
        raise ValueError(f"fused_policy: prior {prior.shape}, expected ({n}, {actions})")
    if belief.dtype != np.float32 or not belief.flags.c_contiguous:
        raise ValueError("fused_policy: belief must be a C-contiguous float32 array")
    state = np.empty((n, width), dtype=np.float32)
    action = np.empty(n, dtype=np.int64)
    logp = np.empty(n, dtype=np.float32)
    value = np.empty(n, dtype=np.float32)
    _policy_rows(
        *obs._kernel_args(view, senses),
        eb1,
        ew1,
        eb2,
        ew2,
        pb1,
        pw1,
        pb2,
        pw2,
        draws.numpy(),
        belief,
        np.ascontiguousarray(decay, dtype=np.float32),
        np.ascontiguousarray(cue, dtype=np.float32),
        np.ascontiguousarray(prior, dtype=np.float32),
        state,
        action,
        logp,
        value,
    )
    return state, action, logp, value


class ObsEncoder:
    """The infant's fixed sensory front end: uint8 observation -> network input.

    Every code of every view channel has a fixed random vector (``embed`` numbers, drawn
    once from the cohort's generator); a cell is the sum of its channels' vectors, so a
    cell's content is a point in a small space that the learned networks read. The
    senses become one-hot blocks and energy one scaled number; the vestibular senses
    (``turned``, ``moved``) are left to the object file. A fixed front end is
    shared by every network of A and B and costs one ``embedding_bag`` per observation;
    a learned one would dominate the training time on a CPU (measured: the gradient of an
    embedding table over 49 cells x 6 channels costs more than the rest of System A).

    Parameters
    ----------
    cardinalities
        Number of codes per view channel (``len(VIEW_CHANNELS)`` values).
    sense_cardinalities
        Number of values per sense (energy's and the vestibular senses' entries are
        ignored).
    view_size
        V, the side of the egocentric window.
    embed
        Size E of a cell's vector.
    generator
        Draws the fixed code vectors.
    """

    def __init__(
        self,
        cardinalities: list[int],
        sense_cardinalities: list[int],
        view_size: int,
        embed: int = 8,
        generator: torch.Generator | None = None,
    ) -> None:
        if len(cardinalities) != len(VIEW_CHANNELS) or len(sense_cardinalities) != len(SENSES):
            raise ValueError("ObsEncoder: one cardinality per view channel and per sense")
        self.view_size = view_size
        self.n_cells = view_size * view_size
        self.channels = len(cardinalities)
        self.embed = embed
        codes = int(sum(cardinalities))
        self.table = torch.randn(codes, embed, generator=generator) / math.sqrt(self.channels)
        starts = np.concatenate([[0], np.cumsum(cardinalities)[:-1]])
        # Code 0 of every channel means "nothing" (unseen, no toy, no agent): no vector,
        # so an empty cell is zero and the unseen part of the view stays silent.
        self.table[torch.as_tensor(starts)] = 0.0
        self._table = self.table.numpy()
        # Row of the table (view) or column of the body block (senses) for each channel
        # and each uint8 value, values past a channel's range clipped to its last code.
        values = np.arange(256)
        self._rows = np.stack(
            [np.minimum(values, c - 1) + o for c, o in zip(cardinalities, starts, strict=True)]
        ).astype(np.int64)
        # Energy is one scaled number (below). The vestibular senses feed the object
        # file's path integration (``cohort.Mind``), not the networks: A's predictor
        # already takes the infant's own action, the turns it makes itself.
        keep = [i for i in range(len(SENSES)) if i not in (S_ENERGY, S_TURNED, S_MOVED)]
        cards = [sense_cardinalities[i] for i in keep]
        self._sense_idx = np.asarray(keep, dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(cards)[:-1]])
        self._sense_rows = np.stack(
            [np.minimum(values, c - 1) + o for c, o in zip(cards, offsets, strict=True)]
        ).astype(np.int64)
        self.body_size = int(sum(cards)) + 1
        self.size = self.n_cells * embed + self.body_size

    @classmethod
    def for_rules(
        cls, rules, view_size: int, embed: int = 8, generator: torch.Generator | None = None
    ) -> ObsEncoder:
        """Cardinalities from the world's rules (kinds, colours, vocabulary)."""
        k = len(rules.kind_names) + 1
        c = len(rules.colour_names) + 1
        w = len(rules.vocabulary) + 1
        cue = CUE_AT_ME + 1  # the caregiver's head and arm direction codes
        view = [3, k, c, 9, cue, cue]
        senses = [2, w, 3, k, 4, 1, k, 5, 2, 2, 4, 5]
        return cls(view, senses, view_size, embed, generator)

    def encode(self, view: np.ndarray, senses: np.ndarray) -> Obs:
        """Network input for ``view[..., C, V, V]`` and ``senses[..., S]`` (uint8 arrays
        or tensors with the same leading axes)."""
        args = self._kernel_args(view, senses)
        out = np.empty((args[0].shape[0], self.size), dtype=np.float32)
        _front_end(*args, out)
        lead = np.shape(view)[:-3]
        return Obs(torch.from_numpy(out).view(*lead, self.size), self.n_cells * self.embed)

    def _kernel_args(self, view, senses) -> tuple:
        """The front end's arguments to a compiled kernel (``_embed_row``'s, less the
        row indices and output): observations as ``uint8[M, C, V*V]`` and ``[M, S]``,
        then the code tables."""
        view = np.ascontiguousarray(view, dtype=np.uint8)
        senses = np.ascontiguousarray(senses, dtype=np.uint8)
        m = math.prod(view.shape[:-3])
        return (
            view.reshape(m, self.channels, self.n_cells),
            senses.reshape(m, -1),
            self._table,
            self._rows,
            self._sense_idx,
            self._sense_rows,
            S_ENERGY,
        )


class GroupObsNet(nn.Module):
    """Per-infant MLP on an :class:`Obs` (embedded cells and body, concatenated)."""

    def __init__(
        self, n: int, spec: ObsEncoder, sizes: list[int], generator: torch.Generator
    ) -> None:
        super().__init__()
        self.mlp = GroupMLP(n, [spec.size, *sizes], generator)

    def forward(self, x: Obs) -> torch.Tensor:
        return self.mlp(x.flat)
