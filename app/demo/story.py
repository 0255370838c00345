"""The story mode: scripted scenes for a lesson, advanced with the space bar.

A scene is data (:class:`Scene`): a world with its parameters and seed, whether the
scripted caregiver plays, the caregiver's scripted events (the format of
:mod:`infancy.demo.events`) and a caption for the class. The infant is the same
throughout: what it learns in one scene it keeps in the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["STORY", "Scene"]


@dataclass(frozen=True)
class Scene:
    """One scene of the story.

    Attributes
    ----------
    title
        A short name shown on screen.
    caption
        What to look at, for the class (one or two sentences).
    world, params, seed
        The world the infant is put in.
    scripted
        Whether the world's scripted caregiver plays (else only ``events`` and the
        teacher).
    hold
        Whether the caregiver holds the baby, watching (System M's mode kept at
        ``observe`` for the scene).
    age
        Grow a baby up to this age (months) for the scene first: a new lifetime
        through the ``tiny`` curriculum, in the background with a progress bar (a few
        seconds); the baby of the scenes before is replaced. ``None``: the same baby
        goes on.
    events
        The caregiver's scripted actions, queued when the scene starts.
    """

    title: str
    caption: str
    world: str
    params: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    scripted: bool = True
    hold: bool = False
    age: float | None = None
    events: tuple[dict[str, Any], ...] = ()


def _naming(word: str, toy: str, times: int) -> tuple[dict[str, Any], ...]:
    pair = ({"point": toy, "say": word, "steps": 4}, {"eye_contact": True, "steps": 8})
    return pair * times


STORY: tuple[Scene, ...] = (
    Scene(
        "1. A newborn in the playroom",
        "The baby (pink) cannot crawl yet: it looks (yellow cells) and listens. The caregiver "
        "(teal) looks (blue dashes), points (orange arrow) and names toys. "
        "Ask: what can the baby see right now?",
        "playroom-v0",
        {"abilities": "newborn"},
        seed=1,
    ),
    Scene(
        "2. Peekaboo",
        "A toy is shown, then hidden behind the grey screen. Does the baby expect it to still "
        "be there? Watch 'surprise' on the right when it comes back (or does not).",
        "peekaboo-v0",
        seed=2,
    ),
    Scene(
        "3. A word taught with pointing",
        "The caregiver holds the baby, points at the red ball and says 'ball', five times. "
        "At the next learning step the word list shows 'ball -> ball' growing. "
        "Ask: how does the baby know which toy 'ball' means?",
        "playroom-v0",
        seed=6,
        scripted=False,
        hold=True,
        events=_naming("ball", "ball", 5),
    ),
    Scene(
        "4. The same word from an unreliable caregiver",
        "Now the caregiver points at the ball but says 'duck' or 'ball' at random. Watch "
        "'trust' fall and the word strengths get muddled. "
        "Ask: would you believe someone who calls a ball a duck?",
        "playroom-v0",
        {"caregiver": {"reliability": 0.3, "name_prob": 0.6}},
        seed=6,
        scripted=True,
        hold=True,
        events=(
            {"point": "ball", "say": "duck", "steps": 4},
            {"point": "ball", "say": "ball", "steps": 4},
            {"point": "ball", "say": "duck", "steps": 4},
            {"point": "ball", "say": "doll", "steps": 4},
        ),
    ),
    Scene(
        "5. A-not-B at 8 months",
        "A baby grown up to 8 months (a progress bar while it grows). A toy is hidden at A "
        "three times, then at B while the baby watches. Most 8-month-olds then search at "
        "A, where it was. Where does ours search?",
        "a-not-b-v0",
        seed=3,
        age=8.0,
    ),
    Scene(
        "6. A-not-B at 12 months",
        "The same game with a baby grown up to 12 months. By 12 months most babies search "
        "at B, where they saw it go. Does ours? Ask: what changed between 8 and 12 months?",
        "a-not-b-v0",
        seed=3,
        age=12.0,
    ),
    Scene(
        "7. The noisy TV",
        "The TV shows random colours and sounds: it never stops being surprising, yet there "
        "is nothing to learn. Watch 'surprise' and 'progress': does the baby get stuck "
        "staring, or move on? Ask: why is the TV not worth watching?",
        "noisy-tv-v0",
        {"abilities": "crawler"},
        seed=4,
    ),
)
"""The lesson's scenes, in order (docs/classroom.md is the lesson plan around them)."""
