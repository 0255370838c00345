"""Progress bars for notebooks and scripts (tqdm: a widget in Jupyter when ipywidgets is
installed, a text bar otherwise).

Each is a context manager that yields the ``progress`` callback the library's long
calls take::

    with lifetime_bar(the_plan) as progress:
        execute(store, the_plan, progress=progress)

    with lifetimes_bar() as progress:
        run_experiment(spec, folder, progress=progress)
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["lifetime_bar", "lifetimes_bar"]


def _tqdm():
    """tqdm's notebook bar where it can draw (Jupyter and ipywidgets), else the text
    bar (which Jupyter also shows, without tqdm.auto's warning when ipywidgets is
    missing)."""
    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:
        from tqdm.std import tqdm
    return tqdm


@contextmanager
def lifetime_bar(the_plan: Any, *, desc: str = "lifetime") -> Iterator[Callable[[Any], None]]:
    """A bar over one lifetime's world steps, with the age reached and the stages.

    Parameters
    ----------
    the_plan
        The run's plan (:func:`infancy.curricula.runner.plan`); its clock gives the
        lifetime's steps.
    desc
        The bar's label.

    Yields
    ------
    callable
        ``progress(life)``, the callback of :func:`infancy.curricula.runner.execute`
        and :meth:`infancy.curricula.lifetime.Lifecycle.run`.
    """
    clock = the_plan.curriculum.clock
    bar = _tqdm()(total=clock.lifetime_steps, desc=desc, unit="step", unit_scale=True)

    def progress(life: Any) -> None:
        bar.update(max(0, life.step - bar.n))
        bar.set_postfix_str(f"age {life.age_months:.1f} of {clock.end_months:g} months")

    try:
        yield progress
    finally:
        bar.close()


@contextmanager
def lifetimes_bar(*, desc: str = "lifetimes") -> Iterator[Callable[[int, int, int], None]]:
    """A bar over the lifetimes of an experiment (or any batch that reports
    ``(done, total, failed)``).

    Parameters
    ----------
    desc
        The bar's label.

    Yields
    ------
    callable
        ``progress(done, total, failed)``, the callback of
        :func:`infancy.curricula.experiments.run_experiment`.
    """
    bar = _tqdm()(total=None, desc=desc, unit="lifetime")

    def progress(done: int, total: int, failed: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.update(max(0, done - bar.n))
        bar.set_postfix_str(f"{failed} failed")

    try:
        yield progress
    finally:
        bar.close()
