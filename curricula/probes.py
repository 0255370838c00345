"""The probe battery: assessments run on a frozen copy of the cohort.

Each probe puts every infant of a frozen cohort (:meth:`Cohort.frozen`: no learning)
into a probe world for several trials and returns tidy rows ``infant, probe, score,
passed, trials, chance``: the behavioural probes scored by the world's own ``success``
(reaching, locomotion to a toy, object permanence, gaze following, point following),
word comprehension (which words lead the infant to the named toy), the A-not-B delay
series and violation of expectation (System A's surprise as looking time). A pass must
also beat chance (:func:`above_chance`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import torch

from infancy.worlds import make_batch
from infancy.worlds.core.codes import S_WORD
from infancy.worlds.rules import load_rules

__all__ = [
    "A_NOT_B_DELAYS",
    "BEHAVIOURAL_PROBES",
    "SPECIAL_PROBES",
    "BehaviouralProbe",
    "a_not_b",
    "run_probes",
    "violation_of_expectation",
    "word_comprehension",
]


ALPHA = 0.05
"""Significance of a pass: a probe is passed only when its score is also above chance by
a one-sided binomial test at this level, so that a cohort at chance rarely shows a
"stable" milestone (with 8 trials and chance 0.5, a pass needs 7 of 8)."""


@cache
def _tail(trials: int, chance: float) -> np.ndarray:
    k = np.arange(trials + 1)
    pmf = np.array([math.comb(trials, j) for j in k]) * chance**k * (1 - chance) ** (trials - k)
    return pmf[::-1].cumsum()[::-1]  # [j] = P(X >= j)


def above_chance(successes, trials, chance: float, alpha: float = ALPHA) -> np.ndarray:
    """Whether ``successes`` of ``trials`` (numbers or arrays of the same shape) beat
    ``chance`` by a one-sided binomial test at ``alpha`` (:data:`ALPHA` by default)."""
    k = np.round(np.asarray(successes)).astype(int)
    m = np.broadcast_to(np.asarray(trials, dtype=int), k.shape)
    out = np.zeros(k.shape, dtype=bool)
    for idx in np.ndindex(k.shape):
        if m[idx] > 0:
            out[idx] = _tail(int(m[idx]), float(chance))[min(max(k[idx], 0), m[idx])] < alpha
    return out


@dataclass(frozen=True)
class BehaviouralProbe:
    """A probe scored by the share of successful trials in one world.

    ``chance`` is the success of a uniformly random infant (measured with
    :func:`random_level` where it is not fixed by design) and ``threshold`` the share
    that counts as a pass.
    """

    name: str
    world: str
    chance: float
    threshold: float
    kwargs: dict[str, Any] = field(default_factory=dict)
    needs_locomotion: bool = False

    def run(self, frozen, abilities, *, trials: int, seed: int) -> pd.DataFrame:
        """Rows for every infant of ``frozen`` (a :meth:`Cohort.frozen` copy: only its
        policy is used, with the probe's own generator, so it is not changed)."""
        n = frozen.n
        bodies = per_infant(abilities, n)
        moves = np.array([load_rules().profile(a).locomotion != "none" for a in bodies])
        if self.needs_locomotion and not moves.any():
            score = np.zeros(n)
        else:
            score = episode_success(
                frozen.act,
                self.world,
                n,
                trials=trials,
                seed=seed,
                abilities=bodies,
                **self.kwargs,
            ).mean(1)
        if self.needs_locomotion:
            score = np.where(moves, score, 0.0)  # the body cannot get there (yet)
        return pd.DataFrame(
            {
                "infant": np.arange(n),
                "probe": self.name,
                "score": score,
                "passed": (score >= self.threshold)
                & above_chance(score * trials, trials, self.chance),
                "trials": trials,
                "chance": self.chance,
            }
        )


def per_infant(abilities, n: int) -> list:
    """``abilities`` (one body profile, or a list with one per infant) as a list of
    ``n`` profiles."""
    if isinstance(abilities, list | tuple):
        if len(abilities) != n:
            raise ValueError(f"abilities: expected one body per infant ({n}), got {len(abilities)}")
        return list(abilities)
    return [abilities] * n


def episode_success(
    policy, world: str, n: int, *, trials: int, seed: int, abilities=None, **kwargs
) -> np.ndarray:
    """Success (``bool[n, trials]``) of ``policy(view, senses, generator) -> actions``
    over the first ``trials`` episodes of each of ``n`` worlds of ``world``; infant
    ``i`` has the body ``abilities[i]`` when a list is given."""
    return _episodes(policy, world, n, trials=trials, seed=seed, abilities=abilities, **kwargs)[0]


def _episodes(policy, world, n, *, trials, seed, abilities=None, **kwargs):
    """:func:`episode_success`, plus the last word each infant heard in each episode
    (``int[n, trials]``, 0 for none)."""
    if isinstance(abilities, list | tuple):
        bodies = per_infant(abilities, n)
        # Built with a body that moves if any does (some worlds need one), then each
        # infant gets its own.
        rules = load_rules()
        movers = [b for b in bodies if rules.profile(b).locomotion != "none"]
        env = make_batch(
            world, n, seed=seed, autoreset=True, abilities=(movers or bodies)[0], **kwargs
        )
        for body in {repr(b): b for b in bodies}.values():
            env.set_abilities(body, worlds=np.array([b == body for b in bodies]))
    else:
        if abilities is not None:
            kwargs["abilities"] = abilities
        env = make_batch(world, n, seed=seed, autoreset=True, **kwargs)
    view, senses = env.reset()
    gen = torch.Generator().manual_seed(seed)
    out = np.zeros((n, trials), dtype=bool)
    words = np.zeros((n, trials), dtype=np.int64)
    heard = senses[:, 0, S_WORD].astype(np.int64)
    count = np.zeros(n, dtype=np.int64)
    limit = trials * (env.max_cycles + 1) + 1
    for _ in range(limit):
        if count.min() >= trials:
            break
        r = env.step(policy(view[:, 0], senses[:, 0], gen)[:, None])
        done = (r.terminated | r.truncated)[:, 0]
        for i in np.flatnonzero(done & (count < trials)):
            out[i, count[i]] = r.info["success"][i, 0]
            words[i, count[i]] = heard[i]
            count[i] += 1
        heard[done] = 0
        now = r.senses[:, 0, S_WORD]
        heard = np.where(now > 0, now, heard)
        view, senses = r.view, r.senses
    return out, words


def random_level(world: str, *, n: int = 256, trials: int = 4, seed: int = 0, **kwargs) -> float:
    """Success of a uniformly random infant in ``world`` (the probe's chance level)."""
    rng = np.random.default_rng(seed)

    def policy(view, senses, gen):
        return rng.integers(0, 8, size=view.shape[0])

    return float(episode_success(policy, world, n, trials=trials, seed=seed, **kwargs).mean())


# Chance levels measured with random_level (n=256, trials=4, seed 0) on 2026-11-23:
# reach-v0 0.39, peekaboo-v0 0.0 (a random crawler never fetches the hidden toy), the
# two-choice cue tests 0.48 (0.5 by design). Locomotion needs a body that moves.
BEHAVIOURAL_PROBES = {
    "reaching": BehaviouralProbe("reaching", "reach-v0", 0.39, 0.8),
    "locomotion": BehaviouralProbe(
        "locomotion", "reach-v0", 0.0, 0.8, {"distance": 2}, needs_locomotion=True
    ),
    "object_permanence": BehaviouralProbe("object_permanence", "peekaboo-v0", 0.0, 0.6),
    "gaze_following": BehaviouralProbe("gaze_following", "gaze-following-v0", 0.48, 0.75),
    "point_following": BehaviouralProbe("point_following", "point-following-v0", 0.48, 0.75),
}


def words_known(success: np.ndarray, words: np.ndarray, n_words: int) -> np.ndarray:
    """``bool[n, W]``: word ``j+1`` is known when, over the episodes in which it was asked
    for (``words[i, e] == j+1``), the infant chose the named toy (``success``) above
    chance in at least 4 requests (binomial against 0.5 at ``ALPHA / W``)."""
    asked = np.stack([(words == w).sum(1) for w in range(1, n_words + 1)], 1)
    right = np.stack([((words == w) & success).sum(1) for w in range(1, n_words + 1)], 1)
    return (asked >= 4) & above_chance(right, asked, 0.5, ALPHA / n_words)


def word_comprehension(frozen, abilities=None, *, trials: int, seed: int) -> pd.DataFrame:
    """Which words lead the infant to the named toy (looking while listening):
    ``naming-v0`` without the teaching phase. After eye contact the caregiver asks for
    one of two toys by name ("get the ball", always the right word) and the infant
    chooses by looking. ``trials`` x (words) episodes; the world draws which toy is
    named, so each word is asked for about ``trials`` times. A word is comprehended
    when the infant chose the named toy above chance in at least 4 requests (binomial
    test against 0.5 at :data:`ALPHA` divided by the number of words, so that a random
    infant shows a word in fewer than 5% of batteries). Score: vocabulary size; passed
    with at least one word; chance 0 words. (System A's own knowledge of words is the
    lexicon table.)"""
    n = frozen.n
    n_words = len(frozen.rules.vocabulary)
    success, words = _episodes(
        frozen.act,
        "naming-v0",
        n,
        trials=trials * n_words,
        seed=seed,
        abilities=abilities,
        teach=False,
    )
    size = words_known(success, words, n_words).sum(1).astype(float)
    return pd.DataFrame(
        {
            "infant": np.arange(n),
            "probe": "word_comprehension",
            "score": size,
            "passed": size >= 1,
            "trials": trials,
            "chance": 0.0,
        }
    )


A_NOT_B_DELAYS = (0, 1, 2, 4, 6, 8, 10, 12)
"""Delays (world steps held between hiding at B and the search) of the A-not-B series."""


def a_not_b(frozen, *, trials: int, seed: int, delays: tuple[int, ...] = A_NOT_B_DELAYS):
    """A-not-B with growing delays (Diamond 1985): for each delay, ``trials`` episodes
    of ``a-not-b-v0`` (hide at A three times, then at B). Score: the longest delay up to
    which the infant found the toy at B in at least 75% of the trials, above chance
    (:func:`above_chance`), at every shorter delay too (-1 if it failed at the
    shortest); passed when the score is >= 0. Chance: a random infant succeeds in half
    the episodes (two wells; measured 0.50), so with 8 trials a rung needs 7 finds and a
    chance pass of the first rung has probability 0.035."""
    n = frozen.n
    best = np.full(n, -1.0)
    going = np.ones(n, dtype=bool)
    for j, delay in enumerate(delays):
        found = episode_success(
            frozen.act, "a-not-b-v0", n, trials=trials, seed=seed + j, delay=delay
        ).sum(1)
        ok = (found >= 0.75 * trials) & above_chance(found, trials, 0.5)
        going &= ok
        best = np.where(going, float(delay), best)
        if not going.any():
            break
    return pd.DataFrame(
        {
            "infant": np.arange(n),
            "probe": "a_not_b",
            "score": best,
            "passed": best >= 0,
            "trials": trials,
            "chance": 0.5,
        }
    )


def violation_of_expectation(frozen, *, trials: int, seed: int, after: int = 4):
    """Looking time at a possible and an impossible peekaboo (the toy that comes back
    is another one). The infant watches without acting; its looking time is System A's
    surprise (normalised prediction error) over the ``after`` steps from the reveal.
    Both events of a pair start from the same seed, so they differ only by the swap.
    Score: the share of pairs in which it looked longer at the impossible event
    (chance 0.5); passed at 0.75 or more and above chance (:func:`above_chance`)."""
    n = frozen.n
    longer = np.zeros((n, trials))
    for k in range(trials):
        looks = []
        for impossible in (False, True):
            env = make_batch("peekaboo-v0", n, seed=seed + k, impossible=impossible)
            view, senses = env.reset()
            cfg = env.scenario.config
            steps = cfg.show_steps + cfg.delay + after
            views, sens = [view[:, 0].copy()], [senses[:, 0].copy()]
            for _ in range(steps):
                r = env.step(np.zeros((n, 1), dtype=np.int64))  # watch, do not act
                views.append(r.view[:, 0].copy())
                sens.append(r.senses[:, 0].copy())
            v = np.stack(views, 1)
            s = np.stack(sens, 1)
            surprise = frozen.surprise(v, s, np.zeros((n, steps), dtype=np.int64))
            looks.append(surprise[:, cfg.show_steps + cfg.delay - 1 :].mean(1))
        longer[:, k] = looks[1] > looks[0]
    score = longer.mean(1)
    return pd.DataFrame(
        {
            "infant": np.arange(n),
            "probe": "violation_of_expectation",
            "score": score,
            "passed": (score >= 0.75) & above_chance(longer.sum(1), trials, 0.5),
            "trials": trials,
            "chance": 0.5,
        }
    )


SPECIAL_PROBES = {"a_not_b": a_not_b, "violation_of_expectation": violation_of_expectation}


def run_probes(
    cohort,
    abilities,
    *,
    age_months: float,
    trials: int = 8,
    seed: int = 0,
    probes: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Run the battery on one frozen copy of ``cohort`` (whose state is left untouched:
    the probes only read the copy's policy, world model and lexicon). ``abilities`` is
    one body profile for all infants or a list with one per infant.

    Returns long-form rows ``age_months, infant, probe, score, passed, trials, chance``.
    """
    known = (*BEHAVIOURAL_PROBES, *SPECIAL_PROBES, "word_comprehension")
    names = probes or known
    for name in names:
        if name not in known:
            raise ValueError(f"probes: unknown probe {name!r}; known: {', '.join(known)}")
    frozen = cohort.frozen()
    frames = []
    for i, name in enumerate(names):
        if name == "word_comprehension":
            frames.append(word_comprehension(frozen, abilities, trials=trials, seed=seed + 100 * i))
        elif name in SPECIAL_PROBES:
            frames.append(SPECIAL_PROBES[name](frozen, trials=trials, seed=seed + 100 * i))
        else:
            frames.append(
                BEHAVIOURAL_PROBES[name].run(frozen, abilities, trials=trials, seed=seed + i)
            )
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "age_months", age_months)
    return out
