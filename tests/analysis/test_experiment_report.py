"""The experiment page, from a constructed experiment directory with a planted effect."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from infancy.analysis.experiment_report import write_experiment_report
from infancy.curricula.experiments import ExperimentSpec, summarise

SPEC = {
    "name": "planted",
    "question": "Does the planted condition raise the score?",
    "source": "a constructed example",
    "size": "tiny",
    "seeds": 6,
    "control": "control",
    "conditions": {"control": {}, "planted": {"curriculum": {"caregiver": {"point_prob": 0.5}}}},
    "measures": [
        {"name": "score", "kind": "probe_score", "probe": "reaching", "label": "reaching score"},
        {"name": "flat", "kind": "words_known", "label": "words shown by looking"},
        # no infant ever passed A-not-B: the measure has no value in any condition
        {
            "name": "slope",
            "kind": "probe_slope",
            "probe": "a_not_b",
            "from_months": 7.5,
            "at_months": 12,
            "label": "growth of the delay tolerated",
        },
    ],
}


@pytest.fixture
def experiment(tmp_path):
    rng = np.random.default_rng(1)
    rows = []
    for cond, shift in (("control", 0.0), ("planted", 1.0)):
        for seed in range(6):
            for infant in range(4):
                rows.append((cond, seed, infant, "score", shift + rng.normal(0, 0.5)))
                rows.append((cond, seed, infant, "flat", 0.0))
    measures = pd.DataFrame(rows, columns=["condition", "seed", "infant", "measure", "value"])
    spec = ExperimentSpec.model_validate(SPEC)
    folder = tmp_path / "planted"
    folder.mkdir()
    (folder / "experiment.yaml").write_text(yaml.safe_dump(spec.model_dump(mode="json")))
    (folder / "experiment.json").write_text(
        json.dumps({"status": "finished", "lifetimes": 12, "executor": "serial"})
    )
    measures.to_parquet(folder / "measures.parquet")
    summarise(spec, measures, n_boot=400, n_perm=400).to_parquet(folder / "summary.parquet")
    return folder


def test_the_page_states_the_question_the_effects_and_verdicts_in_numbers(experiment):
    index = write_experiment_report(experiment)
    page = index.read_text()
    assert "Does the planted condition raise the score?" in page
    summary = pd.read_parquet(experiment / "summary.parquet")
    planted = summary.set_index("measure").loc["score"]
    assert planted["diff_low"] > 0  # the planted effect is found
    assert f"{planted['difference']:.3g}" in page
    assert "reaching score: planted minus control" in page  # the verdict, by its label
    assert "not computable" in page  # g of the flat measure, said in words
    # the measure no infant has: its row says so and why, in words
    assert "growth of the delay tolerated: planted minus control is not computable" in page
    assert "a slope needs two batteries from the infant&#39;s first pass of a_not_b" in page or (
        "a slope needs two batteries from the infant's first pass of a_not_b" in page
    )
    # Diamond's line is set against the slope, and where no infant has one the page says so
    assert "Against the children" in page and "~2 s/month" in page and "Diamond 1985" in page
    assert "control: not computable: no infant has a slope" in page
    assert not re.search(r"\bnan\b", page, re.IGNORECASE)
    for stem in ("effects", "conditions"):
        for ext in ("pdf", "svg", "png", "csv"):
            assert (experiment / "report" / "figures" / f"{stem}.{ext}").stat().st_size > 0
    # Wide tables scroll inside their own box; the page keeps its 1100-px column.
    assert page.count('<div class="scroll"><table') == 2 and "max-width: 1100px" in page
    caption = page[page.index('<figure id="effects">') :].split("</figcaption>")[0]
    assert "crosses at 0: not computable (a condition has no value) for growth of" in caption
    assert "hollow marks at 0: g not computable (every seed scored the same) for words" in caption


def test_a_slope_is_set_against_the_childrens_rate_at_the_step_length_where_they_meet():
    from infancy.analysis.experiment_report import against_children

    spec = ExperimentSpec.model_validate(SPEC).model_dump(mode="json")
    rows = [("control", s, i, "slope", 4.0) for s in range(6) for i in range(3)]
    rows += [("planted", s, i, "slope", -1.0 + 0.5 * (s % 2)) for s in range(6) for i in range(3)]
    rows += [("planted", s, 0, "score", 1.0) for s in range(6)]  # not a slope: not set against
    measures = pd.DataFrame(rows, columns=["condition", "seed", "infant", "measure", "value"])
    out = against_children(spec, measures).set_index("condition")
    assert list(out.index) == ["control", "planted"] and set(out["measure"]) == {"slope"}
    assert out.loc["control", "mean"] == pytest.approx(4.0)
    assert out.loc["control", "ci_low"] == pytest.approx(4.0)
    # Diamond's ~2 s/month against 4 steps/month: the lines meet at a step of 0.5 s
    assert out.loc["control", "step_seconds_implied"] == pytest.approx(0.5)
    assert (
        "on the children's ~2 s/month if a world step lasts 0.500 s"
        in out.loc["control", "sentence"]
    )
    assert out.loc["planted", "mean"] == pytest.approx(-0.75)
    assert out.loc["planted", "ci_low"] < -0.75 < out.loc["planted", "ci_high"]
    assert np.isnan(out.loc["planted", "step_seconds_implied"])
    assert "did not grow, so no step length" in out.loc["planted", "sentence"]
    assert (out["source"].str.startswith("Diamond 1985")).all()
    # an experiment without a slope measure of a probe with a published rate: no rows
    plain = {**spec, "measures": spec["measures"][:2]}
    assert against_children(plain, measures).empty


def test_an_unfinished_experiment_says_how_to_finish_it(experiment):
    (experiment / "summary.parquet").unlink()
    with pytest.raises(ValueError, match="infancy experiment run --resume"):
        write_experiment_report(experiment)
    with pytest.raises(ValueError, match="not an experiment directory"):
        write_experiment_report(experiment / "nowhere")


@pytest.mark.parametrize("context", ["talk", "poster"])
def test_experiment_figures_grow_with_the_style_and_say_what_marks_are(experiment, context):
    import matplotlib.pyplot as plt

    from infancy.analysis import figures
    from infancy.analysis.experiment_report import plot_conditions, plot_effects

    summary = pd.read_parquet(experiment / "summary.parquet")
    measures = pd.read_parquet(experiment / "measures.parquet")
    figures.set_style("paper")
    small = plot_effects(summary).figure.get_size_inches()
    small_c = plot_conditions(measures, {"score": "reaching score"}).get_size_inches()
    figures.set_style(context)
    ax = plot_effects(summary)
    fig = plot_conditions(measures, {"score": "reaching score"})
    try:
        assert (ax.figure.get_size_inches() > 1.5 * small).all()
        assert (fig.get_size_inches() > 1.5 * small_c).all()
        notes = " ".join(t.get_text() for t in ax.texts)
        assert "95% hierarchical bootstrap CI" in notes and "hollow marks" in notes
        assert "crosses at 0: not computable (a condition has no value)" in notes
        assert "95% bootstrap CI over seeds" in fig.get_supxlabel()
        for a in fig.axes:  # y tick labels of one panel never run into the next panel
            fig.canvas.draw()
            r = fig.canvas.get_renderer()
            assert a.get_tightbbox(r).x1 <= fig.bbox.x1 + 1
    finally:
        figures.set_style("paper")
        plt.close("all")
