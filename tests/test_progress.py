"""Progress bars for notebooks: they follow the callbacks the long calls make."""

from __future__ import annotations

from types import SimpleNamespace

from infancy.curricula.runner import plan
from infancy.progress import lifetime_bar, lifetimes_bar


def test_lifetime_bar_follows_the_steps_and_shows_the_age(capsys):
    the_plan = plan(n=2, seed=0, preset="tiny")
    total = the_plan.curriculum.clock.lifetime_steps
    with lifetime_bar(the_plan) as progress:
        progress(SimpleNamespace(step=total // 2, age_months=12.0))
        progress(SimpleNamespace(step=total, age_months=24.0))
    err = capsys.readouterr().err
    assert "100%" in err and "age 24.0 of 24 months" in err


def test_lifetimes_bar_counts_done_and_failed(capsys):
    with lifetimes_bar() as progress:
        progress(1, 4, 0)
        progress(4, 4, 1)
    err = capsys.readouterr().err
    assert "4/4" in err and "1 failed" in err
