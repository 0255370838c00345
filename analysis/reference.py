"""Published child-development data, shipped as package data (``analysis/data/*.csv``).

Every row carries its ``source`` and ``confidence``: **P** read in the primary source
(paper, publisher page or the norm file itself), **S** read in a secondary source
(textbook, clinic page, transcription). Items the project could not verify are not
shipped. The numbers come from ``shared/reference/child_development.md`` and are
transcribed without change; functions return tidy DataFrames.

=====================  =====================================================
``who_motor_windows``  WHO Motor Development Study windows (1st-99th pct)
``cdi_norms``          MacArthur-Bates CDI percentiles (3rd-ed norms)
``findings``           gaze following, pointing, object permanence, A-not-B,
                       word learning and trust, sleep, first words
``piaget_substages``   Piaget's sensorimotor substages
``cdc_milestones``     CDC 2022 milestones (>= 75% of children by that age)
=====================  =====================================================
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

__all__ = [
    "CDI_FORMS",
    "TOPICS",
    "cdc_milestones",
    "cdi_norms",
    "findings",
    "piaget_substages",
    "who_motor_windows",
]

DATA = Path(__file__).parent / "data"
CDI_FORMS = {"WG": ("comprehension", "production"), "WS": ("production",)}
"""CDI forms and the measures normed for each: Words & Gestures (8-18 months, 396
items), Words & Sentences (16-30 months, 680 items)."""
TOPICS = ("vocabulary", "gaze_following", "pointing", "object_permanence", "word_learning", "sleep")


@cache
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv")


def who_motor_windows(long: bool = False) -> pd.DataFrame:
    """WHO windows of achievement for six gross motor milestones (WHO MGRS 2006).

    Parameters
    ----------
    long
        Return the shipped long form (``milestone, statistic, months, source,
        confidence``; statistics ``p1``, ``p99``, ``mean``, ``sd``) instead of one row
        per milestone.

    Returns
    -------
    pandas.DataFrame
        One row per milestone in the WHO's order: ``milestone, p1_months, p99_months,
        mean_months, sd_months`` (``NaN`` where not published), ``source`` and
        ``confidence`` of the window (P), ``mean_source`` and ``mean_confidence`` (S:
        the means are attributed to the study by secondary sources).
    """
    df = _read("who_motor_windows")
    if long:
        return df.copy()
    order = list(dict.fromkeys(df["milestone"]))
    wide = df.pivot(index="milestone", columns="statistic", values="months").reindex(order)
    wide = wide.rename(columns=lambda s: f"{s}_months")[
        ["p1_months", "p99_months", "mean_months", "sd_months"]
    ]
    window = df[df["statistic"] == "p1"].set_index("milestone")
    mean = df[df["statistic"] == "mean"].set_index("milestone")
    wide["source"] = window["source"]
    wide["confidence"] = window["confidence"]
    wide["mean_source"] = mean["source"]
    wide["mean_confidence"] = mean["confidence"]
    return wide.rename_axis(columns=None).reset_index()


def cdi_norms(form: str = "WG", measure: str = "comprehension") -> pd.DataFrame:
    """MacArthur-Bates CDI vocabulary percentiles, American English (3rd-ed norms,
    Marchman et al. 2023), within the published age range only.

    Parameters
    ----------
    form
        ``"WG"`` (Words & Gestures, 8-18 months, 396 items) or ``"WS"`` (Words &
        Sentences, 16-30 months, 680 items).
    measure
        ``"comprehension"`` (WG only) or ``"production"``.

    Returns
    -------
    pandas.DataFrame
        ``form, measure, checklist_items, age_months, percentile, words, source,
        confidence`` (percentiles 10, 25, 50, 75, 90). Comparing an agent's vocabulary
        with these needs a normalisation (e.g. the share of the checklist, or of the
        agent's world vocabulary); state it in the figure.
    """
    if form not in CDI_FORMS:
        raise ValueError(f"form: expected one of {', '.join(CDI_FORMS)}, got {form!r}")
    if measure not in CDI_FORMS[form]:
        raise ValueError(
            f"measure: the {form} form norms {' and '.join(CDI_FORMS[form])}, got {measure!r}"
        )
    df = _read("cdi_norms")
    out = df[(df["form"] == form) & (df["measure"] == measure)]
    return out.reset_index(drop=True)


def findings(topic: str | None = None) -> pd.DataFrame:
    """Published findings with ages: ``topic, finding, age`` (as published),
    ``age_months_low, age_months_high`` (numeric, years converted; ``NaN`` when not an
    age), ``value, source, confidence``.

    Parameters
    ----------
    topic
        One of :data:`TOPICS` (all when ``None``).
    """
    df = _read("findings")
    if topic is None:
        return df.copy()
    if topic not in TOPICS:
        raise ValueError(f"topic: expected one of {', '.join(TOPICS)}, got {topic!r}")
    return df[df["topic"] == topic].reset_index(drop=True)


def piaget_substages() -> pd.DataFrame:
    """Piaget's six sensorimotor substages: ``substage, name, start_months,
    end_months, source, confidence`` (S: textbook boundaries vary by 1-2 months)."""
    return _read("piaget_substages").copy()


def cdc_milestones(domain: str | None = None) -> pd.DataFrame:
    """CDC milestones, 2022 revision (Zubler et al. 2022): items that at least 75% of
    children reach by ``age_months``; ``age_months, domain, item, source,
    confidence``. Not to be mixed with the pre-2022 lists."""
    df = _read("cdc_milestones")
    if domain is None:
        return df.copy()
    domains = sorted(df["domain"].unique())
    if domain not in domains:
        raise ValueError(f"domain: expected one of {', '.join(domains)}, got {domain!r}")
    return df[df["domain"] == domain].reset_index(drop=True)
