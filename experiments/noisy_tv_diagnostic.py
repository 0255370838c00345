"""Whether the noisy TV is a trap for the infant, and whether System M's damping of
curiosity fires where it is: a cohort lives in ``noisy-tv-v0`` and ``playroom-v0`` by
turns, and A's signals are read with the TV in view and out of it.

    python experiments/noisy_tv_diagnostic.py [--segments 100] [--n 8] [--seed 0] [--screen 1]

Construct: a *trap* is a source the infant's curiosity keeps rewarding although
nothing can be learned from it (the "noisy TV" of Burda et al. 2018). Two things show
one, and the script measures both over the second half of the segments, when the first
rush of novelty is over:

1. *the signal*: A's novelty (curiosity's reward, over its running scale; the mean is
   about 1) is higher on the steps with the TV in view than on the others, and stays so
   (a TV learned like a toy loses its novelty within minutes);
2. *the pull*: the curious cohort keeps the TV in view on a larger share of its awake
   steps in the TV room than the same cohort with curiosity off (``m.rule.
   intrinsic_weight`` 0, same seed). Chance level: no difference. Each infant's own
   difference is listed; the pull is their mean, with a 95% percentile bootstrap CI
   over infants (8 infants: a narrow interval is not a settled one) and the number of
   infants whose difference is above 0. A caveat: curiosity may change where infants
   look in any room; the script has no place in the playroom to compare the TV's with.

System M's damping (``m.rule.trap_*``: novelty above ``trap_novelty`` with no learning
progress for ``trap_chunks`` chunks) should then fire in the TV room and rarely in the
playroom: the script gives the share of M's decisions damped in each room, over the
same second half. Whether any reading of the chunk's novelty *could* tell the rooms
apart, at any running scale, the script asks of A's novelty before scaling (random
network distillation's error, the mean over the chunk's own awake steps): each
infant's ratio, TV room over playroom, their mean with the same bootstrap CI, and the
number of infants above 1. Chance level: 1. A ratio near 1 leaves M's threshold on
novelty nothing to read, whatever its scale; M reads the chunk's novelty with the
replayed memories in it (from both rooms), whose ratio is nearer 1 still.

A candidate for such a signal, read from the same rows (M does not use it): the
chunk's own novelty before scaling over a slow running mean of it (``SLOW_RATE``),
above a threshold for 2 awake chunks running; the script gives the share of each
room's decisions it would flag at three thresholds (``SLOW_ABOVE``). The thresholds
are explored here, not chosen: one picked from these runs needs other seeds to be
believed. It leaves out M's condition of no learning progress.

How well each meta-state M reads (after each chunk, as it decides the next) tells the
rooms apart: per infant, the probability that a TV-room chunk reads higher than a
playroom chunk (the area under the ROC curve; chance 0.5), the mean over infants. A
reading far from 0.5 in the second half is one a trap rule could threshold; how often
it would also fire in the playroom is the share damped there. ``--trap-rate``,
``--trap-novelty`` and ``--trap-chunks`` set M's trap (``m.rule``) for both cohorts, so
a trap rule is measured with M driving (its damping changes where the infants look).
Here the playroom is the only control, and a rule that fires in whichever room is the
more novel passes it: the check it cannot pass is a lifetime with a playroom in the TV
room's place beside a duller room (``experiments/development.py``'s ``no-tv``), where
the ``smoothed-trap`` candidate, which passed here, damped the playroom as often as the
TV room (docs/measurements.md, session 34).

A reading that is not novelty: ``--local-hidden H`` gives System A its local still-view
model (``a.local_hidden``), which learns how each view cell changes over a step in which
the infant neither turned nor moved; what it cannot learn to predict is the ``noise``
meta-state (its error per still step, summed over the view's cells), and ``--trap-signal
noise --trap-noise X`` makes M's trap read it. It reads changes, not contents, so toys
that stay put do not raise it, however new or varied; the screen's random colours do,
and a little the caregiver's movements. The script gives M's median novelty and noise
in each room. A change of room starts the next chunk on the new room's view
(``Cohort.begin``), so that no step crosses from one room into the other (before session
35 one did, once a change).

Only the chunk's own update is read: the updates on memories alone that follow it in
a chunk where some infant sleeps or imagines (``Cohort.consolidate``) are not the
chunk's steps (read before 2026-12-07, they replaced the chunk's figures for every
infant in such chunks).

The cheapest way to fake the damping is a detector that fires in any new room (a
novelty burst is not a trap): the playroom, lived by turns with the TV room, is the
control. The cohort is the default infant with a crawler's body in both rooms, each set
as the default curriculum sets it (its ``worlds`` entries); ``--screen`` sets the TV's
width in cells (``noisy-tv-v0``'s ``screen``: 7 is the whole top wall). Segments are 4
chunks, the rooms by turns. One JSON line closes.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from pydantic import ValidationError

from infancy.analysis.compare import _bootstrap
from infancy.curricula.stages import merge, room_params
from infancy.infants import Cohort
from infancy.infants.base import META_STATES
from infancy.infants.config import AConfig, RuleMConfig
from infancy.worlds import load_rules, make_batch

ROOMS = ("noisy-tv-v0", "playroom-v0")
TRAP = {
    "trap_signal": str,
    "trap_rate": float,
    "trap_novelty": float,
    "trap_noise": float,
    "trap_chunks": int,
}
"""System M's trap settings (``m.rule``) the script takes as options, with their types."""


def tv_room_params(room: str, screen: int | None = None) -> dict:
    """``room``'s parameters in the default curriculum, with a crawler's body (and, for
    the TV room, ``screen`` cells of screen when given)."""
    tv = screen is not None and room == ROOMS[0]
    return room_params(room, **({"screen": screen} if tv else {}))


def live(
    n: int,
    seed: int,
    segments: int,
    curious: bool,
    screen: int | None = None,
    infant: dict | None = None,
) -> list[dict]:
    """One cohort's life by turns in the two rooms; per chunk, per infant: the room,
    A's novelty and prediction error with the TV in view and out of it (sums and
    counts over awake steps), and whether M damped curiosity for the next chunk.
    ``infant``: InfantConfig keys changed from the default (tests)."""
    config = merge(infant or {}, {"m": {"rule": {"intrinsic_weight": 0.0}}} if not curious else {})
    cohort = Cohort(config, n=n, seed=seed)
    weight = cohort.config.m.rule.intrinsic_weight
    chunk = cohort.config.chunk
    tv = load_rules().kind_index("tv") + 1  # the view's kind channel: 0 none, 1 + kind
    rooms = {
        r: make_batch(r, n, seed=seed + i, autoreset=True, **tv_room_params(r, screen))
        for i, r in enumerate(ROOMS)
    }
    for env in rooms.values():
        env.reset()
    seen: dict[str, np.ndarray] = {}
    learn = cohort.a.learn

    def reading(batch, gate):
        if seen:
            # A later update in the same chunk: dreaming infants' updates on memories
            # alone (Cohort.consolidate), which are not the chunk's steps.
            return learn(batch, gate)
        # The chunk's own steps come first in the batch (replayed memories after them).
        sig = learn(batch, gate)
        seen["nov"] = sig["novelty_sample"][:, :chunk].numpy()
        # Before scaling: the scale A divides by (updated by this batch, as the chunk's
        # novelty was).
        seen["raw"] = seen["nov"] * cohort.a.novelty_scale.numpy()[:, None]
        seen["err"] = sig["error_sample"][:, :chunk].numpy()
        seen["awake"] = batch.valid[:, :chunk].numpy().copy()
        # Step 0 is the frame the chunk starts from (the last chunk's last, or the
        # room's first after a change of room); its step is left out of the figures.
        seen["awake"][:, 0] = False
        seen["tv"] = (cohort._view[:, :chunk, 1] == tv).any(axis=(2, 3))
        return sig

    cohort.a.learn = reading
    rows = []
    for seg in range(segments):
        room = ROOMS[seg % len(ROOMS)]  # by turns, the TV room first
        # Carried into the other room: its view starts the chunk (no step crosses rooms).
        cohort.begin(rooms[room])
        for _ in range(4):
            seen.clear()
            cohort.live(rooms[room], chunk)
            awake, tv_in = seen["awake"], seen["tv"] & seen["awake"]
            tv_out = ~seen["tv"] & seen["awake"]
            damped = cohort.action["intrinsic_weight"] < weight if curious else np.zeros(n, bool)
            for i in range(n):
                rows.append(
                    {
                        "segment": seg,
                        "room": room,
                        "infant": i,
                        "awake": int(awake[i].sum()),
                        "tv_steps": int(tv_in[i].sum()),
                        "nov_in": float(seen["nov"][i][tv_in[i]].sum()),
                        "nov_out": float(seen["nov"][i][tv_out[i]].sum()),
                        "err_in": float(seen["err"][i][tv_in[i]].sum()),
                        "err_out": float(seen["err"][i][tv_out[i]].sum()),
                        "out_steps": int(tv_out[i].sum()),
                        "raw_nov": float(seen["raw"][i][awake[i]].sum()),
                        "damped": bool(damped[i]),
                        # What M read after the chunk (it decides the next one from it).
                        **{f"meta_{k}": float(cohort.meta[k][i]) for k in META_STATES},
                    }
                )
    return rows


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def summarise(curious: list[dict], incurious: list[dict], segments: int) -> dict:
    """The figures of the module docstring, over the second half of the segments."""
    late = segments // 2

    def tv_share(rows, infant):
        sel = [r for r in rows if r["segment"] >= late and r["room"] == ROOMS[0]]
        sel = [r for r in sel if r["infant"] == infant]
        return _ratio(sum(r["tv_steps"] for r in sel), sum(r["awake"] for r in sel))

    infants = sorted({r["infant"] for r in curious})
    pairs = [(tv_share(curious, i), tv_share(incurious, i)) for i in infants]
    diffs = np.array([a - b for a, b in pairs if a is not None and b is not None])
    late_rows = [r for r in curious if r["segment"] >= late]
    tv_late = [r for r in curious if r["segment"] >= late and r["room"] == ROOMS[0]]
    out = {
        "novelty_tv_in_view": _ratio(
            sum(r["nov_in"] for r in tv_late), sum(r["tv_steps"] for r in tv_late)
        ),
        "novelty_tv_out_of_view": _ratio(
            sum(r["nov_out"] for r in tv_late), sum(r["out_steps"] for r in tv_late)
        ),
        "error_tv_in_view": _ratio(
            sum(r["err_in"] for r in tv_late), sum(r["tv_steps"] for r in tv_late)
        ),
        "error_tv_out_of_view": _ratio(
            sum(r["err_out"] for r in tv_late), sum(r["out_steps"] for r in tv_late)
        ),
        "tv_in_view_curious": _mean([a for a, _ in pairs]),
        "tv_in_view_incurious": _mean([b for _, b in pairs]),
        "pull_by_infant": [float(d) for d in diffs],
        "pull": float(diffs.mean()) if len(diffs) else None,
        "pull_ci": _mean_ci(diffs) if len(diffs) > 1 else None,
        "infants_drawn": int((diffs > 0).sum()),
    }
    for room in ROOMS:
        sel = [r for r in late_rows if r["room"] == room]
        out[f"damped_{room}"] = _ratio(sum(r["damped"] for r in sel), len(sel))

    def raw(room, infant):
        sel = [r for r in late_rows if r["room"] == room and r["infant"] == infant]
        return _ratio(sum(r["raw_nov"] for r in sel), sum(r["awake"] for r in sel))

    # The infants awake in both rooms (the averages over the same infants as the ratio).
    rooms = [(raw(ROOMS[0], i), raw(ROOMS[1], i)) for i in infants]
    rooms = [(a, b) for a, b in rooms if a is not None and b]
    ratios = np.array([a / b for a, b in rooms])
    out["raw_novelty_tv_room"] = _mean([a for a, _ in rooms])
    out["raw_novelty_playroom"] = _mean([b for _, b in rooms])
    out["room_ratio_by_infant"] = [float(r) for r in ratios]
    out["room_ratio"] = float(ratios.mean()) if len(ratios) else None
    out["room_ratio_ci"] = _mean_ci(ratios) if len(ratios) > 1 else None
    out["infants_above_1"] = int((ratios > 1).sum())
    out["slow_trap"] = {str(a): slow_trap(curious, late, a) for a in SLOW_ABOVE}
    out["room_auc"] = {k: room_auc(curious, late, f"meta_{k}") for k in META_STATES}
    # What M read, room by room: the median over the late chunks (a threshold's scale).
    out["meta_median"] = {
        room: {k: float(np.median([r[f"meta_{k}"] for r in sel])) for k in ("novelty", "noise")}
        for room in ROOMS
        if (sel := [r for r in late_rows if r["room"] == room])
    }
    return out


def room_auc(rows: list[dict], late: int, key: str) -> dict[str, float | int | None]:
    """How well one chunk-level reading tells the rooms apart: for each infant, the
    probability that a TV-room chunk (from segment ``late`` on) reads higher on ``key``
    than a playroom chunk (ties count half: the area under the ROC curve, chance 0.5);
    the mean over infants with chunks in both rooms and the number above 0.5. A
    trap signal M could threshold needs a mean far from 0.5 in the direction it reads
    (above: the TV room reads higher). None: no infant has chunks in both rooms."""
    aucs = []
    for infant in sorted({r["infant"] for r in rows}):
        sel = [r for r in rows if r["infant"] == infant and r["segment"] >= late]
        tv = np.array([r[key] for r in sel if r["room"] == ROOMS[0]], dtype=float)
        play = np.array([r[key] for r in sel if r["room"] == ROOMS[1]], dtype=float)
        if len(tv) and len(play):
            higher = (tv[:, None] > play[None, :]).mean()
            aucs.append(higher + 0.5 * (tv[:, None] == play[None, :]).mean())
    return {
        "auc": float(np.mean(aucs)) if aucs else None,
        "infants_above_half": int(sum(a > 0.5 for a in aucs)),
        "infants": len(aucs),
    }


SLOW_RATE = 0.01
"""The candidate trap signal's running mean: each awake chunk moves it 1% (about a
hundred chunks; M's scale moves 10%)."""
SLOW_ABOVE = (1.1, 1.2, 1.3)
"""Thresholds the candidate is read at (explored, not chosen: see the module docstring)."""


def slow_trap(
    rows: list[dict], late: int, above: float, chunks: int = 2
) -> dict[str, float | None]:
    """A candidate trap signal, computed from the rows alone (M does not read it): each
    infant's novelty before scaling over its chunk's own awake steps, over a slow
    running mean of the same (:data:`SLOW_RATE`, from the infant's first awake chunk),
    above ``above`` for ``chunks`` awake chunks running. Returns the share of each
    room's rows from segment ``late`` on whose infant it flags (None: no rows)."""
    flagged = {room: [0, 0] for room in ROOMS}
    for infant in sorted({r["infant"] for r in rows}):
        mean, run = None, 0
        for r in (r for r in rows if r["infant"] == infant):  # in the order lived
            if r["awake"]:
                nov = r["raw_nov"] / r["awake"]
                run = run + 1 if mean is not None and nov > above * mean else 0
                mean = nov if mean is None else (1 - SLOW_RATE) * mean + SLOW_RATE * nov
            if r["segment"] >= late:
                flagged[r["room"]][0] += run >= chunks
                flagged[r["room"]][1] += 1
    return {room: _ratio(k, n) for room, (k, n) in flagged.items()}


def _mean_ci(values: np.ndarray, n_boot: int = 1000, seed: int = 0) -> list[float]:
    """95% percentile bootstrap CI of the mean over infants (seeded resampling)."""
    pick, q = _bootstrap(len(values), n_boot, 0.95, seed)
    return [float(v) for v in np.percentile(values[pick].mean(1), q)]


def _mean(values: list[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return float(np.mean(got)) if got else None


def _say(value: float | None, fmt: str = ".3f") -> str:
    # A figure that cannot be computed is said in words, never nan.
    return "not measured (no such steps)" if value is None else format(value, fmt)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--segments", type=int, default=100)
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--screen", type=int, default=None, help="the TV's width in cells, 1-7")
    for key, kind in TRAP.items():
        ap.add_argument(
            f"--{key.replace('_', '-')}",
            type=kind,
            default=None,
            help=f"System M's m.rule.{key} (default: the default infant's)",
        )
    ap.add_argument(
        "--local-hidden",
        type=int,
        default=None,
        help="System A's a.local_hidden: its local still-view model, whose error is the noise "
        "meta-state (default: the default infant's, none)",
    )
    args = ap.parse_args(argv)
    for name in ("segments", "n"):
        if getattr(args, name) < 1:
            ap.error(f"--{name}: expected a positive number, got {getattr(args, name)}")
    if args.screen is not None and not 1 <= args.screen <= 7:
        ap.error(f"--screen: expected a width of 1 to 7 cells, got {args.screen}")
    rule = {k: getattr(args, k) for k in TRAP if getattr(args, k) is not None}
    local = {} if args.local_hidden is None else {"local_hidden": args.local_hidden}
    infant = {"m": {"rule": rule}, "a": local} if rule or local else None
    try:
        trap = RuleMConfig.model_validate(rule)
        local_hidden = AConfig.model_validate(local).local_hidden
    except ValidationError as err:
        e = err.errors()[0]
        key = str(e["loc"][0])
        ap.error(f"--{key.replace('_', '-')}: {e['msg']}, got {getattr(args, key)}")
    if trap.trap_signal == "noise" and not local_hidden:
        ap.error("--trap-signal: noise needs --local-hidden above 0 (A's model makes it)")
    start = time.perf_counter()
    curious = live(args.n, args.seed, args.segments, True, args.screen, infant)
    incurious = live(args.n, args.seed, args.segments, False, args.screen, infant)
    s = summarise(curious, incurious, args.segments)
    ci = s["pull_ci"]
    rooms = ", ".join(f"{r} {json.dumps(tv_room_params(r, args.screen))}" for r in ROOMS)
    print(f"rooms: {rooms}")
    print("| figure (second half, TV room) | TV in view | TV out of view |")
    print("|---|---|---|")
    for label, key in (("A's novelty", "novelty"), ("A's prediction error", "error")):
        print(f"| {label} | {_say(s[f'{key}_tv_in_view'])} | {_say(s[f'{key}_tv_out_of_view'])} |")
    print(
        f"share of awake steps with the TV in view: curious {_say(s['tv_in_view_curious'])}, "
        f"curiosity off {_say(s['tv_in_view_incurious'])}; pull {_say(s['pull'], '+.3f')}"
        + (f" [{ci[0]:+.3f}, {ci[1]:+.3f}]" if ci else "")
        + f", {s['infants_drawn']} of {len(s['pull_by_infant'])} infants drawn"
    )
    rci = s["room_ratio_ci"]
    print(
        "A's novelty before scaling (own awake steps), TV room over playroom: "
        f"{_say(s['room_ratio'])}"
        + (f" [{rci[0]:.3f}, {rci[1]:.3f}]" if rci else "")
        + f", {s['infants_above_1']} of {len(s['room_ratio_by_infant'])} infants above 1"
    )
    print(
        f"a candidate trap signal (own novelty over a slow mean, rate {SLOW_RATE}, 2 chunks "
        "running), share flagged: "
        + "; ".join(
            f"above {a}: " + ", ".join(f"{r} {_say(got[r], '.2%')}" for r in ROOMS)
            for a, got in s["slow_trap"].items()
        )
    )
    print(
        "each meta-state M reads, TV-room chunks over playroom chunks (AUC, chance 0.5; "
        "mean over infants): "
        + ", ".join(f"{k} {_say(v['auc'])}" for k, v in s["room_auc"].items())
    )
    print(
        "M's novelty and noise, median over the late chunks: "
        + "; ".join(
            f"{r} " + ", ".join(f"{k} {v:.3f}" for k, v in got.items())
            for r, got in s["meta_median"].items()
        )
    )
    print(
        "decisions damping curiosity: "
        + ", ".join(f"{r} {_say(s[f'damped_{r}'], '.2%')}" for r in ROOMS)
    )
    seconds = time.perf_counter() - start
    # The trap M ran with (the default infant's where not given).
    trap = {k: getattr(trap, k) for k in TRAP}
    print(json.dumps({"config": vars(args), "trap": trap, **s, "seconds": round(seconds, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
