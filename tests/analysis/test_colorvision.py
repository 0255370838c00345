"""Every figure's palette stays distinguishable under simulated colour-vision
deficiencies (Machado et al. 2009) by the CIEDE2000 bar MIN_DELTA_E."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import seaborn as sns
from matplotlib.colors import to_hex

from infancy.analysis import colorvision as cv
from infancy.analysis import figures


def test_ciede2000_matches_sharma_reference_pairs():
    # Sharma, Wu & Dalal (2005), Table 1, pairs 1, 7, 18 and 25
    lab1 = np.array(
        [[50, 2.6772, -79.7751], [50, 0, 0], [50, 2.5, 0], [60.2574, -34.0099, 36.2677]]
    )
    lab2 = np.array([[50, 0, -82.7485], [50, -1, 2], [73, 25, -18], [60.4626, -34.1751, 39.4387]])
    got = cv.delta_e2000(lab1, lab2)
    assert got == pytest.approx([2.0425, 2.3669, 27.1492, 1.2644], abs=1e-4)


def test_lab_of_white_and_simulation_of_red_green():
    assert cv.srgb_to_lab(np.array([[1.0, 1.0, 1.0]]))[0] == pytest.approx([100, 0, 0], abs=0.01)
    assert np.allclose(cv.simulate(["#ff0000"], "normal"), [[1, 0, 0]])
    red_green = ["#d62728", "#2ca02c"]
    normal = cv.min_distance(red_green, "normal")
    for kind in ("protanopia", "deuteranopia"):
        assert cv.min_distance(red_green, kind) < normal / 2
    with pytest.raises(ValueError, match="deficiency: expected one of"):
        cv.simulate(red_green, "achromatopsia")


@pytest.mark.parametrize("kind", cv.DEFICIENCIES)
@pytest.mark.parametrize("name", sorted(figures.palettes()))
def test_every_figure_palette_clears_the_bar(name, kind):
    colors = figures.palettes()[name]
    assert cv.min_distance(colors, kind) >= cv.MIN_DELTA_E, (name, kind)


def test_the_old_eight_colour_probe_palette_would_fail():
    old = sns.color_palette("colorblind", 8)
    worst = min(cv.min_distance(old, k) for k in cv.DEFICIENCIES)
    assert worst < cv.MIN_DELTA_E


def _probes():
    rows = []
    for k, probe in enumerate(("reaching", "a_not_b", "gaze_following")):
        for i in range(3):
            for a in np.arange(0.5, 12, 1.0):
                rows.append((a, i, probe, a > 3 + k))
    return pd.DataFrame(rows, columns=["age_months", "infant", "probe", "passed"])


def test_figures_draw_with_the_checked_palettes():
    figures.set_style("paper")
    ax = figures.plot_probe_curves(_probes(), n_boot=50)
    drawn = {to_hex(line.get_color()) for line in ax.get_lines() if line.get_marker() != "None"}
    assert drawn and drawn <= {to_hex(c) for c in figures.PROBE_PALETTE}
    panels = figures.plot_probe_panels(_probes(), n_boot=50)
    drawn = {
        to_hex(ln.get_color()) for a in panels for ln in a.get_lines() if ln.get_marker() != "None"
    }
    assert drawn and drawn <= {to_hex(c) for c in figures.PROBE_PALETTE}
    plt.close("all")
