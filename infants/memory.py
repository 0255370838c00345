"""Salience-tagged episodic memory: what System M chose to keep of real experience.

One store per infant with a fixed capacity. A transition enters when its salience
(A's surprise, social salience, reward) reaches M's ``store_threshold``; a full store
forgets its least salient items first. Sampling favours salient items (probability
proportional to salience, with a floor so every memory can come back). Salience can
fade (:meth:`SalienceMemory.fade`, called by the cohort each chunk when
``memory.half_life`` is above 0; 2,048 steps by default): without it a store filled in
the first months keeps them for life against every later step that is not rewarded
(salience is relative surprise, at most 3, plus social salience, at most 1, plus 5 times
the reward), and replay then rehearses them (docs/measurements.md, 2026-12-02 afternoon, "The
episodic memory never forgot its first months"). Memories of a rewarded step fade at a
half-life of their own (``memory.reward_half_life``; never, by default since 2026-12-06),
so that a rare success outlasts the ordinary experience of its time.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .base import EpisodicMemory

__all__ = ["SalienceMemory", "credit"]


def credit(reward: np.ndarray, done: np.ndarray, steps: int, gamma: float) -> np.ndarray:
    """Each step's share of the next reward of its episode, ``float32[N, T]``.

    A step with a non-zero reward keeps that reward. A step up to ``steps`` steps
    before the next non-zero reward of the same episode gets that reward times
    ``gamma`` to the power of the steps between them; every other step gets 0. The
    episode ends after a step whose ``done`` is set, and the chunk ends it too: a reward
    of the next chunk credits nothing here (credit is a lower bound of what led to it).

    Parameters
    ----------
    reward, done
        ``[N, T]`` the chunk's extrinsic rewards and episode ends.
    steps
        How far back credit reaches (0: the rewarded step alone, ``reward`` itself).
    gamma
        The discount per step back, in (0, 1].
    """
    out = np.zeros(reward.shape, dtype=np.float32)
    _credit(
        np.ascontiguousarray(reward, dtype=np.float32),
        np.ascontiguousarray(done, dtype=np.bool_),
        int(steps),
        np.float32(gamma),
        out,
    )
    return out


@njit(cache=True, nogil=True)
def _credit(reward, done, steps, gamma, out) -> None:
    n, t = reward.shape
    for b in range(n):
        ahead = np.float32(0.0)  # the next reward of this episode ...
        gap = steps + 1  # ... this many steps ahead (beyond reach to begin with)
        for i in range(t - 1, -1, -1):
            if done[b, i]:  # step i ends its episode: what follows is another one's
                ahead, gap = np.float32(0.0), steps + 1
            if reward[b, i] != 0:
                ahead, gap = reward[b, i], 0
            elif gap <= steps:
                gap += 1
            if gap <= steps:
                out[b, i] = ahead * gamma**gap


class SalienceMemory(EpisodicMemory):
    """Per-infant arrays ``[N, capacity, ...]`` for each field in ``fields``.

    Parameters
    ----------
    n, capacity
        Infants and items per infant.
    fields
        ``name -> (shape per item, dtype)``.
    rewarded
        The field whose non-zero value marks a rewarded memory for :meth:`fade`
        (``reward`` by default; the cohort names ``credit`` when
        ``memory.credit_steps`` is above 0).
    """

    def __init__(
        self,
        n: int,
        capacity: int,
        fields: dict[str, tuple[tuple[int, ...], str]],
        rewarded: str = "reward",
    ) -> None:
        self.n, self.capacity, self.rewarded = n, capacity, rewarded
        self.data = {
            k: np.zeros((n, capacity, *shape), dtype=dt) for k, (shape, dt) in fields.items()
        }
        # -inf marks an empty slot: it is the first to be overwritten and never sampled.
        self.salience = np.full((n, capacity), -np.inf)

    def sizes(self) -> np.ndarray:
        return np.isfinite(self.salience).sum(1)

    def fade(self, factor: float, rewarded: float | None = None) -> None:
        for name, f in (("factor", factor), ("rewarded", rewarded)):
            if f is not None and not 0.0 < f <= 1.0:
                raise ValueError(f"fade: {name} must be in (0, 1], got {f}")
        if rewarded is None or rewarded == factor:
            self.salience *= factor  # -inf (an empty slot) stays -inf
            return
        if self.rewarded not in self.data:
            raise ValueError(f"fade: rewarded needs a {self.rewarded!r} field in the memory")
        r = self.data[self.rewarded]
        hit = (r != 0).reshape(self.n, self.capacity, -1).any(-1)
        self.salience *= np.where(hit, rewarded, factor)

    def store(self, items: dict[str, np.ndarray], salience: np.ndarray, keep: np.ndarray) -> None:
        for i in range(self.n):
            rows = np.flatnonzero(keep[i])
            if rows.size == 0:
                continue
            if rows.size > self.capacity:  # keep the most salient of an oversized batch
                rows = rows[np.argsort(-salience[i, rows], kind="stable")[: self.capacity]]
            sal = salience[i, rows]
            # Overwrite the least salient slots, but only where the newcomer is more salient.
            slots = self._least_salient(i, rows.size)
            order = np.argsort(-sal, kind="stable")
            rows, sal = rows[order], sal[order]
            better = sal > self.salience[i, slots]
            rows, sal, slots = rows[better], sal[better], slots[better]
            for k, arr in self.data.items():
                arr[i, slots] = items[k][i, rows]
            self.salience[i, slots] = sal

    def _least_salient(self, i: int, k: int) -> np.ndarray:
        """Infant ``i``'s ``k`` least salient slots, least first: empty slots (in index
        order), then the least salient of the rest."""
        sal = self.salience[i]
        empty = np.flatnonzero(sal == -np.inf)
        if empty.size >= k:
            return empty[:k]
        # Empty slots are taken out first: argpartition slows down ten-fold on a store
        # full of tied -inf values (a young infant's).
        filled = np.flatnonzero(sal > -np.inf)
        need = k - empty.size
        part = filled[np.argpartition(sal[filled], need - 1)[:need]]
        part = part[np.argsort(sal[part], kind="stable")]
        return np.concatenate([empty, part])

    def sample(self, count: int, rng: np.random.Generator) -> dict[str, np.ndarray] | None:
        sizes = self.sizes()
        if count <= 0 or sizes.max() == 0:
            return None
        w = np.where(np.isfinite(self.salience), np.maximum(self.salience, 0.0) + 0.1, 0.0)
        cum = np.cumsum(w, axis=1)
        u = rng.random((self.n, count)) * cum[:, -1:]
        idx = np.minimum(
            np.stack([np.searchsorted(cum[i], u[i], side="right") for i in range(self.n)]),
            self.capacity - 1,
        )
        rows = np.arange(self.n)[:, None]
        out = {k: arr[rows, idx] for k, arr in self.data.items()}
        out["held"] = sizes > 0  # an infant with an empty store gets zeros: mask it
        return out

    def state_arrays(self) -> dict[str, np.ndarray]:
        return {**{f"data.{k}": v for k, v in self.data.items()}, "salience": self.salience}

    def load_state_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        for k in self.data:
            self.data[k][...] = arrays[f"data.{k}"]
        self.salience[...] = arrays["salience"]
