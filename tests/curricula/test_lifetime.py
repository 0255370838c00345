"""A whole (tiny) lifetime in memory: stages, worlds, probes, timeline."""

from __future__ import annotations

import numpy as np

from infancy.curricula import load_curriculum
from infancy.curricula.lifetime import live


def test_a_tiny_lifetime_goes_through_every_stage_and_probes_on_schedule():
    cur = load_curriculum(
        overlays=("tiny",), probes={"names": ["locomotion", "word_comprehension"], "trials": 1}
    )
    life = live(cur, n=4, seed=0)
    tl = life.timeline
    assert list(tl["stage"].unique()) == [s.name for s in cur.stages]
    # By age, every infant changes stage at the stage boundaries.
    for stage in cur.stages:
        ages = tl[tl["stage"] == stage.name]["age_months"]
        assert ages.min() > stage.from_months and ages.max() <= stage.to_months + 1e-9
    assert tl["age_months"].max() <= cur.clock.end_months + 1e-9
    assert life.cohort.steps == cur.clock.lifetime_steps
    assert abs(life.cohort.age_months - 24.0) < 1e-9
    # Every world visited belongs to the stage's mix at that time.
    for stage in cur.stages:
        seen = set(tl[tl["stage"] == stage.name]["world"])
        assert seen <= set(stage.scenarios)
    # One battery per probe age, every infant in every probe.
    ages = sorted(life.probes["age_months"].unique())
    assert ages == cur.probe_ages()
    per_age = life.probes.groupby("age_months").size()
    assert (per_age == per_age.iloc[0]).all() and per_age.iloc[0] % 4 == 0
    # The body followed the stages: no locomotion to pass before the crawler stage.
    loco = life.probes[(life.probes["probe"] == "locomotion") & (life.probes["age_months"] < 8)]
    assert (loco["score"] == 0).all()
    shares = tl[tl["measure"].str.startswith("share_")].groupby(["step", "infant"])["value"]
    assert np.allclose(shares.sum(), 1.0)
    # The audit log went to the tables as the cohort lived, and left the cohort.
    assert len(life.tables["audit"]) == 4 * (cur.clock.lifetime_steps // 64 + 1)
    # Each decision says the room it was made in: the timeline's, chunk by chunk.
    audit = life.tables["audit"]
    rooms = tl.drop_duplicates("step").set_index("step")["world"]
    lived = audit[audit["step"].isin(rooms.index)]
    assert len(lived) >= len(audit) - 4  # all but the decision before the first chunk
    assert (lived["world"].to_numpy() == rooms.loc[lived["step"]].to_numpy()).all()
    assert lived["world"].nunique() > 1
    assert len(life.cohort.m.audit) == 0


def test_same_seed_same_lifetime():
    cur = load_curriculum(
        overlays=("tiny",),
        clock={"end_months": 4.0},
        stages=[s.model_dump() | {"to_months": 4.0} for s in load_curriculum().stages[:1]],
        probes={"names": ["reaching", "a_not_b"], "trials": 1},
    )
    a = live(cur, n=2, seed=3)
    b = live(cur, n=2, seed=3)
    c = live(cur, n=2, seed=4)
    for name in a.tables:
        assert a.tables[name].equals(b.tables[name]), name
    assert not a.timeline.equals(c.timeline)


def _first_age_in(timeline, stage: str):
    """Per infant, the first timeline age at which it was in ``stage`` (NaN if never)."""
    rows = timeline[timeline["stage"] == stage]
    return rows.groupby("infant")["age_months"].min().reindex(range(2))


def _tiny(**changes):
    base = {"probes": {"names": ["reaching", "word_comprehension"], "trials": 2}}
    return load_curriculum(overlays=("tiny",), **{**base, **changes})


def test_system_m_chooses_when_each_infant_moves_on():
    cur = _tiny(transition={"mode": "m", "min_share": 0.25, "max_delay_months": 4.0})
    month = 1.0 / cur.clock.steps_per_month * 256  # one segment of 4 chunks of 64 steps
    always = live(cur, n=2, seed=1, infant={"m": {"ready_progress": 1e9, "ready_return": 1e9}})
    never = live(cur, n=2, seed=1, infant={"m": {"ready_progress": 0.0, "ready_return": 0.0}})
    # Always ready: out of each stage at the earliest (a quarter of its span in).
    reacher = _first_age_in(always.timeline, "reacher")
    assert ((reacher > 1.0) & (reacher <= 1.0 + month + 1e-9)).all()
    crawler = _first_age_in(always.timeline, "crawler")
    assert ((crawler > 5.0) & (crawler <= 5.0 + month + 1e-9)).all()
    # Never ready: held back the longest allowed past each stage's end.
    reacher = _first_age_in(never.timeline, "reacher")
    assert ((reacher > 8.0) & (reacher <= 8.0 + month + 1e-9)).all()
    assert _first_age_in(never.timeline, "crawler").gt(12.0).all()


def test_mastery_moves_an_infant_on_when_it_passes_its_stage_probe():
    from infancy.curricula import load_curriculum as load

    stages = [s.model_dump() for s in load().stages]
    stages[1]["mastery"] = "word_comprehension"  # reacher: passed with one word
    stages[2]["mastery"] = "reaching"
    cur = _tiny(transition={"mode": "mastery"}, stages=stages)
    life = live(cur, n=2, seed=0)
    probes = life.probes
    tl = life.timeline
    for i in range(2):
        mine = probes[(probes["infant"] == i) & (probes["stage"] == "reacher")]
        words = mine[mine["probe"] == "word_comprehension"]
        passed = words[words["passed"]]["age_months"]
        left = _first_age_in(tl, "crawler")[i]
        if len(passed):
            # Out at the first segment end at which it had passed and a quarter of the
            # stage (4-8 months) was behind it.
            assert max(passed.min(), 5.0) < left <= max(passed.min(), 5.0) + 1.0 + 1e-9
        else:
            assert 12.0 < left <= 13.0 + 1e-9
    # Crawlers who never reach stably enough stay up to 4 months past 12.
    reach = probes[(probes["probe"] == "reaching") & (probes["stage"] == "crawler")]
    for i in range(2):
        if not reach[reach["infant"] == i]["passed"].any():
            assert _first_age_in(tl, "walker")[i] > 16.0


def test_infants_share_the_worlds_that_hold_several_and_keep_their_own_bodies():
    from infancy.curricula.lifetime import Lifecycle

    cur = load_curriculum(
        overlays=("tiny",),
        clock={"end_months": 10.0},
        probes={"names": ["reaching"], "trials": 1},
    )
    life = Lifecycle(cur, n=4, seed=0, infants_per_world=2)
    lived = life.stage.copy()
    while not life.done:
        life.segment()
        life.take()
        # Each infant's body is its own stage's, also where two share a room (the
        # stage may have changed at the segment's end: compare with the one lived in).
        world = life.worlds[life.world_id]
        loco = world.state.locomotion.reshape(-1)
        for i, k in enumerate(lived):
            code = {"none": 0, "crawl": 1, "walk": 2}[
                world.rules.profile(cur.stages[k].abilities).locomotion
            ]
            assert loco[i] == code, (i, k, world.n_infants)
        lived = life.stage.copy()
    shared = {w: x.n_infants for w, x in life.worlds.items()}
    assert shared.get("playroom-v0") == 2, shared  # the playroom holds both
    assert all(k == 1 for w, k in shared.items() if w != "playroom-v0" and w != "noisy-tv-v0")
    assert all(x.batch_size * x.n_infants == 4 for x in life.worlds.values())
