"""Read-outs of what a cohort knows now and of what it does with its policy frozen, as
tidy ``pandas.DataFrame`` objects.

Experiments that raise cohorts over seeds and conditions (the cue and imagination
comparisons, learning curves) are in :mod:`infancy.curricula.comparisons`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from infancy.worlds.core.codes import INFANT_ACTIONS

from .cohort import Cohort

__all__ = ["effective_rank", "episode_rewards", "frozen_play", "lexicon_table"]


def lexicon_table(cohort: Cohort) -> pd.DataFrame:
    """What System A associates with each word, per infant: ``infant, word, meaning``
    (the toy kind it binds most strongly), ``strength``, ``comprehended`` (A's own
    threshold), ``correct`` (the meaning is the toy the word names)."""
    a, rules, n = cohort.a, cohort.rules, cohort.n
    lex = a.associations()[:, 1:, 1:].detach().numpy()  # [N, W, K]: words and kinds from 1
    best = lex.argmax(-1)
    kinds = np.asarray(rules.kind_names, dtype=object)
    words = np.asarray(rules.vocabulary, dtype=object)
    kind_word = rules.kind_words()  # the word of each kind (0: none)
    w = len(words)
    return pd.DataFrame(
        {
            "infant": np.repeat(np.arange(n, dtype=np.int64), w),
            "word": np.tile(words, n),
            "meaning": kinds[best].reshape(-1),
            "strength": lex.max(-1).reshape(-1).astype(np.float64),
            "comprehended": cohort.vocabulary()[:, 1:].reshape(-1),
            "correct": (kind_word[best] == np.arange(1, w + 1)).reshape(-1),
        }
    )


def effective_rank(z: torch.Tensor) -> float:
    """Effective rank of latents ``z[T, D]`` (rows are samples), how many dimensions
    they really use: ``exp`` of the entropy of their centred singular values normalised
    to sum 1 (Roy & Vetterli 2007). 1 for samples on a line, ``D`` for samples spread
    equally in every direction, ``nan`` for no spread at all."""
    s = torch.linalg.svdvals(z - z.mean(0))
    if float(s.sum()) <= 0:
        return float("nan")
    p = s / s.sum()
    p = p[p > 0]
    return float(torch.exp(-(p * p.log()).sum()))


def frozen_play(
    cohort: Cohort,
    world: str,
    steps: int,
    seed: int,
    params: dict | None = None,
    abilities: str | dict | None = None,
) -> pd.DataFrame:
    """What each infant does, step by step, in ``steps`` steps of ``world`` with its
    policy frozen (nothing in ``cohort`` changes; an episode that ends starts again).

    Parameters
    ----------
    cohort
        The infants (one world each).
    world
        A registered world id.
    steps
        Steps to play.
    seed
        The seed of the world's draws and of the policy's.
    params
        The world's parameters (a curriculum's ``worlds:`` entry for it); its defaults
        where ``None``.
    abilities
        The body (a profile of ``body.yaml``, or a mapping); the world's own where
        ``None``.

    Returns
    -------
    pandas.DataFrame
        One row per step and infant: ``step``, ``infant``, ``action`` (a name of
        ``INFANT_ACTIONS``), ``reward`` (what the step earned), ``done`` (the episode
        ended with it); and ``phase`` where the world reports one (``info["phase"]``):
        the phase the infant acted in, -1 where it is not known yet (the first step,
        and the first step of each episode after the first, since a world reports the
        phase of the episode that ended).
    """
    from infancy.worlds import make_batch

    n = cohort.n
    env = make_batch(world, n, seed=seed, autoreset=True, **(params or {}))
    if abilities is not None:
        env.set_abilities(abilities)
    view, senses = env.reset()
    mind = cohort.new_mind()
    gen = torch.Generator().manual_seed(seed)
    actions = np.zeros((steps, n), dtype=np.int64)
    rewards = np.zeros((steps, n))
    dones = np.zeros((steps, n), dtype=bool)
    phases = np.full((steps, n), -1, dtype=np.int64)
    phase = None
    for t in range(steps):
        actions[t] = cohort.act(view[:, 0], senses[:, 0], gen, mind)
        if phase is not None:
            phases[t] = phase
        out = env.step(actions[t][:, None])
        view, senses = out.view, out.senses
        if "phase" in out.info:
            phase = np.asarray(out.info["phase"]).reshape(n)
        rewards[t] = out.reward[:, 0]
        dones[t] = out.terminated[:, 0] | out.truncated[:, 0]
        mind.reset(dones[t])
        if phase is not None:
            # The world reports the phase before it starts an ended episode again: the
            # next episode's first phase is not known yet.
            phase = np.where(dones[t], -1, phase)
    table = pd.DataFrame(
        {
            "step": np.repeat(np.arange(steps, dtype=np.int64), n),
            "infant": np.tile(np.arange(n, dtype=np.int64), steps),
            "action": np.asarray(INFANT_ACTIONS, dtype=object)[actions.reshape(-1)],
            "reward": rewards.reshape(-1),
            "done": dones.reshape(-1),
        }
    )
    if phase is not None:
        table["phase"] = phases.reshape(-1)
    return table


def episode_rewards(table: pd.DataFrame) -> pd.Series:
    """Each infant's reward an episode in a :func:`frozen_play` table.

    Parameters
    ----------
    table
        A frame with ``infant``, ``reward`` and ``done`` columns, one row per step.

    Returns
    -------
    pandas.Series
        By infant: its reward over the episodes that ended, the reward of
        the unfinished last one counted too (a slight upward bias; all of it when none
        ended).
    """
    by = table.groupby("infant")
    return by["reward"].sum() / by["done"].sum().clip(lower=1)
