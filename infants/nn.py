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
from torch import nn

from infancy.worlds.core.codes import S_ENERGY, SENSES, VIEW_CHANNELS

__all__ = [
    "GroupAdam",
    "GroupLinear",
    "GroupMLP",
    "GroupObsNet",
    "Obs",
    "ObsEncoder",
    "clip_per_infant",
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

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Straight to baddbmm (not through each layer's __call__): at a cohort's batch
        # sizes the module-call overhead is a good share of the time.
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = torch.baddbmm(layer.bias, x, layer.weight)
            if i < last:
                x = torch.relu(x)
        return x


def leading(p: torch.Tensor, n: int) -> torch.Tensor:
    """``p`` viewed as ``[n, -1]`` (parameters of grouped heads have ``n*k`` groups)."""
    return p.view(n, -1)


def clip_per_infant(params: list[nn.Parameter], n: int, max_norm: float) -> torch.Tensor:
    """Scale each infant's gradients to at most ``max_norm`` (global norms would couple
    infants). Returns the per-infant norms before clipping."""
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return torch.zeros(n)
    sq = sum(leading(g, n).pow(2).sum(1) for g in grads)
    norm = sq.sqrt()
    scale = (max_norm / (norm + 1e-6)).clamp(max=1.0)
    for g in grads:
        leading(g, n).mul_(scale[:, None])
    return norm


class GroupAdam:
    """Adam with one learning rate per infant (``lr[N]``); a rate of 0 leaves that
    infant's parameters unchanged. State tensors are plain tensors, so a checkpoint
    stores them in safetensors."""

    def __init__(
        self, params: list[nn.Parameter], n: int, betas=(0.9, 0.999), eps: float = 1e-8
    ) -> None:
        self.params = [p for p in params if p.requires_grad]
        self.n = n
        self.betas = betas
        self.eps = eps
        self.t = 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self, lr: torch.Tensor) -> None:
        """One update; ``lr`` is a ``float32[N]`` tensor of per-infant rates."""
        live = [i for i, p in enumerate(self.params) if p.grad is not None]
        if not live:
            return
        self.t += 1
        b1, b2 = self.betas
        c1 = 1.0 - b1**self.t
        c2 = math.sqrt(1.0 - b2**self.t)
        params = [self.params[i] for i in live]
        grads = [p.grad for p in params]
        ms = [self.m[i] for i in live]
        vs = [self.v[i] for i in live]
        # Multi-tensor ops: one pass per operation over all parameters.
        torch._foreach_mul_(ms, b1)
        torch._foreach_add_(ms, grads, alpha=1 - b1)
        torch._foreach_mul_(vs, b2)
        torch._foreach_addcmul_(vs, grads, grads, value=1 - b2)
        denom = torch._foreach_sqrt(vs)
        torch._foreach_div_(denom, c2)
        torch._foreach_add_(denom, self.eps)
        steps = torch._foreach_div(ms, denom)
        rate = (lr / c1)[:, None]
        for p, step in zip(params, steps, strict=True):
            leading(p, self.n).addcmul_(leading(step, self.n), rate, value=-1.0)

    def state_tensors(self, prefix: str) -> dict[str, torch.Tensor]:
        out = {f"{prefix}.t": torch.tensor([self.t], dtype=torch.int64)}
        for i, (m, v) in enumerate(zip(self.m, self.v, strict=True)):
            out[f"{prefix}.m.{i}"] = m
            out[f"{prefix}.v.{i}"] = v
        return out

    def load_state_tensors(self, prefix: str, tensors: dict[str, torch.Tensor]) -> None:
        self.t = int(tensors[f"{prefix}.t"][0])
        for i in range(len(self.m)):
            self.m[i].copy_(tensors[f"{prefix}.m.{i}"])
            self.v[i].copy_(tensors[f"{prefix}.v.{i}"])


class Obs(NamedTuple):
    """An observation as the networks take it (any leading axes, time on axis 1):
    ``cells[..., V*V*E]``, the embedded view cells, and ``body[..., S]``, the one-hot
    senses plus energy in the last column."""

    cells: torch.Tensor
    body: torch.Tensor

    def t(self, start: int | None = None, stop: int | None = None) -> Obs:
        """Slice along the time axis (axis 1)."""
        return Obs(self.cells[:, start:stop], self.body[:, start:stop])

    def cat(self, other: Obs) -> Obs:
        """Concatenate along the time axis."""
        return Obs(torch.cat([self.cells, other.cells], 1), torch.cat([self.body, other.body], 1))


class ObsEncoder:
    """The infant's fixed sensory front end: uint8 observation -> network input.

    Every code of every view channel has a fixed random vector (``embed`` numbers, drawn
    once from the cohort's generator); a cell is the sum of its channels' vectors, so a
    cell's content is a point in a small space that the learned networks read. The
    senses become one-hot blocks and energy one scaled number. A fixed front end is
    shared by every network of A and B and costs one ``embedding_bag`` per observation;
    a learned one would dominate the training time on a CPU (measured: the gradient of an
    embedding table over 49 cells x 6 channels costs more than the rest of System A).

    Parameters
    ----------
    cardinalities
        Number of codes per view channel (``len(VIEW_CHANNELS)`` values).
    sense_cardinalities
        Number of values per sense (energy's entry is ignored).
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
        self._view_offsets = torch.as_tensor(starts, dtype=torch.int64).view(1, -1, 1)
        self._view_cards = torch.as_tensor(cardinalities, dtype=torch.int64).view(1, -1, 1)
        keep = [i for i in range(len(SENSES)) if i != S_ENERGY]
        cards = [sense_cardinalities[i] for i in keep]
        self._sense_idx = torch.as_tensor(keep, dtype=torch.int64)
        self._sense_offsets = torch.as_tensor(
            np.concatenate([[0], np.cumsum(cards)[:-1]]), dtype=torch.int64
        )
        self._sense_cards = torch.as_tensor(cards, dtype=torch.int64)
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
        view = [3, k, c, 9, 2, 2]
        senses = [2, w, 3, k, 4, 1, k, 5, 2, 2]
        return cls(view, senses, view_size, embed, generator)

    def encode(self, view: torch.Tensor, senses: torch.Tensor) -> Obs:
        """Network input for ``view[M, C, V, V]`` and ``senses[M, S]`` (uint8)."""
        m = view.shape[0]
        codes = torch.minimum(view.reshape(m, self.channels, -1).long(), self._view_cards - 1)
        idx = (codes + self._view_offsets).transpose(1, 2).reshape(-1, self.channels)
        cells = torch.nn.functional.embedding_bag(idx, self.table, mode="sum")
        s = torch.minimum(senses[:, self._sense_idx].long(), self._sense_cards - 1)
        body = torch.zeros(m, self.body_size)
        body.scatter_(1, s + self._sense_offsets, 1.0)
        body[:, -1] = senses[:, S_ENERGY].float() / 255.0
        return Obs(cells.view(m, -1), body)


class GroupObsNet(nn.Module):
    """Per-infant MLP on an :class:`Obs` (embedded cells and body, concatenated)."""

    def __init__(
        self, n: int, spec: ObsEncoder, sizes: list[int], generator: torch.Generator
    ) -> None:
        super().__init__()
        self.mlp = GroupMLP(n, [spec.size, *sizes], generator)

    def forward(self, cells: torch.Tensor, body: torch.Tensor) -> torch.Tensor:
        return self.mlp(torch.cat([cells, body], dim=-1))
