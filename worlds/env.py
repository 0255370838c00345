"""PettingZoo and Gymnasium faces of the engine (a batch of one world)."""

from __future__ import annotations

from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from .core.codes import (
    CAREGIVER_CHANNELS,
    INFANT_ACTIONS,
    OBSERVATION_DOC,
    SENSES,
    VIEW_CHANNELS,
)
from .core.engine import BatchWorld
from .scenarios.base import Scenario

__all__ = ["InfancyParallelEnv", "InfantGymEnv"]

RENDER_MODES = ["human", "rgb_array"]
CAREGIVER = "caregiver"


def infant_spaces(engine: BatchWorld) -> spaces.Dict:
    """Observation space of an infant (see ``OBSERVATION_DOC``)."""
    v = engine.view_size
    return spaces.Dict(
        {
            "view": spaces.Box(0, 255, (len(VIEW_CHANNELS), v, v), np.uint8),
            "senses": spaces.Box(0, 255, (len(SENSES),), np.uint8),
        }
    )


class InfancyParallelEnv(ParallelEnv):
    """A world as a PettingZoo ``ParallelEnv`` with agents ``infant_<i>`` and
    ``caregiver``.

    The caregiver's action may be left out of the actions passed to :meth:`step`: the
    scenario's scripted caregiver then acts (:meth:`scripted_caregiver_action` tells
    what it will do).
    """

    metadata = {"render_modes": RENDER_MODES, "render_fps": 6, "is_parallelizable": True}

    def __init__(self, scenario: Scenario, render_mode: str | None = None) -> None:
        if render_mode is not None and render_mode not in RENDER_MODES:
            raise ValueError(
                f"render_mode: expected one of {RENDER_MODES} or None, got {render_mode!r}"
            )
        self.metadata = {**self.metadata, "name": scenario.id}
        self.scenario = scenario
        self.render_mode = render_mode
        self.engine = BatchWorld(scenario, 1)
        n = self.engine.n_infants
        self.possible_agents = [f"infant_{i}" for i in range(n)] + [CAREGIVER]
        self.agents: list[str] = []
        infant_space = infant_spaces(self.engine)
        self.observation_spaces = {a: infant_space for a in self.possible_agents[:-1]}
        self.observation_spaces[CAREGIVER] = spaces.Dict(
            {
                "view": spaces.Box(
                    0, 255, (len(CAREGIVER_CHANNELS), scenario.height, scenario.width), np.uint8
                ),
                "senses": spaces.Box(0, 1, (2 * n,), np.uint8),
            }
        )
        self.action_spaces: dict[str, spaces.Space] = {
            a: spaces.Discrete(len(INFANT_ACTIONS)) for a in self.possible_agents[:-1]
        }
        self.action_spaces[CAREGIVER] = spaces.MultiDiscrete(
            list(scenario.caregiver_action_sizes())
        )
        self._renderer = None

    __doc__ = (__doc__ or "") + "\n" + OBSERVATION_DOC

    def observation_space(self, agent: str) -> spaces.Space:
        return self.observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Space:
        return self.action_spaces[agent]

    # ------------------------------------------------------------------ API
    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, dict]]:
        self.engine.reset(seed=seed)
        self.agents = self.possible_agents[:]
        self._render_if_human()
        return self._observations(), self._infos()

    def scripted_caregiver_action(self) -> np.ndarray:
        """What the scripted caregiver does on the coming step."""
        return self.engine.scripted_caregiver()[0]

    def step(self, actions: dict[str, Any]):
        if not self.agents:
            raise RuntimeError("the episode is over; call reset()")
        n = self.engine.n_infants
        infant_actions = np.zeros((1, n), dtype=np.int64)
        for agent in actions:
            if agent not in self.possible_agents:
                raise ValueError(f"unknown agent {agent!r}; agents are {self.possible_agents}")
            if agent not in self.agents and actions[agent] is not None:
                raise ValueError(f"agent {agent!r} is done and takes no action")
        for i, agent in enumerate(self.possible_agents[:-1]):
            if agent not in self.agents:
                continue
            if agent not in actions:
                raise ValueError(f"missing action for live agent {agent!r}")
            infant_actions[0, i] = self._check_action(agent, actions[agent])
        cg = actions.get(CAREGIVER)
        if cg is not None:
            cg = self._check_action(CAREGIVER, cg)[None, :]
        res = self.engine.step(infant_actions, cg)
        obs = self._observations()
        infos = self._infos(res.info)
        rewards: dict[str, float] = {}
        terms: dict[str, bool] = {}
        truncs: dict[str, bool] = {}
        for i, agent in enumerate(self.possible_agents[:-1]):
            if agent in self.agents:
                rewards[agent] = float(res.reward[0, i])
                terms[agent] = bool(res.terminated[0, i])
                truncs[agent] = bool(res.truncated[0, i])
        over = bool(self.engine.state.ended[0])
        if CAREGIVER in self.agents:
            rewards[CAREGIVER] = float(res.reward[0].sum())
            all_infants_done = all(
                terms.get(a, True) or truncs.get(a, False) for a in self.possible_agents[:-1]
            )
            terms[CAREGIVER] = over and not bool(res.truncated[0].any()) and all_infants_done
            truncs[CAREGIVER] = over and not terms[CAREGIVER]
        self.agents = [a for a in self.agents if not (terms[a] or truncs[a])]
        self._render_if_human()
        return obs, rewards, terms, truncs, infos

    def _check_action(self, agent: str, action: Any) -> Any:
        space = self.action_spaces[agent]
        try:
            arr = np.asarray(action)
            ok = arr.dtype.kind in "iu" and space.contains(arr.astype(space.dtype))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(f"invalid action for {agent!r}: {action!r} is not in {space}")
        return arr.astype(np.int64)

    def _observations(self) -> dict[str, Any]:
        e = self.engine
        obs = {}
        for i, agent in enumerate(self.possible_agents[:-1]):
            if agent in self.agents:
                obs[agent] = {"view": e.view[0, i].copy(), "senses": e.senses[0, i].copy()}
        if CAREGIVER in self.agents:
            st = e.state
            senses = np.concatenate([st.inf_vocal[0], st.inf_point[0]]).astype(np.uint8)
            obs[CAREGIVER] = {"view": e.caregiver_observation(0), "senses": senses}
        return obs

    def _infos(self, info: dict[str, np.ndarray] | None = None) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for i, agent in enumerate(self.possible_agents[:-1]):
            if agent in self.agents:
                out[agent] = (
                    {}
                    if info is None
                    else {k: (v[0, i] if v.ndim == 2 else v[0]).item() for k, v in info.items()}
                )
        if CAREGIVER in self.agents:
            out[CAREGIVER] = {}
        return out

    def state(self) -> np.ndarray:
        """The whole room as the caregiver sees it (allocentric planes)."""
        return self.engine.caregiver_observation(0)

    # ------------------------------------------------------------------ pictures
    def render(self) -> np.ndarray | None:
        if self.render_mode is None:
            gymnasium.logger.warn("render() called without a render_mode")
            return None
        frame = self._renderer_instance().frame(self.engine, 0)
        if self.render_mode == "rgb_array":
            return frame
        self._renderer_instance().show(frame, self.metadata["render_fps"])
        return None

    def _render_if_human(self) -> None:
        if self.render_mode == "human":
            self.render()

    def _renderer_instance(self):
        if self._renderer is None:
            from .render import Renderer

            self._renderer = Renderer(self.engine.rules)
        return self._renderer

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None


class InfantGymEnv(gymnasium.Env):
    """One infant in a world as a Gymnasium ``Env``; the caregiver is scripted.

    Observations are the infant's ``{"view", "senses"}`` dict; actions are
    ``Discrete(8)`` (see ``INFANT_ACTIONS``); ``info`` holds ``success``,
    ``looking``, ``holding``, ``target``, ``phase`` and the scenario's extras.
    """

    metadata = {"render_modes": RENDER_MODES, "render_fps": 6}

    def __init__(self, scenario: Scenario, render_mode: str | None = None) -> None:
        if render_mode is not None and render_mode not in RENDER_MODES:
            raise ValueError(
                f"render_mode: expected one of {RENDER_MODES} or None, got {render_mode!r}"
            )
        if scenario.config.n_infants != 1:
            raise ValueError("n_infants: the Gymnasium wrapper takes exactly one infant")
        self.scenario = scenario
        self.engine = BatchWorld(scenario, 1)
        self.observation_space = infant_spaces(self.engine)
        self.action_space = spaces.Discrete(len(INFANT_ACTIONS))
        self.render_mode = render_mode
        self._renderer = None
        self._over = False

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        self._over = False
        # The engine has its own generator: seed it from Gymnasium's when given a seed.
        engine_seed = None if seed is None else int(self.np_random.integers(2**63))
        view, senses = self.engine.reset(seed=engine_seed)
        if self.render_mode == "human":
            self.render()
        return {"view": view[0, 0].copy(), "senses": senses[0, 0].copy()}, {}

    def step(self, action: Any):
        if self._over:
            raise RuntimeError("the episode is over (terminated or truncated); call reset()")
        arr = np.asarray(action)
        if (
            arr.shape != ()
            or arr.dtype.kind not in "iu"
            or not self.action_space.contains(int(arr))
        ):
            raise ValueError(
                f"invalid action for 'infant_0': {action!r} is not in {self.action_space}"
            )
        res = self.engine.step(np.array([[int(arr)]]))
        obs = {"view": res.view[0, 0].copy(), "senses": res.senses[0, 0].copy()}
        info = {k: (v[0, 0] if v.ndim == 2 else v[0]).item() for k, v in res.info.items()}
        if self.render_mode == "human":
            self.render()
        terminated, truncated = bool(res.terminated[0, 0]), bool(res.truncated[0, 0])
        self._over = terminated or truncated
        return obs, float(res.reward[0, 0]), terminated, truncated, info

    def render(self):
        if self.render_mode is None:
            gymnasium.logger.warn("render() called without a render_mode")
            return None
        if self._renderer is None:
            from .render import Renderer

            self._renderer = Renderer(self.engine.rules)
        frame = self._renderer.frame(self.engine, 0)
        if self.render_mode == "rgb_array":
            return frame
        self._renderer.show(frame, self.metadata["render_fps"])
        return None

    def close(self):
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
