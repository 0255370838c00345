"""The classroom app: a teacher plays the caregiver and the class watches an infant
learn, live (``infancy demo``; docs/classroom.md is the teacher's guide).

- :mod:`infancy.demo.session`: :class:`Classroom`, the model (one learning infant,
  its world, the teacher as the caregiver, the lesson record) and :func:`grow_up`;
- :mod:`infancy.demo.events`: the hand-writable file of teacher inputs (``--events``);
- :mod:`infancy.demo.story`: the story mode's scenes;
- :mod:`infancy.demo.screen` and :mod:`infancy.demo.app`: the pygame window.

Nothing heavy is imported here, so the window can say what it is loading.
"""

from __future__ import annotations

__all__ = ["DemoError", "DemoOptions", "run_demo"]


def __getattr__(name: str):
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
