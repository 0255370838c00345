"""Numeric codes shared by the engine, the environments and the renderer.

Everything an agent sees or does is a small integer; this module names them. The
observation channels are documented in ``OBSERVATION_DOC`` below (the environments'
docstrings and ``docs/architecture.md`` show the same text).
"""

from __future__ import annotations

# --- directions (MiniGrid convention: 0 east, 1 south, 2 west, 3 north) -----------
EAST, SOUTH, WEST, NORTH = 0, 1, 2, 3
DIR_DR = (0, 1, 0, -1)  # row delta per direction
DIR_DC = (1, 0, -1, 0)  # column delta per direction

# --- terrain ------------------------------------------------------------------------
FLOOR, WALL = 0, 1

# --- affordance bits (order of rules.AFFORDANCES) -----------------------------------
GRASPABLE, ROLLS, SOUNDS, CONTAINER, OCCLUDER, NOISY = (1 << i for i in range(6))

# --- infant actions (Discrete) ------------------------------------------------------
INFANT_ACTIONS = (
    "stay",
    "turn_left",
    "turn_right",
    "forward",
    "reach",
    "release",
    "point",
    "vocalise",
)
STAY, TURN_LEFT, TURN_RIGHT, FORWARD, REACH, RELEASE, POINT, VOCALISE = range(8)

# --- caregiver action (MultiDiscrete, 7 components) ---------------------------------
CAREGIVER_ACTION_FIELDS = ("move", "gaze", "point", "word", "flag", "hand", "hand_target")
CG_MOVE, CG_GAZE, CG_POINT, CG_WORD, CG_FLAG, CG_HAND, CG_HAND_TARGET = range(7)
MOVES = ("stay", "north", "east", "south", "west")
MOVE_HEADING = (-1, NORTH, EAST, SOUTH, WEST)  # facing after a move (none for stay)
HAND_NONE, HAND_TAKE, HAND_PLACE = range(3)
FLAGS = ("none", "ostensive", "imperative")
FLAG_NONE, FLAG_OSTENSIVE, FLAG_IMPERATIVE = range(3)

# --- infant observation: view channels ----------------------------------------------
VIEW_CHANNELS = ("cell", "kind", "colour", "agent", "gaze", "point")
CH_CELL, CH_KIND, CH_COLOUR, CH_AGENT, CH_GAZE, CH_POINT = range(6)
CELL_UNSEEN, CELL_FLOOR, CELL_WALL = 0, 1, 2
# agent channel: 1 + relative heading (0 away, 1 to my right, 2 towards me, 3 to my
# left) for the caregiver; 5 + relative heading for another infant.
AGENT_CAREGIVER, AGENT_INFANT = 1, 5
# gaze / point channels, on the caregiver's cell: 0 none, 1 + s the direction of its
# head (or arm) in sector s of 16 (22.5 degrees each, 0 the way I face, 4 to my left,
# 8 towards me, 12 to my right), CUE_AT_ME when it looks (points) at me.
CUE_DIRECTIONS = 16
CUE_AT_ME = CUE_DIRECTIONS + 1

# --- infant observation: senses vector ----------------------------------------------
SENSES = (
    "eye_contact",
    "word",
    "word_flag",
    "holding",
    "posture",
    "energy",
    "sound",
    "sound_dir",
    "restrained",
    "approval",
    "turned",
    "moved",
)
(
    S_EYE_CONTACT,
    S_WORD,
    S_WORD_FLAG,
    S_HOLDING,
    S_POSTURE,
    S_ENERGY,
    S_SOUND,
    S_SOUND_DIR,
    S_RESTRAINED,
    S_APPROVAL,
    S_TURNED,
    S_MOVED,
) = range(12)

# --- caregiver observation: allocentric planes ---------------------------------------
CAREGIVER_CHANNELS = ("cell", "kind", "colour", "agent", "infant_view", "infant_point")

OBSERVATION_DOC = """\
Infant observation: a dict with two uint8 arrays.

``view`` has shape ``(6, V, V)`` (V = ``view_size`` in ``body.yaml``, 7 by default):
an egocentric window in front of the infant, who sits at the bottom row, middle column,
facing up (row 0 is farthest). Cells outside the infant's view cone (``fov_degrees``),
beyond its ``view_range``, or behind a wall or an occluder are *unseen*: every channel
is 0 there.

| channel | meaning | values |
|---|---|---|
| 0 ``cell`` | terrain | 0 unseen, 1 floor, 2 wall |
| 1 ``kind`` | toy kind on the cell, or held by an agent on it | 0 none, 1 + kind index |
| 2 ``colour`` | the toy's colour (a noisy TV shows a random one) | 0 none, 1 + colour index |
| 3 ``agent`` | caregiver / other infant, heading relative to mine | see below |
| 4 ``gaze`` | on the caregiver's cell: the direction its head turns to | see below |
| 5 ``point`` | on the caregiver's cell: the direction its arm points to | see below |

``agent`` values: 0 none; 1-4 the caregiver facing away from me, to my right, towards
me, to my left; 5-8 the same for another infant.

``gaze`` and ``point`` values (only on the caregiver's cell, when I see it): 0 none;
1-16 the direction from the caregiver to what it looks (points) at, in my own frame:
``1 + s`` for 22.5 * s degrees counter-clockwise from the way I face (1 the way I face,
5 to my left, 9 towards me, 13 to my right); 17 at me. The target itself is not marked:
following a cue means working out what lies in that direction.

``senses`` has shape ``(12,)``:

| index | name | values |
|---|---|---|
| 0 | ``eye_contact`` | 1 when the caregiver looks at me and I see its face |
| 1 | ``word`` | word heard this step: 0 none, 1 + vocabulary index |
| 2 | ``word_flag`` | 0 none, 1 ostensive ("look, a ball!"), 2 imperative ("get the ball") |
| 3 | ``holding`` | kind in my hand: 0 none, 1 + kind index |
| 4 | ``posture`` | 0 lying, 1 sitting, 2 crawling, 3 standing |
| 5 | ``energy`` | 0-255, set by the infant's own body model (255 when not provided) |
| 6 | ``sound`` | kind of the toy heard this step: 0 none, 1 + kind index |
| 7 | ``sound_dir`` | where it came from: 0 none/here, 1 ahead, 2 right, 3 behind, 4 left |
| 8 | ``restrained`` | 1 while the caregiver holds me (A-not-B delay): actions have no effect |
| 9 | ``approval`` | 1 when the caregiver approves (I just took the toy it wanted me to) |
| 10 | ``turned`` | vestibular: my turn since the step began: 0 none, 1 left, 2 right, 3 around |
| 11 | ``moved`` | where I moved, in my frame before: 0 none, 1 ahead, 2 right, 3 behind, 4 left |

``turned`` and ``moved`` are felt whoever turned or moved me (a caregiver holding me,
an experimenter): the body compared with where it was as the step began.
"""
