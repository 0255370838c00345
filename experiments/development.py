"""Issue 19's table: does development happen, and what do its mechanisms contribute?

Runs lifetimes of 8 infants for every condition and seed through an executor, keeps
each lifetime's probe table and System M's audit as Parquet in ``--out`` (a lifetime
already there is not run again: re-run the same command to resume), then prints:

1. per seed of each candidate for the default infant (:data:`CANDIDATES`: the default,
   ``no-cue-sectors``: the cue without its sector code; ``habit``; ``habit-pull``;
   ``no-habituation``: the default before 2026-12-05, session 21;
   ``maturing-inhibition``, ``inhibition-by-walking`` (its pull gone from 12 months),
   ``imagination-gate``, ``cue-observe``, ``cue-observe-gate``,
   ``fading-rewards``: rewarded memories fading, as before session 26;
   ``credited-memory``; ``no-kept-trials`` and ``early-joint-attention``: the default
   with one of session 30's two changes undone (the kept trials, the maturing joint
   attention); ``no-kept-trials-early-joint-attention``: with both, the default before
   session 30; the noisy-TV traps ``smoothed-trap``, ``noise-trap``,
   ``noise-median-trap``, ``noise-median-trap-1.5`` and ``noise-median-trap-1.5-twice``;
   ``effort-from-birth``: the reach's effort charged from birth, as before session 40;
   their configs in experiments/configs), the criteria of
   :func:`infancy.analysis.development.development_criteria` (milestones passed stably
   and kept, the order against children, words, A-not-B, violation of expectation);
2. the ablations side by side (probes passed stably by at least 6 of the 8 infants, and
   by any infant);
3. System M's responsiveness: how much of its decisions a rule on the chunk index and
   energy reproduces (:func:`~infancy.analysis.development.schedule_fit`), trust at the
   end under caregivers of reliability 1.0, 0.7 and 0.3, and the share of decisions in
   which curiosity was damped with and without a noisy TV;

and one JSON line with the numbers. Usage::

    python experiments/development.py --size small --seeds 3 --out dev-small
    python experiments/development.py --size full --seeds 3 --conditions default --out dev-full
    python experiments/development.py --size full --first-seed 3 --seeds 2 --out held-out

``--first-seed K`` runs seeds K to K + ``--seeds`` - 1 (seeds held out from a choice made
on others); ``--report-only`` reads the seeds named the same way.

``--on NAME`` applies every condition on a candidate instead of the default (the
ablations of a candidate before it is adopted): ``--on no-kept-trials --conditions
no-memory`` runs the ``no-memory`` preset with no-kept-trials' curriculum and infant
overrides, as ``no-memory@no-kept-trials__s0`` and so on (:func:`on_base`).

Each lifetime's run configuration, as resolved when it ran, is kept beside its tables
(``LABEL.config.json``, :func:`infancy.curricula.work.resolved_spec`). A lifetime already in
``--out`` is taken as done only if that record is the one its condition resolves to now
(:func:`~infancy.curricula.work.recorded_change`): after a default changes, a resume into
the old folder stops with one line naming the lifetime and the key that differs, rather
than mixing lifetimes of two defaults in one report. ``--report-only`` reads what is there.

``--size full`` is the default lifetime (about 21-23 minutes a lifetime here, two at a
time on the 2 cores; docs/measurements.md, session 29).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd
import yaml

from infancy.analysis.development import (
    development_criteria,
    order_by_condition,
    schedule_fit,
    trap_firing,
)

SIZES = {"tiny": "tiny", "small": "small", "full": None}

NOISY = [
    {
        "name": "crawler",
        "from_months": 0,
        "to_months": 24,
        "abilities": "crawler",
        "scenarios": {"noisy-tv-v0": 0.5, "reach-v0": 0.5},
    }
]
QUIET = [{**NOISY[0], "scenarios": {"playroom-v0": 0.5, "reach-v0": 0.5}}]
TV_ROOM = "noisy-tv-v0"


def damping_by_room(audit: pd.DataFrame) -> dict[str, str]:
    """The share of System M's decisions damping curiosity in a noisy-TV room and
    elsewhere (the audit's ``world``), in words where it cannot be said."""
    if "world" not in audit or audit["world"].isna().any():
        # (some rows without it: a lifetime resumed across session 32's change)
        why = "not recorded (an audit from before session 32 has no world)"
        return {"damping in a noisy-TV room": why, "damping elsewhere": why}
    tv = audit["world"] == TV_ROOM
    out = {}
    for name, part in (("in a noisy-TV room", audit[tv]), ("elsewhere", audit[~tv])):
        if len(part):
            got = trap_firing(part, 0.1, by="all").iloc[0]
            out[f"damping {name}"] = (
                f"{got['share_damped']:.2%} ({int(got['damped'])} of {int(got['decisions'])})"
            )
        else:
            out[f"damping {name}"] = "no such decisions"
    return out


def _config(name: str) -> dict:
    """The run config ``experiments/configs/<name>.yaml`` itself, as a condition."""
    return yaml.safe_load((Path(__file__).parent / "configs" / f"{name}.yaml").read_text())


CONDITIONS = {
    "default": {"infant": "default"},
    "no-learning": {"infant": "no-learning"},
    "no-memory": {"infant": "no-memory"},
    "no-word-pathway": {"infant": "no-word-pathway"},
    "no-replay": {"infant": "no-replay"},
    "fixed-schedule-m": {"infant": "fixed-schedule-m"},
    "no-cue-sectors": {"infant": {"b": {"cue_sectors": False}}},
    "habit": {"infant": {"b": {"habit": True}}},
    "habit-pull": {"infant": {"b": {"habit": True, "habit_pull": 4.0}}},
    "no-habituation": _config("no-habituation"),
    # The habit's pull scaled by stage (its stages are restated whole).
    "maturing-inhibition": _config("maturing-inhibition"),
    # That, with the pull gone from the walker stage on (12 months).
    "inhibition-by-walking": _config("inhibition-by-walking"),
    # System M's imagination gate opened wider.
    "imagination-gate": _config("imagination-gate"),
    # System M observing on the caregiver's cue alone (no shift term), and that with the
    # wider imagination gate.
    "cue-observe": _config("cue-observe"),
    "cue-observe-gate": _config("cue-observe-gate"),
    # The default until session 26: memories of a rewarded step fade like the rest.
    "fading-rewards": _config("fading-rewards"),
    # The steps that led to a reward remembered and rehearsed as part of it.
    "credited-memory": _config("credited-memory"),
    # The default before session 30 in one of its two changes, and in both: no kept trials
    # in the hiding game (and a free reach); geometric joint attention from birth (its
    # stages are restated whole).
    "no-kept-trials": _config("no-kept-trials"),
    "early-joint-attention": _config("early-joint-attention"),
    "no-kept-trials-early-joint-attention": _config("no-kept-trials-early-joint-attention"),
    # System M's noisy-TV trap reading novelty averaged over chunks, with a lower threshold.
    "smoothed-trap": _config("smoothed-trap"),
    # System M's trap reading what of the view A's local model cannot learn to predict.
    "noise-trap": _config("noise-trap"),
    # That trap on the median of the chunk's still steps' errors, not their mean.
    "noise-median-trap": _config("noise-median-trap"),
    # That with a threshold of 1.5, chosen on the audits of its seeds 0 and 1.
    "noise-median-trap-1.5": _config("noise-median-trap-1.5"),
    # That waiting for two chunks running over the threshold (a single noisy chunk is not
    # a trap).
    "noise-median-trap-1.5-twice": _config("noise-median-trap-1.5-twice"),
    # The default before session 40: the reach's effort charged from birth, to a newborn
    # whose reach does nothing.
    "effort-from-birth": _config("effort-from-birth"),
    "reliability-0.7": {"curriculum": {"caregiver": {"reliability": 0.7}}},
    "reliability-0.3": {"curriculum": {"caregiver": {"reliability": 0.3}}},
    "noisy-tv": {"curriculum": {"stages": NOISY}},
    # The same with a screen the whole top wall wide, each cell its own noise: a TV that
    # draws a curious infant (experiments/noisy_tv_diagnostic.py --screen 7).
    "noisy-tv-wide": {"curriculum": {"stages": NOISY, "worlds": {TV_ROOM: {"screen": 7}}}},
    "no-tv": {"curriculum": {"stages": QUIET}},
}
"""Each condition's overrides of the run configuration."""

CANDIDATES = (
    "default",
    "no-cue-sectors",
    "habit",
    "habit-pull",
    "no-habituation",
    "maturing-inhibition",
    "inhibition-by-walking",
    "imagination-gate",
    "cue-observe",
    "cue-observe-gate",
    "fading-rewards",
    "credited-memory",
    "no-kept-trials",
    "early-joint-attention",
    "no-kept-trials-early-joint-attention",
    "smoothed-trap",
    "noise-trap",
    "noise-median-trap",
    "noise-median-trap-1.5",
    "noise-median-trap-1.5-twice",
    "effort-from-birth",
)
"""Conditions that are candidates for the default infant: the criteria table is printed
for each (the others are ablations and manipulations, compared side by side)."""


def on_base(cond: str, base: str | None) -> tuple[str, dict]:
    """The name and run-config overrides of condition ``cond`` applied on candidate
    ``base`` (None: on the default).

    The condition's overrides are merged into the base's
    (:func:`~infancy.curricula.runner.merge_run_configs`: mappings recursively, lists and
    values replaced, an infant preset's name kept beside the base's infant keys); so
    ``no-memory`` on ``no-kept-trials`` is the no-memory preset with ``b.reach_effort`` 0
    and no kept trials in its curriculum. The name is ``cond@base``, or ``cond`` alone on the
    default; ``default`` on a base is the base itself, under its own name (so its
    lifetimes in ``--out`` are not run again).
    """
    from infancy.curricula.runner import merge_run_configs

    if base is None or base == "default":
        return cond, json.loads(json.dumps(CONDITIONS[cond]))
    if base not in CANDIDATES:
        raise SystemExit(f"--on: {base!r} is not a candidate; expected one of {CANDIDATES}")
    if cond == "default":
        return base, json.loads(json.dumps(CONDITIONS[base]))
    return f"{cond}@{base}", merge_run_configs(CONDITIONS[base], CONDITIONS[cond])


def specs(
    conditions: list[str], seeds: int, size: str, base: str | None = None, first_seed: int = 0
) -> list[dict]:
    out = []
    for cond in conditions:
        name, config = on_base(cond, base)
        cur = config.setdefault("curriculum", {})
        if SIZES[size] is not None:
            cur["preset"] = SIZES[size]
        for seed in range(first_seed, first_seed + seeds):
            out.append(
                {**config, "seed": seed, "tables": ["probes", "audit"], "label": f"{name}__s{seed}"}
            )
    return out


def not_done(out: Path, todo: list[dict]) -> list[dict]:
    """The lifetimes of ``todo`` that ``out`` lacks.

    Raises
    ------
    SystemExit
        One line, when a lifetime there was made with another run configuration than
        its condition resolves to now (a default changed, a config was edited), or has
        no record of its configuration: its tables would be reported as this condition's.
    """
    from infancy.curricula.work import recorded_change

    missing = []
    for s in todo:
        label = s["label"]
        if not (out / f"{label}.probes.parquet").exists():
            missing.append(s)
            continue
        path = out / f"{label}.config.json"
        try:
            record = json.loads(path.read_text())
            if not isinstance(record, dict):
                raise ValueError("not a mapping")
        except (OSError, ValueError) as exc:
            raise SystemExit(
                f"{path}: {label} is in --out without a readable record of the configuration "
                f"that made it ({type(exc).__name__}), so it cannot be checked against "
                f"{label} now: use a new --out folder, or delete {label}.* to run it again"
            ) from None
        try:
            change = recorded_change(record, s)
        except ValueError as exc:  # the condition itself does not plan
            raise SystemExit(f"--conditions: {str(exc).splitlines()[0]}") from None
        if change is not None:
            raise SystemExit(
                f"{path}: {label} was made with another configuration than {label} is now: "
                f"{change}; use a new --out folder, or delete {label}.* to run it again "
                "(--report-only reads it as it is)"
            )
    return missing


def run(args: argparse.Namespace) -> Path:
    from infancy.curricula.executors import executor
    from infancy.curricula.work import resolved_spec
    from infancy.store import write_atomic

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    todo = not_done(out, specs(args.conditions, args.seeds, args.size, args.on, args.first_seed))
    try:
        records = [resolved_spec(s) for s in todo]  # what each lifetime runs with
    except ValueError as exc:  # a condition that does not plan (pydantic's errors too)
        raise SystemExit(f"--conditions: {str(exc).splitlines()[0]}") from None

    def keep(i: int, result) -> None:
        # Written as each lifetime ends, so that a crash or a stop loses only the
        # lifetimes still running (the executors call this in the order they finish);
        # the probe table last, as it marks the lifetime done.
        label = todo[i]["label"]
        if not result.ok:
            print(f"{label}: failed: {result.error}", file=sys.stderr)
            return
        # Each file whole or not at all: a stop while writing must not leave a truncated
        # table that reads as done.
        record = json.dumps(records[i], indent=1)
        write_atomic(out / f"{label}.config.json", lambda p: p.write_text(record))
        for name in ("audit", "probes"):
            table = result.tables[name]
            write_atomic(out / f"{label}.{name}.parquet", lambda p, t=table: t.to_parquet(p))
        print(f"{label}: done in {result.seconds:.0f} s", flush=True)

    with executor(args.executor, args.workers) as pool:
        pool.map(todo, progress=keep)
    return out


def report(
    out: Path,
    conditions: list[str],
    seeds: int,
    baseline: str = "default",
    first_seed: int = 0,
) -> dict:
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 90)
    summary: dict = {"criteria": {}, "ablations": {}, "m": {}}
    tables = {}
    for cond in conditions:
        for seed in range(first_seed, first_seed + seeds):
            f = out / f"{cond}__s{seed}.probes.parquet"
            if f.exists():
                tables[cond, seed] = (
                    pd.read_parquet(f),
                    pd.read_parquet(out / f"{cond}__s{seed}.audit.parquet"),
                )
    if not tables:  # nothing to report: say what was looked for, not a KeyError later
        last = first_seed + seeds - 1
        raise SystemExit(
            f"--out: {out} holds no lifetime of {', '.join(conditions)} for seeds "
            f"{first_seed}-{last} (COND__sSEED.probes.parquet); name the seeds it was run "
            "with (--first-seed, --seeds)"
        )
    for (cond, seed), (probes, _) in tables.items():
        if cond not in CANDIDATES:
            continue
        crit = development_criteria(probes)
        # A statistic that cannot be computed is said in words (its detail says why),
        # never printed as nan; in the JSON line it is null.
        missing = crit["value"].isna()
        shown = crit.assign(
            value=[
                "cannot be computed" if gone else f"{v:g}"
                for v, gone in zip(crit["value"], missing, strict=True)
            ],
            met=["n/a" if m is None else m for m in crit["met"]],
        )
        print(f"\n## {cond}, seed {seed}\n")
        print(shown[["criterion", "value", "target", "met"]].to_string(index=False))
        # Why a statistic is missing, and the intervals (how far chance moves it).
        interval = crit["detail"].str.contains("95%", regex=False)
        for row in crit[missing | interval].itertuples():
            print(f"  {row.criterion}: {row.detail}")
        key = f"s{seed}" if cond == "default" else f"{cond}/s{seed}"
        summary["criteria"][key] = (
            crit[["criterion", "value", "met", "detail"]]
            .astype(object)
            .where(~crit[["criterion", "value", "met", "detail"]].isna(), None)
            .to_dict("records")
        )
    rows = []
    for (cond, seed), (probes, _) in tables.items():
        from infancy.analysis.acquisition import first_stable_pass

        first = first_stable_pass(probes).dropna()
        per_probe = first.groupby("probe")["infant"].nunique()
        n = probes["infant"].nunique()
        rows.append(
            {
                "condition": cond,
                "seed": seed,
                "probes passed stably by >= 6 of 8": int((per_probe >= 0.75 * n).sum()),
                "probes passed stably by any infant": int((per_probe >= 1).sum()),
                "milestones (infant x probe)": len(first),
                "words at the end (median)": float(
                    probes[probes["probe"] == "word_comprehension"]
                    .groupby("age_months")["score"]
                    .median()
                    .iloc[-1]
                ),
            }
        )
    ablations = pd.DataFrame(rows)
    print("\n## conditions side by side\n")
    print(ablations.to_string(index=False))
    summary["ablations"] = ablations.to_dict("records")
    # The order against children per condition over its seeds, and its difference to the
    # baseline (the default, or the candidate of ``--on``) on the seeds both ran, with
    # bootstrap intervals over infants: one seed's tau-b moves by 0.3 or more when its 8
    # infants are drawn again.
    order = order_by_condition({k: probes for k, (probes, _) in tables.items()}, baseline=baseline)

    def interval(lo, hi, what):
        return f"[{lo:.2f}, {hi:.2f}]" if pd.notna(lo) else f"cannot be computed: {what}"

    shown = pd.DataFrame(
        {
            "condition": order["condition"],
            "seeds": order["seeds"],
            "tau-b (mean)": order["tau_b"].map(
                lambda v: f"{v:.3f}" if pd.notna(v) else "cannot be computed"
            ),
            "95% interval": [
                interval(lo, hi, "fewer than 3 medians reached")
                for lo, hi in zip(order["ci_low"], order["ci_high"], strict=True)
            ],
            f"minus {'the default' if baseline == 'default' else baseline} (same seeds)": [
                f"{d:+.3f} {interval(lo, hi, '')}, P(not above) {p:.2f}"
                if pd.notna(d)
                else "the baseline"
                if c == baseline
                else f"cannot be computed: no seed shared with {baseline}, or fewer than 3"
                " medians reached"
                for c, d, lo, hi, p in zip(
                    order["condition"],
                    order["diff"],
                    order["diff_low"],
                    order["diff_high"],
                    order["p_not_above"],
                    strict=True,
                )
            ],
        }
    )
    print("\n## milestone order against children, by condition\n")
    print(shown.to_string(index=False))
    summary["order"] = order.astype(object).where(order.notna(), None).to_dict("records")
    m_rows = []
    for (cond, seed), (_, audit) in tables.items():
        fit = schedule_fit(audit)
        trust_end = audit.sort_values("step").groupby("infant")["trust"].last().mean()
        damped = trap_firing(audit, 0.1, by="all")["share_damped"].iloc[0]
        m_rows.append(
            {
                "condition": cond,
                "seed": seed,
                "rule fit (chunk index, energy)": fit["accuracy"].iloc[0],
                "rule fit (+ social)": fit["accuracy"].iloc[1],
                "trust at the end": round(float(trust_end), 3),
                "share of decisions damping curiosity": round(float(damped), 4),
                **damping_by_room(audit),
            }
        )
    m = pd.DataFrame(m_rows)
    print("\n## System M\n")
    print(m.to_string(index=False))
    summary["m"] = m.to_dict("records")
    print(json.dumps({"benchmark": "development", **summary}, default=str))
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), default="small")
    parser.add_argument("--seeds", type=int, default=3, help="how many seeds")
    parser.add_argument(
        "--first-seed", type=int, default=0, help="the first seed (seeds run from it up)"
    )
    parser.add_argument(
        "--conditions", nargs="+", default=list(CONDITIONS), choices=list(CONDITIONS)
    )
    parser.add_argument("--executor", default="serial", choices=["serial", "process", "ray"])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--on",
        default=None,
        choices=list(CANDIDATES),
        help="apply the conditions on this candidate",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="print the tables of --out (of the seeds --first-seed and --seeds name)",
    )
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds: expected a positive number, got {args.seeds}")
    if args.first_seed < 0:
        parser.error(f"--first-seed: expected a non-negative number, got {args.first_seed}")
    out = Path(args.out) if args.report_only else run(args)
    report(
        out,
        [on_base(c, args.on)[0] for c in args.conditions],
        args.seeds,
        args.on or "default",
        args.first_seed,
    )


if __name__ == "__main__":
    main()
