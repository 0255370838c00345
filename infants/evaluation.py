"""Read-outs of what a cohort knows now, as tidy ``pandas.DataFrame`` objects.

Experiments that raise cohorts over seeds and conditions (the cue and imagination
comparisons, learning curves) are in :mod:`infancy.curricula.comparisons`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from .cohort import Cohort

__all__ = ["effective_rank", "lexicon_table"]


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
