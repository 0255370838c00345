"""Audit and control around any System M (the paper's safety section).

:class:`Controller` calls the chosen M, then applies the constraints and the manual
override, counts every violation it had to correct, and appends one audit record per
infant and decision: the meta-state that caused it, the simulated age, the meta-action
M proposed, the one applied, and what was corrected.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import META_ACTIONS, META_STATES, MODES, SLEEP, SystemM
from .config import MConfig

__all__ = ["CONSTRAINTS", "AuditLog", "Controller"]

CONSTRAINTS = ("energy_floor", "caregiver_learning", "intrinsic_limit")
"""``energy_floor``: below ``MConfig.energy_floor`` the infant sleeps, whatever M says.
``caregiver_learning``: when the caregiver communicates, A's gate is at least
``MConfig.min_caregiver_gate`` (an infant never stops learning from its caregiver).
``intrinsic_limit``: the intrinsic weight is at most ``MConfig.max_intrinsic_weight``."""


class AuditLog:
    """Column store of audit records (numpy arrays per column).

    Columns: ``step``, ``age_months``, ``infant``, every meta-state, every meta-action
    as applied, ``proposed_mode``, ``overridden`` and one boolean column per constraint
    (set where it corrected the decision).
    """

    def __init__(self) -> None:
        self._chunks: list[dict[str, np.ndarray]] = []
        self._len = 0

    def append(self, record: dict[str, np.ndarray]) -> None:
        self._chunks.append(record)
        self._len += len(record["infant"])

    def __len__(self) -> int:
        return self._len

    def columns(self) -> dict[str, np.ndarray]:
        """All records, one concatenated array per column."""
        if not self._chunks:
            return {}
        keys = self._chunks[0].keys()
        return {k: np.concatenate([c[k] for c in self._chunks]) for k in keys}

    def frame(self):
        """The log as a tidy ``pandas.DataFrame`` (one row per infant and decision)."""
        import pandas as pd

        df = pd.DataFrame(self.columns())
        if len(df):
            df["mode"] = pd.Categorical.from_codes(df["mode"], categories=list(MODES))
        return df

    def drain(self) -> dict[str, np.ndarray]:
        """All records (as :meth:`columns`), then an empty log: a run store takes the
        records in pieces so that memory and checkpoints stay small over a lifetime."""
        out = self.columns()
        self._chunks, self._len = [], 0
        return out

    def load_columns(self, columns: dict[str, np.ndarray]) -> None:
        """Replace the log with ``columns`` (from :meth:`columns`)."""
        self._chunks = [columns] if columns else []
        self._len = len(columns["infant"]) if columns else 0


class Controller:
    """Wraps a System M with constraints, a manual override and the audit log.

    Parameters
    ----------
    m
        The System M implementation.
    config
        Its :class:`~infancy.infants.config.MConfig` (constraint thresholds).
    """

    def __init__(self, m: SystemM, config: MConfig) -> None:
        self.m = m
        self.config = config
        self.n = m.n
        self.audit = AuditLog()
        self.violations = {k: 0 for k in CONSTRAINTS}
        self._override: dict[str, Any] = {}

    # -------------------------------------------------------------- manual control
    def override(self, **actions: Any) -> None:
        """Force meta-actions from now on (``mode="sleep"``, ``gate_b=0.0``, ...).

        Values are scalars or ``[N]`` arrays; ``mode`` may be a name from ``MODES``.
        Constraints still apply after the override. Call :meth:`release` to end it.
        """
        for key, value in actions.items():
            if key not in META_ACTIONS:
                raise ValueError(f"override: unknown meta-action {key!r}; known: {META_ACTIONS}")
            if key == "mode" and isinstance(value, str):
                if value not in MODES:
                    raise ValueError(f"override: mode must be one of {MODES}, got {value!r}")
                value = MODES.index(value)
            self._override[key] = value

    def release(self, *keys: str) -> None:
        """End the override of ``keys`` (all when none are given)."""
        for k in keys or list(self._override):
            self._override.pop(k, None)

    @property
    def overridden(self) -> dict[str, Any]:
        return dict(self._override)

    # -------------------------------------------------------------- decisions
    def ready(self, meta: dict[str, np.ndarray]) -> np.ndarray:
        """System M's readiness to leave the current stage (``bool[N]``, see
        :meth:`SystemM.ready`)."""
        return np.asarray(self.m.ready(meta), dtype=bool)

    def decide(
        self, meta: dict[str, np.ndarray], age_months: float, step: int
    ) -> dict[str, np.ndarray]:
        """M's decision with the override and the constraints applied, logged."""
        c, n = self.config, self.n
        proposed = self.m.decide(meta, age_months)
        act = {
            k: np.array(np.broadcast_to(proposed[k], (n,)), dtype=np.float64) for k in META_ACTIONS
        }
        act["mode"] = act["mode"].astype(np.int64)
        proposed_mode = act["mode"].copy()
        over = np.zeros(n, dtype=bool)
        for key, value in self._override.items():
            act[key] = np.array(np.broadcast_to(value, (n,)), dtype=act[key].dtype)
            over[:] = True
        fixed = {}
        low = (meta["energy"] < c.energy_floor) & (act["mode"] != SLEEP)
        act["mode"][low] = SLEEP
        fixed["energy_floor"] = low
        social = (meta["social"] > 0) & (act["gate_a"] < c.min_caregiver_gate)
        act["gate_a"][social] = c.min_caregiver_gate
        fixed["caregiver_learning"] = social
        high = act["intrinsic_weight"] > c.max_intrinsic_weight
        act["intrinsic_weight"][high] = c.max_intrinsic_weight
        fixed["intrinsic_limit"] = high
        for k in CONSTRAINTS:
            self.violations[k] += int(fixed[k].sum())
        record = {
            "step": np.full(n, step, dtype=np.int64),
            "age_months": np.full(n, age_months, dtype=np.float64),
            "infant": np.arange(n, dtype=np.int64),
            **{k: np.asarray(meta[k], dtype=np.float64).copy() for k in META_STATES},
            **{k: act[k].copy() for k in META_ACTIONS},
            "proposed_mode": proposed_mode,
            "overridden": over,
            **{f"violated_{k}": fixed[k] for k in CONSTRAINTS},
        }
        self.audit.append(record)
        return act
