"""Two-choice tests of social cues: gaze following, point following and naming.

Common layout (7x7 room): the infant sits at the bottom facing the caregiver across
the room; two toys lie beside the infant, one on each side. A trial starts with the
infant attending the caregiver (held facing it during the contact phase), then the
caregiver gives the cue and the infant chooses by turning to a toy (``look``) or by
taking it (``grasp``). Chance is 1/2.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numba import njit, prange
from pydantic import Field

from ..core.codes import CG_GAZE, CG_POINT, FLAG_IMPERATIVE, FLAG_OSTENSIVE, NORTH
from ..core.kernels import chunk_size
from .base import Scenario, WorldConfig, clear_action, hold_infants, say_name

CUES = {"none": 0, "gaze": 1, "point": 2, "both": 3}
PHASE_TEACH, PHASE_CONTACT, PHASE_CUE = 0, 1, 2


class CueConfig(WorldConfig):
    """Parameters shared by the cue tests."""

    max_cycles: int = Field(12, ge=1, description="Steps before the episode is truncated.")
    abilities: str | dict = Field("reacher", description="Body profile or overrides.")
    contact_steps: int = Field(2, ge=0, description="Steps of eye contact before the cue.")
    success_mode: Literal["look", "grasp"] = Field(
        "look", description="Choice by turning to look at a toy, or by taking it."
    )
    varied: bool = Field(
        False,
        description="Vary the scene each episode: the caregiver on one of the front cells "
        "off the infant's line, the toys in two of three directions (west, north, east) "
        "from the infant, each 1 or 2 cells away; "
        "false: the fixed layout (caregiver straight ahead, the toys beside the infant).",
    )


class GazeConfig(CueConfig):
    """Parameters of ``gaze-following-v0``."""

    cue: Literal["none", "gaze", "point", "both"] = Field("gaze", description="Cue given.")


class PointConfig(CueConfig):
    """Parameters of ``point-following-v0``."""

    cue: Literal["none", "gaze", "point", "both"] = Field("point", description="Cue given.")


class NamingConfig(CueConfig):
    """Parameters of ``naming-v0``."""

    teach: bool = Field(True, description="Name each toy ostensively before the request.")
    teach_steps: int = Field(2, ge=1, description="Steps of naming per toy when teaching.")


@njit(cache=True, parallel=True)
def _direct_cue(st, u, habits, params, kind_words, kind_flags, out):
    """params: [reward, cue, contact_steps, teach, teach_steps, request_word]."""
    n = st.done.shape[1]
    cue = int(params[1])
    contact = int(params[2])
    teach = int(params[3])
    teach_steps = int(params[4])
    request = int(params[5])
    n_worlds = st.cells.shape[0]
    size = chunk_size(n_worlds)
    for chunk in prange((n_worlds + size - 1) // size):
        for b in range(chunk * size, min(n_worlds, (chunk + 1) * size)):
            clear_action(out, b)
            if st.ended[b]:
                continue
            toy = st.aux[b, 0]  # the correct toy of this trial
            if st.phase[b] == PHASE_TEACH:
                if teach == 0:
                    st.phase[b] = PHASE_CONTACT
                    st.timer[b] = 0
                else:
                    # Ostensive naming of each toy in turn: look, point, "look, a ball!".
                    which = st.timer[b] // teach_steps
                    if which >= 2:
                        st.phase[b] = PHASE_CONTACT
                        st.timer[b] = 0
                    else:
                        code = 1 + n + which
                        out[b, CG_GAZE] = code
                        out[b, CG_POINT] = code
                        say_name(
                            st, b, which, u[b, 4], u[b, 5], habits, kind_words, out, FLAG_OSTENSIVE
                        )
                        st.timer[b] += 1
                        continue
            if st.phase[b] == PHASE_CONTACT:
                if st.timer[b] < contact:
                    hold_infants(st, b, 1)
                    out[b, CG_GAZE] = 1
                    st.timer[b] += 1
                    continue
                st.phase[b] = PHASE_CUE
                # Still held this step: the infant sees the cue before it can choose, so
                # a turn made before the cue was seen is not counted as a choice, and
                # nothing is judged yet: a toy it faces while held is not chosen until
                # it could have turned away (as in the probe, which counts from release).
                hold_infants(st, b, 1)
            else:
                hold_infants(st, b, 0)
                st.target[b] = toy
            code = 1 + n + toy
            out[b, CG_GAZE] = code if cue & 1 else 1
            if cue & 2:
                out[b, CG_POINT] = code
            if request:
                # The test request names the right toy whatever the caregiver's reliability.
                say_name(st, b, toy, 0.0, 0.0, habits, kind_words, out, FLAG_IMPERATIVE)
                out[b, CG_GAZE] = 1
                out[b, CG_POINT] = 0
            st.timer[b] += 1


# The varied layout: the caregiver's places (front rows, off the infant's column).
_CUE_STANDS = np.array([(r, c) for r in (1, 2, 3) for c in (1, 2, 4, 5)], dtype=np.int16)


class _CueScenario(Scenario):
    max_infants = 1
    height = width = 7
    n_objects = 2
    aux_names = ("correct_toy",)
    request = False

    def check(self):
        if self.config.n_infants > 1:
            raise ValueError(f"{self.id}: parameter 'n_infants' must be 1")
        if self.config.success_mode == "grasp" and not self.profile.reach:
            raise ValueError(f"{self.id}: success_mode 'grasp' needs abilities with reach")

    def training_pairs(self) -> np.ndarray:
        """The pairs of toy kinds the two-toy training worlds use: those whose words'
        vocabulary indices sum to an odd number. The probe battery pairs only the others
        (:func:`infancy.curricula.probes.word_pairs`), so its pairings are held out."""
        if not hasattr(self, "_pairs"):
            words = self.rules.kind_words()
            pool = self.graspable_kinds()
            self._pairs = np.array(
                [(a, b) for a in pool for b in pool if a < b and (words[a] + words[b]) % 2 == 1],
                dtype=np.int64,
            )
        return self._pairs

    def extra_params(self):
        cfg = self.config
        cue = CUES[getattr(cfg, "cue", "none")]
        teach = int(getattr(cfg, "teach", False))
        teach_steps = getattr(cfg, "teach_steps", 1)
        return (cue, cfg.contact_steps, teach, teach_steps, int(self.request))

    def layout(self, st, idx, rng):
        n = idx.size
        self.room(st, idx)
        self.place_agent(st, idx, 0, (5, 3), NORTH)
        kinds = self.training_pairs()[rng.integers(0, len(self.training_pairs()), size=n)]
        swap = rng.random(n) < 0.5
        kinds = np.where(swap[:, None], kinds[:, ::-1], kinds)
        if self.config.varied:
            # Which toy the caregiver means must be read from where it stands and where
            # its head or arm turns, not only from the side it turns to: the caregiver
            # stands off the infant's line, and the toys lie in two of three directions
            # (west, north, east), each one or two cells away. A toy to the north is
            # chosen by keeping still, as in the probe: its cue means "look ahead".
            self.place_agent(st, idx, 1, self.distinct_cells(rng, n, _CUE_STANDS, 1)[:, 0], 1)
            far = rng.integers(1, 3, size=(n, 2))
            ways = np.sort(np.argsort(rng.random((n, 3)), axis=1)[:, :2], axis=1)  # 0 W, 1 N, 2 E
            for slot in range(2):
                w, f = ways[:, slot], far[:, slot]
                row = np.where(w == 1, 5 - f, 5)
                col = np.where(w == 0, 3 - f, np.where(w == 2, 3 + f, 3))
                self.put(st, idx, slot, kinds[:, slot], np.stack([row, col], 1))
        else:
            self.place_agent(st, idx, 1, (2, 3), 1)
            self.put(st, idx, 0, kinds[:, 0], (5, 2))
            self.put(st, idx, 1, kinds[:, 1], (5, 4))
        st.aux[idx, 0] = rng.integers(0, 2, size=n)
        st.phase[idx] = PHASE_TEACH if self.request else PHASE_CONTACT

    def direct(self, st, u, habits, params, kind_words, kind_flags, out):
        _direct_cue(st, u, habits, params, kind_words, kind_flags, out)

    def judge_rule(self):
        return (self.config.success_mode == "look", True, True)


_CUE_DOC = """
    ## Agents
    ``infant_0`` and ``caregiver``.

    ## Observations
    As ``playroom-v0``: the gaze and point channels of the infant's view carry the cue.

    ## Actions
    As ``playroom-v0``.

    ## Rewards
    ``success_reward`` for choosing the cued toy.

    ## Termination
    The infant is held (facing the caregiver) through the eye contact and the first
    step of the cue, so it has seen the cue before it can choose; it terminates at its
    first choice (looking straight at, or taking, either toy); truncated after
    ``max_cycles`` steps (default 12).
"""


class GazeFollowing(_CueScenario):
    __doc__ = (
        """## Description
    After eye contact, the caregiver turns its head to look at one of two toys (no
    pointing, no word). Does the infant turn to the toy the caregiver looks at? The
    ``cue`` parameter (none / gaze / point / both) supports cue ablations."""
        + _CUE_DOC
        + """
    ## Registered ids
    ``gaze-following-v0``
    """
    )
    id = "gaze-following-v0"
    Config = GazeConfig


class PointFollowing(_CueScenario):
    __doc__ = (
        """## Description
    After eye contact, the caregiver points at one of two toys while keeping eye contact
    with the infant (ostensive pointing). Does the infant turn to the toy pointed at?"""
        + _CUE_DOC
        + """
    ## Registered ids
    ``point-following-v0``
    """
    )
    id = "point-following-v0"
    Config = PointConfig


class Naming(_CueScenario):
    __doc__ = (
        """## Description
    Word comprehension. With ``teach`` (default), the caregiver first names each toy
    ostensively (looks, points, "look, a ball!") with its habitual reliability. Then,
    with eye contact and no gesture, it asks for one of them by name (imperative flag,
    always the right word). Does the infant turn to (or take) the named toy?"""
        + _CUE_DOC
        + """
    ## Registered ids
    ``naming-v0``
    """
    )
    id = "naming-v0"
    Config = NamingConfig
    request = True


__all__ = ["GazeFollowing", "Naming", "PointFollowing"]
