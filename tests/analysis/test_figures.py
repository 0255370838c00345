"""Figures render on constructed data, without warnings, and cite their child data."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from infancy.analysis import compare, figures


@pytest.fixture(autouse=True)
def _no_warnings_and_close():
    figures.set_style("paper")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    plt.close("all")


def _probes(n=4, ages=np.arange(0.5, 24.5, 0.5)):
    rng = np.random.default_rng(0)
    rows = []
    for probe, at in (("reaching", 6.0), ("a_not_b", 9.0), ("gaze_following", 12.0)):
        for i in range(n):
            for a in ages:
                passed = bool(a >= at + rng.normal(0, 1))
                rows.append(
                    {
                        "age_months": a,
                        "infant": i,
                        "probe": probe,
                        "passed": passed,
                        "score": 2.0 * (a - at) if passed else -1.0,
                    }
                )
    return pd.DataFrame(rows)


def _timeline(n=2):
    rows = []
    for i in range(n):
        for step in range(0, 2400, 10):
            age = step / 100
            for m in figures.META_MEASURES:
                rows.append((age, i, m, np.sin(age + i) + 1))
            for k, mode in enumerate(figures.MODES):
                rows.append((age, i, f"share_{mode}", [0.4, 0.3, 0.2, 0.1][k]))
    return pd.DataFrame(rows, columns=["age_months", "infant", "measure", "value"])


def _cited(ax) -> str:
    return " ".join(t.get_text() for t in ax.texts if t.get_text().startswith("Child data"))


def test_milestone_windows_draws_every_shared_milestone_and_cites(tmp_path):
    ages = compare.first_stable_pass(_probes())
    _fig, ax = plt.subplots()
    assert figures.plot_milestone_windows(ages, ax=ax) is ax
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Reaching", "A-not-B (delay tolerated)", "Gaze following"]  # child order
    assert "Diamond 1985" in _cited(ax) and "Zubler" in _cited(ax)
    written = figures.save_figure(ax, tmp_path / "milestones")
    assert sorted(p.suffix for p in written) == [".csv", ".pdf", ".png", ".svg"]
    assert all(p.stat().st_size > 0 for p in written)
    data = pd.read_csv(tmp_path / "milestones.csv")
    assert set(data["milestone"]) == {"reaching", "a_not_b", "gaze_following"}


def test_vocabulary_growth_states_the_normalisation():
    vocab = pd.DataFrame(
        {"infant": [0, 0, 1, 1], "age_months": [10.0, 14, 10, 14], "words": [0, 3, 1, 2]}
    )
    ax = figures.plot_vocabulary_growth(vocab, world_words=7)
    assert "Marchman" in _cited(ax) and "7 world words x 396 items" in _cited(ax)
    right = [c for c in ax.child_axes if hasattr(c, "get_ylabel")]
    assert any("1 agent word = 57 CDI words" in c.get_ylabel() for c in right)
    both = figures.plot_vocabulary_growth(vocab, world_words=7, associated=vocab.assign(words=5))
    legend = [t.get_text() for t in both.get_legend().get_texts()]
    assert "words the infant shows by looking (probe)" in legend
    assert "words System A associates (lexicon)" in legend
    agent = ax._infancy_data.query("series == 'agent'")
    assert agent["words_cdi"].max() == pytest.approx(3 / 7 * 396)
    with pytest.raises(ValueError, match="vocabulary: expected columns"):
        figures.plot_vocabulary_growth(vocab.drop(columns="words"), world_words=7)


def test_meta_timeline_is_small_multiples_in_units_with_the_mode_shares():
    axes = figures.plot_meta_timeline(_timeline(), bins=12)
    assert len(axes) == len(figures.SIGNAL_GROUPS) + 1
    assert len({a.get_shared_x_axes().get_siblings(a)[0] for a in axes}) >= 1
    assert all(a.get_ylabel() for a in axes)  # a unit on every axis
    assert axes[-1].get_xlabel().startswith("age (months")
    titles = [a.get_title(loc="left") for a in axes]
    assert titles[:3] == list(figures.SIGNAL_GROUPS)
    legend = [t.get_text() for t in axes[1].get_legend().get_texts()]
    assert legend == ["energy (0 exhausted, 1 rested)", "stress (share frustrated)"]
    data = axes[-1]._infancy_data
    sleep = data[data["measure"] == "share_sleep"]["value"]
    assert len(sleep) == 12 and np.allclose(sleep, 0.1)
    assert "Iglowstein" in _cited(axes[-1])
    one = figures.plot_meta_timeline(_timeline(), infant=1, bins=12)
    assert "infant 1" in one[0].figure.get_suptitle()


@pytest.mark.parametrize("context", figures.CONTEXTS)
def test_caption_sits_below_the_x_label_in_every_context(context):
    figures.set_style(context)
    ax = figures.plot_probe_curves(_probes(), n_boot=50)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    label = ax.xaxis.label.get_window_extent(renderer)
    caption = next(t for t in ax.texts if t.get_text().startswith("Child data"))
    assert caption.get_window_extent(renderer).y1 <= label.y0  # display y grows upwards


def test_probe_curves_and_ablation_share_a_figure(tmp_path):
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    figures.plot_probe_curves(_probes(), ax=a)
    table = pd.DataFrame(
        {
            "condition": np.repeat(["rule", "recipe"], 5),
            "value": np.r_[np.full(5, 0.8), np.full(5, 0.4)],
        }
    )
    figures.plot_ablation(table, ax=b)
    assert "none" in _cited(b)
    share = a._infancy_data.set_index(["probe", "age_months"])["share_passing"]
    assert share.loc[("reaching", 23.0)] == 1.0 and share.loc[("gaze_following", 1.0)] == 0.0
    legend = [t.get_text() for t in a.get_legend().get_texts()]
    assert legend == [
        "Reaching",
        "A-not-B (delay tolerated)",
        "Gaze following",
        "child age (same colour)",
    ]
    assert a.get_xlim()[1] == pytest.approx(24.0)  # the last battery, not a child age
    assert "95% bootstrap CI over infants" in _cited(a)
    bands = a._infancy_data.dropna(subset=["ci_low"])
    assert (bands["ci_low"] <= bands["share_passing"]).all()
    assert (bands["share_passing"] <= bands["ci_high"]).all()
    gaze = compare.child_milestones(["gaze_following"])["age_months"].iloc[0]
    short = figures.plot_probe_curves(_probes(), end_months=gaze - 1)
    assert short.get_xlim() == (0.0, gaze - 1)
    assert f"Child ages after {gaze - 1:g} months: Gaze following {gaze:g}" in _cited(short)
    figures.save_figure(fig, tmp_path / "panels.png", formats=("png",))
    both = pd.read_csv(tmp_path / "panels.csv")
    assert set(both["panel"]) == {0, 1}
    assert not (tmp_path / "panels.pdf").exists()


@pytest.mark.parametrize("context", figures.CONTEXTS)
def test_probe_panels_draw_each_probe_apart_with_the_same_numbers(context, tmp_path):
    figures.set_style(context)
    panels = figures.plot_probe_panels(_probes(), n_boot=50, cols=2)
    one = figures.plot_probe_curves(_probes(), n_boot=50)
    assert len(panels) == 3 and len(panels[0].figure.axes) == 3  # the 4th cell removed
    titles = [a.get_title(loc="left").replace("\n", " ") for a in panels]
    assert titles == ["Reaching", "A-not-B (delay tolerated)", "Gaze following"]
    carrier = [a for a in panels if getattr(a, "_infancy_data", None) is not None]
    assert len(carrier) == 1  # one panel carries the data, the sources and the caption
    pd.testing.assert_frame_equal(carrier[0]._infancy_data, one._infancy_data)
    assert "95% bootstrap CI over infants" in _cited(carrier[0])
    for a, probe in zip(panels, ("reaching", "a_not_b", "gaze_following"), strict=True):
        child = compare.child_milestones([probe])["age_months"].iloc[0]
        dashed = [ln for ln in a.get_lines() if ln.get_linestyle() == "--"]
        assert [ln.get_xdata()[0] for ln in dashed] == [child]  # its own child age only
    # A panel's title does not run into the tick labels of the panel above it.
    fig = panels[0].figure
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    top, below = panels[0], panels[2]
    assert below.title.get_window_extent(r).y1 <= top.get_tightbbox(r).y0
    files = figures.save_figure(panels, tmp_path / "panels", formats=("png",))
    assert {f.suffix for f in files} == {".png", ".csv"}
    plt.close("all")
    none = figures.plot_probe_panels(_probes().assign(passed=False), n_boot=20)
    assert all(any(t.get_text() == "no infant passed" for t in a.texts) for a in none)
    plt.close("all")


def test_bad_style_and_format_are_named():
    with pytest.raises(ValueError, match="context: expected one of paper, talk, poster"):
        figures.set_style("slides")
    ax = figures.plot_ablation(pd.DataFrame({"condition": ["a"], "value": [1.0]}))
    with pytest.raises(ValueError, match="formats"):
        figures.save_figure(ax, "x", formats=("jpg",))


def test_probe_curves_say_in_words_when_no_infant_passed():
    none = _probes().assign(passed=False)
    ax = figures.plot_probe_curves(none, n_boot=20)
    assert any("No infant passed any of these probes" in t.get_text() for t in ax.texts)
    some = figures.plot_probe_curves(_probes(), n_boot=20)
    assert not any("No infant passed" in t.get_text() for t in some.texts)


def test_ablation_caption_names_what_a_dot_is():
    table = pd.DataFrame({"condition": np.repeat(["a", "b"], 4), "value": np.arange(8.0)})
    ax = figures.plot_ablation(table, unit="infant")
    assert "Dots: each infant" in _cited(ax) and "CI over infants" in _cited(ax)
    assert "each run" not in _cited(ax)


def test_vocabulary_legend_stands_outside_the_data():
    vocab = pd.DataFrame({"infant": [0, 0], "age_months": [1.0, 24.0], "words": [0, 3]})
    ax = figures.plot_vocabulary_growth(vocab, world_words=7, associated=vocab)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.x0 >= ax.get_window_extent(renderer).x1  # beside the axes, not on the lines
