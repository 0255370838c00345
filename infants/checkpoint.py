"""Checkpoints of a :class:`~infancy.infants.cohort.Cohort`: safetensors and JSON, no
pickle.

:func:`state_dict` gathers everything that makes a cohort what it is (System A's and B's
tensors and optimiser state, memory, System M's state, the audit log, the meta-signals'
state, the chunk being lived, both random generators) as named arrays plus a JSON
mapping; :func:`load_state_dict` puts them back; :func:`save` and :func:`load` write and
read a folder. What of A and B is saved: their ``state_dict()`` and every attribute
holding a :class:`~infancy.infants.nn.GroupAdam` (see the contracts in
:mod:`infancy.infants.base`). The :class:`~infancy.infants.cohort.Cohort` methods of
the same names delegate here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from safetensors.numpy import load_file, save_file

from infancy.worlds.rules import Rules

from .base import META_STATES
from .config import InfantConfig, as_written_then
from .control import CONSTRAINTS
from .nn import GroupAdam

if TYPE_CHECKING:
    from .cohort import Cohort

__all__ = ["CHECKPOINT_VERSION", "load", "load_state_dict", "optimisers", "save", "state_dict"]

# 2: the belief state, the word in mind and B's state input (the belief and word
# pathway of issue 19); a version-1 checkpoint's B does not fit them.
# 3: the vestibular senses (A's input grows) and the object file in the mind.
# 4: the expectation that hidden toys stay (``permanence``), the file's watch and the
# gaze a surprise holds. A version-3 checkpoint loads with all three at 0 (no
# expectation learned yet, nothing watched, nothing holding the gaze).
CHECKPOINT_VERSION = 4
_READS = (3, 4)
# The mind's fields added after version 4 (the motor habit, habituation): a checkpoint
# without them leaves them as a new mind has them.
_LATER_FIELDS = frozenset(
    "reached frame_lat frame_fwd frame_dlat frame_dfwd habit_lat habit_fwd habit_str "
    "same seen".split()
)


def optimisers(module: torch.nn.Module) -> list[tuple[str, GroupAdam]]:
    """The module's optimisers (attributes holding a GroupAdam), by attribute name.

    Parameters
    ----------
    module
        A System A or System B.

    Returns
    -------
    list of (str, GroupAdam)
        Sorted by attribute name.
    """
    return sorted((k, v) for k, v in vars(module).items() if isinstance(v, GroupAdam))


def state_dict(cohort: Cohort) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Arrays (for safetensors) and a JSON-serialisable mapping that together
    restore ``cohort`` exactly.

    Returns
    -------
    arrays : dict of str to numpy.ndarray
        Contiguous arrays by dotted name (``a.*``, ``b.*``, ``memory.*``, ``m.*``,
        ``audit.*``, ``episodes.*``, ``signals.*``, ``meta.*``, ``action.*``, ``buf.*``...).
    meta : dict
        The config, sizes, counters, the numpy generator's state and the override.
    """
    arrays: dict[str, np.ndarray] = {}
    for prefix, module in (("a", cohort.a), ("b", cohort.b)):
        for k, v in module.state_dict().items():
            arrays[f"{prefix}.{k}"] = v.detach().numpy().copy()
        for name, opt in optimisers(module):
            for k, v in opt.state_tensors(f"{prefix}.{name}").items():
                arrays[k] = v.detach().numpy().copy()
    for k, v in cohort.memory.state_arrays().items():
        arrays[f"memory.{k}"] = v
    for k, v in cohort.m.m.state_arrays().items():
        arrays[f"m.{k}"] = np.asarray(v)
    for k, v in cohort.m.audit.columns().items():
        arrays[f"audit.{k}"] = v.astype(np.uint8) if v.dtype == bool else v
    if cohort._episodes:
        for k in cohort._episodes[0]:
            v = np.concatenate([e[k] for e in cohort._episodes])
            arrays[f"episodes.{k}"] = v.astype(np.uint8) if v.dtype == bool else v
    for k, v in cohort.signals.state_arrays().items():
        arrays[f"signals.{k}"] = v
    for k, v in cohort.meta.items():
        arrays[f"meta.{k}"] = v
    for k, v in cohort.action.items():
        arrays[f"action.{k}"] = v
    arrays.update(
        {
            "buf.view": cohort._view,
            "buf.senses": cohort._senses,
            "buf.action": cohort._action,
            "buf.reward": cohort._reward,
            "buf.done": cohort._done.astype(np.uint8),
            "buf.logp": cohort._logp.numpy(),
            "buf.value": cohort._value.numpy(),
            "buf.state": cohort._s.numpy(),
            "buf.held": cohort._held.astype(np.uint8),
            "buf.entered": cohort._entered.astype(np.uint8),
            **{f"mind.{k}": getattr(cohort.mind, k) for k in cohort.mind.FIELDS},
            "permanence": cohort.permanence,
            "energy": cohort.energy,
            "real_steps": cohort.real_steps,
            "acting_steps": cohort.acting_steps,
            "ep_return": cohort._ep_return,
            "ep_idle": cohort._ep_idle,
            "torch_rng": cohort.gen.get_state().numpy(),
        }
    )
    if cohort.habit_pull is not None:  # its scale by stage (Stage.habit_scale)
        arrays["habit_scale"] = cohort.habit_pull.scale.numpy().copy()
    if not cohort.follow.all() and cohort.config.b.follow:  # turned off by a stage
        arrays["follow"] = cohort.follow.astype(np.uint8)
    if not cohort.able.all():  # a stage's body that cannot reach (b.effort_when_able)
        arrays["able"] = cohort.able.astype(np.uint8)
    meta = {
        "version": CHECKPOINT_VERSION,
        "config": cohort.config.model_dump(mode="json"),
        "n": cohort.n,
        "seed": cohort.seed,
        "view_size": cohort.view_size,
        "months_per_step": cohort.months_per_step,
        "t": cohort._t,
        "primed": cohort._primed,
        "steps": cohort.steps,
        "numpy_rng": cohort.rng.bit_generator.state,
        "violations": cohort.m.violations,
        "override": {k: np.asarray(v).tolist() for k, v in cohort.m.overridden.items()},
        "audit_columns": list(cohort.m.audit.columns()),
        "episode_columns": list(cohort._episodes[0]) if cohort._episodes else [],
    }
    return {k: np.ascontiguousarray(v) for k, v in arrays.items()}, meta


def save(cohort: Cohort, path: str | Path) -> Path:
    """Write ``infant.safetensors`` and ``infant.json`` into the folder ``path``.

    Returns
    -------
    pathlib.Path
        The folder.
    """
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True)
    arrays, meta = state_dict(cohort)
    save_file(arrays, str(p / "infant.safetensors"))
    (p / "infant.json").write_text(json.dumps(meta, indent=1))
    return p


def load(
    path: str | Path, rules: Rules | None = None, *, cls: type[Cohort] | None = None
) -> Cohort:
    """A cohort restored from :func:`save` (no pickle: safetensors and JSON).

    Parameters
    ----------
    path
        The folder :func:`save` wrote.
    rules
        The world's rules (the packaged rules by default).
    cls
        The class to build (:class:`~infancy.infants.cohort.Cohort` by default).

    Raises
    ------
    ValueError
        One line saying why the folder is not a checkpoint this version can read.
    """
    if cls is None:
        from .cohort import Cohort as cls
    p = Path(path)
    source = p / "infant.json"
    try:
        meta = json.loads(source.read_text())
        arrays = load_file(str(p / "infant.safetensors"))
    except FileNotFoundError as exc:
        raise ValueError(f"{p}: not an infant checkpoint ({exc.filename} is missing)") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source}: not valid JSON (line {exc.lineno})") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{source}: expected a mapping at the top level")
    if meta.get("version") not in _READS:
        raise ValueError(
            f"{source}: version: expected {CHECKPOINT_VERSION}, got {meta.get('version')!r} "
            "(a checkpoint of an earlier infant; re-run the lifetime that made it)"
        )
    missing = [k for k in ("config", "n", "seed", "view_size", "months_per_step") if k not in meta]
    if missing:
        raise ValueError(f"{source}: {missing[0]}: missing")
    n = meta["n"]
    if type(n) is not int or n < 1 or arrays.get("energy", np.zeros(0)).shape[:1] != (n,):
        have = arrays["energy"].shape[0] if "energy" in arrays else "no"
        raise ValueError(f"{source}: n: {n!r} does not match the arrays ({have} infants)")
    config = meta["config"]
    # A checkpoint from before a field whose default changed since (B's cues, habituation,
    # b.reach_effort, memory.reward_half_life) goes on as it was written; the motor habit
    # (b.habit) was added off, so one from before it needs nothing.
    config = as_written_then(config)
    cohort = cls(
        InfantConfig.from_dict(config, source=str(source)),
        n,
        seed=meta["seed"],
        rules=rules,
        view_size=meta["view_size"],
        months_per_step=meta["months_per_step"],
    )
    try:
        load_state_dict(cohort, arrays, meta)
    except (KeyError, IndexError, RuntimeError, TypeError, ValueError) as exc:
        why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ValueError(f"{p}: the arrays do not match {source.name} ({why})") from None
    return cohort


def load_state_dict(cohort: Cohort, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Restore :func:`state_dict`'s ``arrays`` and ``meta`` into ``cohort`` (built with
    the same config and size)."""
    for prefix, module in (("a", cohort.a), ("b", cohort.b)):
        opts = optimisers(module)
        opt_prefixes = tuple(f"{prefix}.{name}." for name, _ in opts)
        sd = {
            k[len(prefix) + 1 :]: torch.from_numpy(v.copy())
            for k, v in arrays.items()
            if k.startswith(prefix + ".") and not k.startswith(opt_prefixes)
        }
        module.load_state_dict(sd)
        for name, opt in opts:
            p = f"{prefix}.{name}."
            state = {k: torch.from_numpy(v.copy()) for k, v in arrays.items() if k.startswith(p)}
            if state:  # a checkpoint from before this optimiser existed: it starts fresh
                opt.load_state_tensors(f"{prefix}.{name}", state)
    cohort.memory.load_state_arrays(
        {k[len("memory.") :]: v for k, v in arrays.items() if k.startswith("memory.")}
    )
    cohort.m.m.load_state_arrays({k[2:]: v for k, v in arrays.items() if k.startswith("m.")})
    audit = {c: arrays[f"audit.{c}"] for c in meta["audit_columns"]}
    if audit:
        # A meta-state registered after the checkpoint was written (``noise``) was not
        # recorded in its rows: NaN there, so that the log keeps one set of columns.
        rows = len(audit["infant"])
        audit.update({k: np.full(rows, np.nan) for k in META_STATES if k not in audit})
    for col in ("overridden", *(f"violated_{k}" for k in CONSTRAINTS)):
        if col in audit:
            audit[col] = audit[col].astype(bool)
    cohort.m.audit.load_columns(audit)
    cohort.m.violations = {k: int(v) for k, v in meta["violations"].items()}
    cohort.m.release()
    if meta["override"]:
        cohort.m.override(**{k: np.asarray(v) for k, v in meta["override"].items()})
    if meta["episode_columns"]:
        ep = {c: arrays[f"episodes.{c}"] for c in meta["episode_columns"]}
        ep["success"] = ep["success"].astype(bool)
        cohort._episodes = [ep]
    else:
        cohort._episodes = []
    cohort.signals.load_state_arrays(
        {k[len("signals.") :]: v for k, v in arrays.items() if k.startswith("signals.")}
    )
    cohort.meta = {k[5:]: v.copy() for k, v in arrays.items() if k.startswith("meta.")}
    cohort.action = {k[7:]: v.copy() for k, v in arrays.items() if k.startswith("action.")}
    cohort._view[...] = arrays["buf.view"]
    cohort._senses[...] = arrays["buf.senses"]
    cohort._action[...] = arrays["buf.action"]
    cohort._reward[...] = arrays["buf.reward"]
    cohort._done[...] = arrays["buf.done"].astype(bool)
    cohort._logp.copy_(torch.from_numpy(arrays["buf.logp"]))
    cohort._value.copy_(torch.from_numpy(arrays["buf.value"]))
    cohort._s.copy_(torch.from_numpy(arrays["buf.state"]))
    for k in cohort.mind.FIELDS:
        # Version 3 lacks the file's watch and the dwell (see _READS), and a checkpoint
        # from before the motor habit (b.habit, 2026-12-04) the habit's fields: they
        # stay as a new mind has them (its habit was off).
        later = k in _LATER_FIELDS or meta["version"] < 4
        if f"mind.{k}" in arrays or not later:
            getattr(cohort.mind, k)[...] = arrays[f"mind.{k}"]
    if cohort.habit_pull is not None and "habit_scale" in arrays:
        # (added after version 4 with Stage.habit_scale: before it, the pull was whole)
        cohort.habit_pull.set_scale(arrays["habit_scale"])
    # Stage.follow (added after version 4): saved only where a stage turned it off.
    cohort.set_follow(arrays["follow"].astype(bool) if "follow" in arrays else True)
    # Whose body can reach (session 39): saved only where some cannot.
    cohort.set_able(arrays["able"].astype(bool) if "able" in arrays else True)
    if meta["version"] >= 4:
        cohort.permanence[...] = arrays["permanence"]
        cohort._held[...] = arrays["buf.held"].astype(bool)
    if "buf.entered" in arrays:  # (session 35: before it, no step was known to cross)
        cohort._entered[...] = arrays["buf.entered"].astype(bool)
    cohort.energy = arrays["energy"].copy()
    # A signal registered after the checkpoint was written (``noise``) reads as at birth
    # until the next chunk (in the registry's order, so M reads the same dict).
    if any(k not in cohort.meta for k in cohort.signals.signals):
        born = cohort.signals.at_birth(cohort.energy, cohort.memory.sizes())
        cohort.meta = {k: cohort.meta[k] if k in cohort.meta else born[k] for k in born}
    cohort.real_steps = arrays["real_steps"].copy()
    cohort.acting_steps = arrays["acting_steps"].copy()
    cohort._ep_return = arrays["ep_return"].copy()
    cohort._ep_idle = arrays["ep_idle"].copy()
    cohort.gen.set_state(torch.from_numpy(arrays["torch_rng"].copy()))
    cohort.rng.bit_generator.state = meta["numpy_rng"]
    cohort._t = int(meta["t"])
    cohort._primed = bool(meta["primed"])
    cohort.steps = int(meta["steps"])
    cohort.attend()  # the word-attention table follows the restored lexicon
