"""How a palette looks to readers with a colour-vision deficiency.

The check behind every figure's palette: simulate dichromacy (Machado, Oliveira &
Fernandes 2009, severity 1.0: protanopia, deuteranopia, tritanopia), convert to CIELAB
(D65) and take the smallest CIEDE2000 difference between any two colours of the
palette. :data:`MIN_DELTA_E` is the bar a figure's palette must clear under every
simulation (and in normal vision).

Machado, G. M., Oliveira, M. M., & Fernandes, L. A. F. (2009). A physiologically-based
model for simulation of color vision deficiency. IEEE TVCG 15(6), 1291-1298.
Sharma, G., Wu, W., & Dalal, E. N. (2005). The CIEDE2000 color-difference formula.
Color Research & Application 30(1), 21-30.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

import numpy as np
from matplotlib.colors import to_rgb

__all__ = [
    "DEFICIENCIES",
    "MIN_DELTA_E",
    "delta_e2000",
    "min_distance",
    "palette_report",
    "simulate",
    "srgb_to_lab",
]

MIN_DELTA_E = 12.0
"""Smallest CIEDE2000 difference allowed between two colours of one figure's palette,
in normal vision and under each simulated dichromacy. About 2 is a just-noticeable
difference between patches side by side; lines and small markers apart on a figure need
several times that, and 10-15 is the usual range asked of categorical palettes."""

_MACHADO = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}
DEFICIENCIES = ("normal", *_MACHADO)
"""Normal vision and the simulated dichromacies, in the order of a report."""


def _rgb(colors: Iterable) -> np.ndarray:
    return np.array([to_rgb(c) for c in colors], dtype=float).reshape(-1, 3)


def _to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _to_srgb(c: np.ndarray) -> np.ndarray:
    c = np.clip(c, 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def simulate(colors: Iterable, deficiency: str) -> np.ndarray:
    """The colours (any matplotlib colour spec) as a dichromat sees them, as sRGB in
    0-1 (``n x 3``). ``deficiency``: one of :data:`DEFICIENCIES`."""
    rgb = _rgb(colors)
    if deficiency == "normal":
        return rgb
    if deficiency not in _MACHADO:
        raise ValueError(
            f"deficiency: expected one of {', '.join(DEFICIENCIES)}, got {deficiency!r}"
        )
    return _to_srgb(_to_linear(rgb) @ _MACHADO[deficiency].T)


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (0-1, ``n x 3``) to CIELAB under D65."""
    lin = _to_linear(np.asarray(rgb, dtype=float))
    m = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.stack(
        [116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1
    )


def delta_e2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference between rows of two CIELAB arrays (Sharma et al.
    2005, with kL = kC = kH = 1)."""
    lab1, lab2 = np.atleast_2d(lab1).astype(float), np.atleast_2d(lab2).astype(float)
    l1, a1, b1 = lab1.T
    l2, a2, b2 = lab2.T
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dlp, dcp = l2 - l1, c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    dhp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) / 2)
    lbp, cbp = (l1 + l2) / 2, (c1p + c2p) / 2
    hsum = h1p + h2p
    hbp = np.where(
        np.abs(h1p - h2p) <= 180, hsum / 2, np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2)
    )
    hbp = np.where(c1p * c2p == 0, hsum, hbp)
    t = (
        1
        - 0.17 * np.cos(np.radians(hbp - 30))
        + 0.24 * np.cos(np.radians(2 * hbp))
        + 0.32 * np.cos(np.radians(3 * hbp + 6))
        - 0.20 * np.cos(np.radians(4 * hbp - 63))
    )
    sl = 1 + 0.015 * (lbp - 50) ** 2 / np.sqrt(20 + (lbp - 50) ** 2)
    sc = 1 + 0.045 * cbp
    sh = 1 + 0.015 * cbp * t
    d_theta = 30 * np.exp(-(((hbp - 275) / 25) ** 2))
    rc = 2 * np.sqrt(cbp**7 / (cbp**7 + 25.0**7))
    rt = -np.sin(np.radians(2 * d_theta)) * rc
    return np.sqrt(
        (dlp / sl) ** 2 + (dcp / sc) ** 2 + (dhp / sh) ** 2 + rt * (dcp / sc) * (dhp / sh)
    )


def min_distance(colors: Iterable, deficiency: str = "normal") -> float:
    """The smallest CIEDE2000 difference between two of ``colors`` as seen with
    ``deficiency`` (``inf`` for fewer than two colours)."""
    lab = srgb_to_lab(simulate(colors, deficiency))
    pairs = list(combinations(range(len(lab)), 2))
    if not pairs:
        return float("inf")
    i, j = np.array(pairs).T
    return float(delta_e2000(lab[i], lab[j]).min())


def palette_report(palettes: dict[str, Iterable]) -> dict[str, dict[str, float]]:
    """``{palette: {deficiency: smallest difference}}`` for named palettes."""
    return {
        name: {d: round(min_distance(list(colors), d), 1) for d in DEFICIENCIES}
        for name, colors in palettes.items()
    }
