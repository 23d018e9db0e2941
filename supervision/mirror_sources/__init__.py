"""Supervision on a school mirror: what a visiting supervisor needs down, records up.

Down (central → mirror), so a supervisor can fill a record with the WAN cut:

  supervision.supervisor  (31) the accounts of supervisors whose plans name the
                          school (password hashes included, no superuser
                          rights), only to that school's mirror.
  supervision.rubric      (80) every rubric with its criteria, by uuid.
  supervision.plan        (81) one record per plan and school: the plan's term,
                          rubric and supervisor, and that school's caseload
                          rows only (other schools' rows never leave central).

Up (mirror → central), the ``supervision_record`` result kind. Rule: **one
record per uuid, merged once.** A record written on the mirror goes up with
its scores, follow-ups, replies and evidence whenever its state differs from
what central acknowledged (``SnapshotResultKind``). Central creates it the
first time; after that the record's own fields and scores follow the side
updated last, status only moves forward (draft → shared → closed), follow-ups,
replies and evidence are added by uuid and never duplicated, and a follow-up
once done stays done (the earliest completion wins). So repeats and reordering
change nothing. Uploaded files stay on the mirror; their evidence row goes up
with its title.
"""

from mirror.results import register_result_kind
from mirror.sources import register_source

from .down import PlanSource, RubricSource, SupervisorSource
from .up import ObservationKind, merge_observation

__all__ = ["ObservationKind", "PlanSource", "RubricSource", "SupervisorSource", "merge_observation"]

for _source in (SupervisorSource(), RubricSource(), PlanSource()):
    register_source(_source)
register_result_kind(ObservationKind())
