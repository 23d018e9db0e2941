"""Supervision on a mirror: what goes down, and records going up merged once."""

from __future__ import annotations

import pytest

from mirror.results import get_result_kind
from mirror.sources import get_source
from mirror.store import FileStore
from notifications.models import Notification
from supervision.models import Observation, Plan, Reply, Rubric
from tests.supervision import conftest as supervision_area

pytestmark = pytest.mark.django_db
# The supervision suite's small area, as fixtures of this module too.
rubric = supervision_area.rubric
sv = supervision_area.sv


class Central:
    school_id = None
    mirror_id = "school-7"


def test_the_supervisor_the_rubric_and_only_the_school_part_of_plans_go_down(sv, mirror_conf):
    from supervision.models import PlanEntry

    plan = sv["plan"]
    PlanEntry.objects.create(plan=plan, school=sv["schools"]["B"])
    names = ["supervision.supervisor", "supervision.rubric", "supervision.plan"]
    before = {n: [(r.key, r.payload, r.scope) for r in get_source(n).records()] for n in names}
    supervisors = {key: scope for key, _, scope in before["supervision.supervisor"]}
    assert supervisors == {"s1": {"schools": sorted(s.code for s in sv["schools"].values())}}
    plans = {key: (payload, scope) for key, payload, scope in before["supervision.plan"]}
    code_a = sv["schools"]["A"].code
    payload, scope = plans[f"{plan.uuid}:{code_a}"]
    assert scope == {"schools": [code_a]} and [e["teacher"] for e in payload["entries"]] == ["a1"]
    # A mirror starting empty rebuilds the same rows from the payloads.
    Observation.objects.all().delete()
    PlanEntry.objects.all().delete()
    Plan.objects.all().delete()
    Rubric.objects.all().delete()
    store = FileStore()
    for name in names:
        entries = [{"key": k, "payload": p, "files": []} for k, p, _ in before[name]]
        get_source(name).apply_batch(entries, store)
    after = {n: [(r.key, r.payload, r.scope) for r in get_source(n).records()] for n in names}
    assert after == before


def test_a_record_written_on_a_mirror_is_merged_once(
    sv, mirror_conf, django_capture_on_commit_callbacks
):
    from supervision import actions

    kind = get_result_kind("supervision_record")
    record = sv["records"]["shared"]
    actions.add_reply(record, sv["people"]["a1"], "ขอบคุณครับ")
    rows, _ = kind.collect(0, 100)
    row = next(r for r in rows if r["uuid"] == str(record.uuid))
    assert row["teacher"] == "a1" and len(row["scores"]) == 2 and len(row["replies"]) == 1
    # This database now plays central, which has never seen these records.
    Observation.objects.all().delete()
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        first = kind.accept(rows, Central())
        again = kind.accept(rows, Central())
    assert (first["accepted"], again["accepted"], again["duplicates"]) == (3, 0, 3)
    merged = Observation.objects.get(uuid=record.uuid)
    assert merged.scores.count() == 2 and merged.followups.count() == 1
    assert Reply.objects.filter(observation=merged).count() == 1
    # The teacher hears of the shared record once; the supervisor of the reply once.
    teacher_notes = Notification.objects.filter(user=sv["people"]["a1"])
    assert teacher_notes.count() == 1 and "พร้อมให้อ่าน" in teacher_notes.get().title
    assert Notification.objects.filter(user=sv["people"]["s1"]).count() == 1
    kind.acknowledge(rows)
    assert kind.collect(0, 100)[0] == [] and kind.pending(0) == 0


def test_later_changes_go_up_again_and_nothing_goes_back(sv, mirror_conf):
    from supervision import actions

    kind = get_result_kind("supervision_record")
    record = sv["records"]["shared"]
    kind.acknowledge(kind.collect(0, 100)[0])
    followup = record.followups.get()
    actions.close_followup(followup, sv["people"]["a1"], "ทำครบแล้ว")
    changed, _ = kind.collect(0, 100)
    assert [r["uuid"] for r in changed] == [str(record.uuid)]
    stale = dict(changed[0], updated_at="2000-01-01T00:00:00+07:00", strengths="เก่า")
    stale["followups"] = [dict(changed[0]["followups"][0], done_at=None)]
    answer = kind.accept([stale], Central())
    assert answer["accepted"] == 0  # older fields and an undone follow-up change nothing
    record.refresh_from_db()
    assert record.strengths == "ใช้สื่อดี" and record.followups.get().is_done


def test_a_bad_record_row_is_refused_whole_naming_the_row(sv, mirror_conf):
    kind = get_result_kind("supervision_record")
    rows, _ = kind.collect(0, 100)
    bad = dict(rows[0], teacher="nobody", uuid="not-a-uuid")
    answer = kind.accept([rows[0], dict(rows[1], teacher="nobody")], Central())
    assert answer["accepted"] == 0
    assert any(e.startswith("แถวที่ 2") and "row 2: unknown user 'nobody'" in e
               for e in answer["errors"])  # fmt: skip
    assert kind.accept([bad], Central())["errors"]
