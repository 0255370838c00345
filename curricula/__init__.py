"""infancy.curricula: development over time.

- the age clock and developmental stages as YAML overlays (here: ``load_curriculum``);
- the probe records (``infancy.curricula.probe_records``: ``PROBES``, torch-free) and
  the probe battery that runs them (``infancy.curricula.probes``);
- lifetimes in memory (``infancy.curricula.lifetime.live``, ``Lifecycle``);
- the world loop: roles (infants, a scripted or human caregiver) and the driver that
  steps a world with them (``infancy.curricula.driver``);
- a lifetime as a unit of work (``infancy.curricula.work``: ``LifetimeSpec``,
  ``run_lifetime``) and the executors that run many (``infancy.curricula.executors``:
  serial, process pool, Ray);
- the resumable runner and the run store (``infancy.curricula.runner``: ``plan``,
  ``start``, ``execute``, ``resume``; ``infancy.store``: ``RunStore``,
  ``list_runs``, ``catalogue``).

Every name here is imported on first use (PEP 562), so importing a light submodule
(``infancy.curricula.probe_records``) does not load the simulator or torch. See
docs/architecture.md.
"""

from __future__ import annotations

import importlib

if __name__ != "infancy.curricula":
    raise ImportError(
        "import infancy.curricula, not curricula (install the package: pip install -e .)"
    )

_LAZY = {
    "PROBE_NAMES": ".stages",
    "Clock": ".stages",
    "Curriculum": ".stages",
    "CurriculumError": ".stages",
    "Stage": ".stages",
    "apply_stage": ".stages",
    "load_curriculum": ".stages",
    "merge": ".stages",
    "Driver": ".driver",
    "HumanCaregiver": ".driver",
    "ScriptedCaregiver": ".driver",
    "LifetimeSpec": ".work",
    "LifetimeResult": ".work",
    "run_lifetime": ".work",
    "executor": ".executors",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
