"""Versioned world ids and the functions that build worlds from them."""

from __future__ import annotations

from typing import Any

import gymnasium
from pettingzoo import AECEnv
from pettingzoo.utils.conversions import parallel_to_aec

from .core.engine import BatchWorld
from .env import InfancyParallelEnv, InfantGymEnv
from .rules import Rules
from .scenarios.base import Scenario
from .scenarios.cues import GazeFollowing, Naming, PointFollowing
from .scenarios.hiding import ANotB, Peekaboo
from .scenarios.playroom import Crawl, NoisyTV, Playroom, Reach

__all__ = ["list_worlds", "make", "make_aec", "make_batch", "make_gym", "register", "scenario"]

_REGISTRY: dict[str, type[Scenario]] = {}


def register(cls: type[Scenario]) -> type[Scenario]:
    """Register a scenario class under its ``id`` (usable as a decorator).

    Raises
    ------
    ValueError
        The id is not of the form ``name-v<N>`` or is taken by another class.
    """
    wid = getattr(cls, "id", "")
    name, _, version = wid.rpartition("-v")
    if not name or not version.isdigit():
        raise ValueError(f"id: expected 'name-v<N>', got {wid!r}")
    if wid in _REGISTRY and _REGISTRY[wid] is not cls:
        raise ValueError(f"id: {wid!r} is already registered")
    _REGISTRY[wid] = cls
    _register_gymnasium(wid)
    return cls


def _register_gymnasium(world_id: str) -> None:
    # `gymnasium.make("infancy/<id>")` builds the single-infant wrapper.
    gym_id = f"infancy/{world_id}"
    if gym_id not in gymnasium.registry:
        gymnasium.register(
            id=gym_id,
            entry_point="infancy.worlds.registry:make_gym",
            kwargs={"world_id": world_id},
        )


for _cls in (
    Playroom,
    Peekaboo,
    ANotB,
    GazeFollowing,
    PointFollowing,
    Naming,
    Reach,
    NoisyTV,
    Crawl,
):
    register(_cls)


def list_worlds() -> list[str]:
    """Registered world ids, sorted."""
    return sorted(_REGISTRY)


def max_infants(world_id: str) -> int:
    """Most infants one world of ``world_id`` holds (its scenario's ``max_infants``)."""
    if world_id not in _REGISTRY:
        raise ValueError(f"unknown world {world_id!r}; known worlds: {list_worlds()}")
    return _REGISTRY[world_id].max_infants


def scenario(world_id: str, rules: Rules | None = None, **kwargs: Any) -> Scenario:
    """A configured scenario (the world's rules, map and script) by id.

    Raises
    ------
    ValueError
        Unknown id (the message lists the known ones) or bad parameters (named).
    """
    if world_id not in _REGISTRY:
        raise ValueError(f"unknown world {world_id!r}; known worlds: {list_worlds()}")
    return _REGISTRY[world_id](rules=rules, **kwargs)


def make(
    world_id: str, *, render_mode: str | None = None, rules: Rules | None = None, **kwargs: Any
) -> InfancyParallelEnv:
    """A world as a PettingZoo ``ParallelEnv``.

    Parameters
    ----------
    world_id
        A registered id, e.g. ``"playroom-v0"`` (see :func:`list_worlds`).
    render_mode
        ``None``, ``"rgb_array"`` or ``"human"``.
    rules
        World rules (:func:`~infancy.worlds.rules.load_rules`); the shipped ones by
        default.
    **kwargs
        Parameters of the scenario (``n_infants``, ``max_cycles``, ``abilities``,
        ``caregiver``, and the scenario's own).

    Examples
    --------
    >>> from infancy.worlds import make
    >>> env = make("naming-v0", caregiver={"reliability": 0.5})
    >>> obs, infos = env.reset(seed=0)
    >>> sorted(obs)
    ['caregiver', 'infant_0']
    """
    return InfancyParallelEnv(scenario(world_id, rules, **kwargs), render_mode=render_mode)


def make_aec(
    world_id: str, *, render_mode: str | None = None, rules: Rules | None = None, **kwargs: Any
) -> AECEnv:
    """A world as a PettingZoo ``AECEnv`` (agents act in turn; same parameters as
    :func:`make`)."""
    return parallel_to_aec(make(world_id, render_mode=render_mode, rules=rules, **kwargs))


def make_gym(
    world_id: str, *, render_mode: str | None = None, rules: Rules | None = None, **kwargs: Any
) -> InfantGymEnv:
    """One infant as a Gymnasium ``Env``; the caregiver follows its script."""
    return InfantGymEnv(scenario(world_id, rules, **kwargs), render_mode=render_mode)


def make_batch(
    world_id: str,
    batch_size: int,
    *,
    seed: int | None = None,
    autoreset: bool = True,
    track_seen: bool = False,
    rules: Rules | None = None,
    **kwargs: Any,
) -> BatchWorld:
    """The batched engine itself: ``batch_size`` worlds stepped together.

    Finished worlds reset in place (``autoreset``). ``track_seen`` keeps the map of
    cells the infants see up to date every step; pictures and the caregiver's view
    compute it on demand otherwise (see :class:`~infancy.worlds.BatchWorld`).

    Examples
    --------
    >>> import numpy as np
    >>> from infancy.worlds import make_batch
    >>> batch = make_batch("playroom-v0", 64, seed=0)
    >>> view, senses = batch.reset()
    >>> view.shape
    (64, 1, 6, 7, 7)
    >>> result = batch.step(np.zeros((64, 1), dtype=np.int64))
    """
    return BatchWorld(
        scenario(world_id, rules, **kwargs),
        batch_size,
        seed=seed,
        autoreset=autoreset,
        track_seen=track_seen,
    )
