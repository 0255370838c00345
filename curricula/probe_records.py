"""The probe records: one :class:`Probe` per probe, read by every layer.

A record says what a probe is (construct, paradigm, measure, chance, pass rule, the
cheapest shortcut), how it is shown (plain and short labels), what it needs (body
abilities, the world it runs in), where its child age is read from
(:class:`ChildCounterpart`: a row of the shipped reference tables, with its source) and
which function runs it. The battery (:mod:`infancy.curricula.probes`), the stages, the
analysis (:mod:`infancy.analysis.compare`, ``report``, ``figures``) and the CLI all read
:data:`PROBES`; none keeps a list of probes of its own.

This module imports neither torch nor numba (nor the simulator), so the analysis can
read the records without them: the run function is named by an import path and
imported on first use (:attr:`Probe.run`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = ["PROBES", "PROBE_ROOM", "ChildCounterpart", "Probe", "label"]

PROBE_ROOM = "probe-room"
"""The id of the held-out room every probe runs in
(:class:`infancy.curricula.probes.ProbeRoom`)."""

_RUNS = "infancy.curricula.probes"


@dataclass(frozen=True)
class ChildCounterpart:
    """Where a probe's child age is read from: one row of the shipped reference data
    (:mod:`infancy.analysis.reference`). The age itself is read at call time
    (:func:`infancy.analysis.compare.child_milestones`), never re-typed here.

    Attributes
    ----------
    table
        ``findings`` (:func:`~infancy.analysis.reference.findings`, row by
        ``finding``), ``cdc`` (:func:`~infancy.analysis.reference.cdc_milestones`, row by
        ``item``) or ``who`` (:func:`~infancy.analysis.reference.who_motor_windows`, row
        by ``milestone``).
    key
        The row's key in that table (the first row with it: A-not-B has one row per
        age Diamond tested).
    which
        The age used: ``low`` or ``high`` (a finding's age range), ``age`` (CDC),
        ``mean`` (WHO; its 1st to 99th percentile is the window); ``value`` for a
        :attr:`Probe.growth` (the finding's value, a rate).
    source
        The citation (the start of the row's ``source``; the tests check they agree).
    why
        Why this row stands for the probe, where it is not plain.
    """

    table: Literal["findings", "cdc", "who"]
    key: str
    which: str
    source: str
    why: str = ""


@dataclass(frozen=True)
class Probe:
    """One probe: everything every layer needs to know about it.

    Attributes
    ----------
    name
        Its key in tables and configs.
    label, short
        Plain-English label (figures, report, docs) and a short one (the CLI's table).
    construct
        The ability it names.
    paradigm
        The child paradigm it follows, with its source.
    measure
        What is scored, and the score's unit.
    chance
        The score of a policy that ignores the construct (by design, or measured with
        the random policy; see the tests).
    pass_rule
        When a battery counts it as passed.
    shortcut
        The cheapest strategy that could fake it, and why it fails here.
    needs
        The body abilities without which it cannot be passed (``reach``,
        ``locomotion``), or none.
    child
        Its child counterpart in the reference data.
    growth
        How fast the children's score grows with age, where the literature gives a rate
        (a ``findings`` row whose ``value`` is the rate, ``which="value"``): the child
        line of a ``probe_slope`` measure; ``None`` where there is none.
    runner
        Import path ``"package.module:function"`` of the function that runs it (see
        :attr:`run`).
    world
        The world it runs in (:data:`PROBE_ROOM`).
    """

    name: str
    label: str
    short: str
    construct: str
    paradigm: str
    measure: str
    chance: float
    pass_rule: str
    shortcut: str
    needs: tuple[str, ...]
    child: ChildCounterpart
    runner: str
    world: str = PROBE_ROOM
    growth: ChildCounterpart | None = None

    @property
    def run(self) -> Callable:
        """``run(policy, bodies, *, trials, seed) -> DataFrame`` (one row per infant:
        ``infant, probe, score, passed, trials, chance``, sometimes ``detail``),
        imported from :attr:`runner` on use (it needs the simulator)."""
        module, _, attr = self.runner.partition(":")
        return getattr(importlib.import_module(module), attr)


PROBES: dict[str, Probe] = {
    p.name: p
    for p in (
        Probe(
            name="object_permanence",
            label="Object permanence (search)",
            short="OP",
            construct="the toy still exists, and is where it went, when it cannot be seen",
            paradigm="Manual search for a fully hidden object (Piaget 1954, stage IV;"
            " Diamond 1985's A trials): the toy is shown on one of three places beside the"
            " infant and covered by a box there while boxes cover the other two; a third of"
            " trials are controls in which the toy is shown and put away, not hidden.",
            measure="share of hide trials whose first search (reach into a box) is at the"
            " toy's box",
            chance=1 / 3,
            pass_rule="score >= 0.75, above chance (binomial, 1/3, ALPHA), and searching on"
            " at least 50 points more of hide trials than of control trials",
            shortcut="a fixed route or a favourite box finds the toy on 1/3 of trials;"
            " searching every time fails the control trials; the display at search time is"
            " the same wherever the toy is, so only memory of the hiding passes",
            needs=("reach",),
            child=ChildCounterpart(
                "findings",
                "Search for hidden objects begins (Piaget, as summarised)",
                "low",
                "Baillargeon 1987",
            ),
            runner=f"{_RUNS}:object_permanence",
        ),
        Probe(
            name="a_not_b",
            label="A-not-B (delay tolerated)",
            short="AnB",
            construct="searching where the toy was last hidden, against the pull of past"
            " searches, over a delay",
            paradigm="Diamond's (1985) A-not-B with delays: two boxes left and right; two"
            " or three hidings at A (side drawn), then one or two at B; the infant held at"
            " the midline for the delay.",
            measure="the longest delay (steps) at which B trials are found at B (and"
            " repeated A trials at A) in at least 75% of trials, at every shorter delay"
            " too; -1 none; the perseverative error rate in ``errors``: the share of the"
            " B trials searched on whose first search was at A (none searched: no rate)",
            chance=0.5,
            pass_rule="score >= 0 (the shortest delay passed: B trials >= 75% and above"
            " chance 0.5 by a binomial test at ALPHA, repeated A trials >= 75%)",
            shortcut="a perseverator scores 0% on B trials; a side bias or an alternator"
            " 50%; a win-shift rule fails the repeated A trials; the number of A trials is"
            " drawn, so counting trials does not help",
            needs=("reach",),
            child=ChildCounterpart(
                "findings",
                "A-not-B: delay that produces the error",
                "low",
                "Diamond 1985",
                why="the probe passes when the infant finds the toy at B with no delay,"
                " which Diamond (1985) reports from 7.5 months",
            ),
            runner=f"{_RUNS}:a_not_b",
            growth=ChildCounterpart(
                "findings",
                "A-not-B: delay tolerated grows about 2 s per month",
                "value",
                "Diamond 1985",
                why="the delay at which infants still find the toy at B grows about 2 s"
                " per month from 7.5 to 12 months",
            ),
        ),
        Probe(
            name="violation_of_expectation",
            label="Violation of expectation (looking time)",
            short="VoE",
            construct="expecting a hidden toy to keep its identity",
            paradigm="Looking time after a possible and an impossible event (Baillargeon"
            " 1987; identity violations, Wilcox & Baillargeon 1998): two toys go into two"
            " boxes, one box opens and a toy comes out - the one that went in (possible) or"
            " the one that went into the other box (impossible). The final display is the"
            " same in both events; order of events and of the hidings counterbalanced.",
            measure="share of pairs with longer looking (steps before the infant first"
            " turns away) at the impossible event, ties counted half",
            chance=0.5,
            pass_rule="score >= 0.75 and more wins than losses by a sign test at ALPHA",
            shortcut="a novelty detector sees both toys in both events; 'the revealed toy"
            " differs from the last one that disappeared' is right in half the pairs (the"
            " order of the hidings is drawn); never turning away ties every pair",
            needs=(),
            child=ChildCounterpart(
                "findings",
                "Violation of expectation (drawbridge): longer looking at the impossible event",
                "low",
                "Baillargeon 1987",
            ),
            runner=f"{_RUNS}:violation_of_expectation",
        ),
        Probe(
            name="gaze_following",
            label="Gaze following",
            short="gaze",
            construct="following another's gaze to what it looks at",
            paradigm="Gaze following (Scaife & Bruner 1975; Butterworth & Jarrett 1991):"
            " after eye contact the caregiver, standing front-left or front-right, turns its"
            " head to one of two toys placed in two of three directions (west, north,"
            " east).",
            measure="share of trials whose first toy looked at (or taken: a toy straight"
            " ahead is taken without turning) is the one looked at by the caregiver",
            chance=0.5,
            pass_rule="score >= 0.75 and above chance (binomial, 0.5, ALPHA)",
            shortcut="the view shows the head's direction only, on the caregiver's cell;"
            " turning to the side the head points to, or to a favourite toy, or staying, is"
            " right in at most about half the trials, because the caregiver's place changes",
            needs=(),
            child=ChildCounterpart(
                "findings",
                "Not reliable before 10 mo; trainable from about 8 mo",
                "high",
                "Corkum & Moore 1998",
                why="gaze following is reliable from 10 months",
            ),
            runner=f"{_RUNS}:gaze_following",
        ),
        Probe(
            name="point_following",
            label="Point following",
            short="point",
            construct="following a pointing gesture to its referent",
            paradigm="Comprehension of pointing (Behne et al. 2012; Butterworth &"
            " Morissette 1996): as for gaze following, but the caregiver keeps eye contact"
            " and points.",
            measure="share of trials whose first toy looked at (or taken) is the one pointed at",
            chance=0.5,
            pass_rule="score >= 0.75 and above chance (binomial, 0.5, ALPHA)",
            shortcut="as for gaze following: the arm's direction is shown on the"
            " caregiver's cell only, with the caregiver's place and the toys' directions"
            " drawn",
            needs=(),
            child=ChildCounterpart(
                "findings",
                "Comprehends informative pointing; comprehenders mostly also produce points",
                "low",
                "Behne, Liszkowski, Carpenter & Tomasello 2012",
            ),
            runner=f"{_RUNS}:point_following",
        ),
        Probe(
            name="word_comprehension",
            label="Word comprehension (looking while listening)",
            short="words",
            construct="knowing which toy a word names",
            paradigm="Looking while listening (Fernald et al. 1998; Bergelson & Swingley"
            " 2012): two toys in front, both in view of every body; the caregiver asks"
            " 'where's the <word>?'; every word of the vocabulary is named, each with"
            " partners it was never paired with in training.",
            measure="number of words for which looking at the word's toy when it is named"
            " exceeds looking at the same toy when the other one is named by at least 0.25"
            " of the window, by a permutation test at ALPHA / words",
            chance=0.0,
            pass_rule="at least one word known",
            shortcut="a favourite toy, a side bias or ignoring the word leave looking at a"
            " toy the same whether or not it is named, so the difference cancels",
            needs=(),
            child=ChildCounterpart(
                "findings",
                "Common nouns understood above chance at 6-9 mo; sharp rise about 14 mo (N=49)",
                "low",
                "Bergelson & Swingley",
                why="the probe passes with one word understood, first above chance at 6"
                " months (Bergelson & Swingley, PMC4671511)",
            ),
            runner=f"{_RUNS}:word_comprehension",
        ),
        Probe(
            name="reaching",
            label="Reaching",
            short="reach",
            construct="turning to and grasping a toy within reach",
            paradigm="Reaching for a wanted toy (CDC 2022, 6 months): a toy beside the"
            " infant (north, west or east, drawn); a third of trials have no toy"
            " (controls).",
            measure="share of toy trials in which the infant got the toy within 8 steps",
            chance=1 / 3,
            pass_rule="score >= 0.8, above chance (binomial at the random policy's level,"
            " ALPHA), and reaching on at least 50 points more of toy trials than of empty"
            " ones",
            shortcut="reaching ahead gets 1/3 of the toys (chance is set there; a random"
            " policy gets about 0.17); sweeping every side and reaching gets them all but"
            " reaches as often when there is no toy, and fails the controls",
            needs=("reach",),
            child=ChildCounterpart(
                "cdc", "Reaches to grab a toy she wants", "age", "Zubler et al. 2022"
            ),
            runner=f"{_RUNS}:reaching",
        ),
        Probe(
            name="locomotion",
            label="Locomotion (crawl to a toy)",
            short="loco",
            construct="moving through the room to get a toy",
            paradigm="Hands-and-knees crawling to a toy (WHO MGRS 2006): a toy three cells"
            " away (north, west or east, drawn); a third of trials have no toy (controls).",
            measure="share of toy trials in which the infant got the toy within 16 steps",
            chance=1 / 3,
            pass_rule="as for reaching",
            shortcut="going straight ahead gets 1/3 at most (chance is set there; a random"
            " policy gets about 0.02); a sweep reaches on empty trials too",
            needs=("locomotion", "reach"),
            child=ChildCounterpart(
                "who",
                "hands_knees_crawling",
                "mean",
                "WHO Multicentre Growth Reference Study Group (2006)",
                why="the probe is crawling, with the WHO window as its window",
            ),
            runner=f"{_RUNS}:locomotion",
        ),
    )
}
"""The battery, in battery order (see :class:`Probe`)."""


def label(name: str) -> str:
    """The plain-English label of probe ``name`` (for figures and tables); a name that is
    not a probe is returned with its underscores as spaces."""
    probe = PROBES.get(name)
    return probe.label if probe is not None else str(name).replace("_", " ")
