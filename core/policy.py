"""Who may do what to which object: one rules table, one policy per model.

The shape follows Wagtail's ``CollectionOwnershipPermissionPolicy``: a policy
object per model with ``for_user(user, action)`` (the queryset of instances the
user may act on) and ``user_has_permission_for_instance``. Every view, admin
viewset, API, export, statistic and chooser asks its app's policy, so the rule
lives in one place and a list and its detail page can never disagree.

Outside one's scope an object does not exist: ``get_or_404`` raises Http404, so
a guessed id tells nothing (not even a title in a 403 page).

The rules (``RULES``), by the object's relation to the user:

- ``own``: the user's own record (their attempt, their upload);
- ``school``: owned by the user's school;
- ``shared``: shared with the whole area (no owning school, or published);
- ``area``: anything in the area (a site serves one area office).

=========== ===================== ================= =================
role         content: view         content: change   records: view
=========== ===================== ================= =================
anonymous    (public items only)   —                 —
student      school, shared        —                 own
teacher      school, shared, own   school, own       school
school_admin school, shared, own   school, own       school
supervisor   area                  —                 area
area_admin   area                  area              area
=========== ===================== ================= =================

Supervision records (kind ``supervision``) add the relation ``caseload``: the
schools in a supervisor's plans and the records the supervisor wrote. A teacher
sees only records about themselves, a school admin (the director) their
school's, a supervisor their caseload, the area admin everything:

=========== ===================== =================
role         supervision: view     supervision: change
=========== ===================== =================
teacher      own                   —
school_admin own, school           —
supervisor   caseload              caseload
area_admin   area                  area
=========== ===================== =================

``delete`` follows ``change`` except for teachers (their school admin deletes);
``stats`` (usage figures of an object) is given to whoever may change it and to
supervisors. The test matrix (tests/security/) is generated from this table.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from . import roles

ANONYMOUS = "anonymous"
OWN, SCHOOL, SHARED, AREA = "own", "school", "shared", "area"
CASELOAD = "caseload"
CONTENT, RECORD, SUPERVISION = "content", "record", "supervision"

_NONE: frozenset[str] = frozenset()
_VIEW_CONTENT = frozenset({SCHOOL, SHARED, OWN})
_CHANGE_SCHOOL = frozenset({SCHOOL, OWN})
_ALL = frozenset({AREA})

# kind → action → role → relations the role may act on.
RULES: dict[str, dict[str, dict[str, frozenset[str]]]] = {
    CONTENT: {
        "view": {
            ANONYMOUS: _NONE,
            roles.STUDENT: frozenset({SCHOOL, SHARED}),
            roles.TEACHER: _VIEW_CONTENT,
            roles.SCHOOL_ADMIN: _VIEW_CONTENT,
            roles.SUPERVISOR: _ALL,
            roles.AREA_ADMIN: _ALL,
        },
        "change": {
            ANONYMOUS: _NONE,
            roles.STUDENT: _NONE,
            roles.TEACHER: _CHANGE_SCHOOL,
            roles.SCHOOL_ADMIN: _CHANGE_SCHOOL,
            roles.SUPERVISOR: _NONE,
            roles.AREA_ADMIN: _ALL,
        },
        "delete": {
            ANONYMOUS: _NONE,
            roles.STUDENT: _NONE,
            roles.TEACHER: frozenset({OWN}),
            roles.SCHOOL_ADMIN: _CHANGE_SCHOOL,
            roles.SUPERVISOR: _NONE,
            roles.AREA_ADMIN: _ALL,
        },
        "stats": {
            ANONYMOUS: _NONE,
            roles.STUDENT: _NONE,
            roles.TEACHER: _CHANGE_SCHOOL,
            roles.SCHOOL_ADMIN: _CHANGE_SCHOOL,
            roles.SUPERVISOR: _ALL,
            roles.AREA_ADMIN: _ALL,
        },
    },
    RECORD: {
        "view": {
            ANONYMOUS: _NONE,
            roles.STUDENT: frozenset({OWN}),
            roles.TEACHER: frozenset({OWN, SCHOOL}),
            roles.SCHOOL_ADMIN: frozenset({OWN, SCHOOL}),
            roles.SUPERVISOR: _ALL,
            roles.AREA_ADMIN: _ALL,
        },
    },
    SUPERVISION: {
        "view": {
            ANONYMOUS: _NONE,
            roles.STUDENT: _NONE,
            roles.TEACHER: frozenset({OWN}),
            roles.SCHOOL_ADMIN: frozenset({OWN, SCHOOL}),
            roles.SUPERVISOR: frozenset({CASELOAD}),
            roles.AREA_ADMIN: _ALL,
        },
        "change": {
            ANONYMOUS: _NONE,
            roles.STUDENT: _NONE,
            roles.TEACHER: _NONE,
            roles.SCHOOL_ADMIN: _NONE,
            roles.SUPERVISOR: frozenset({CASELOAD}),
            roles.AREA_ADMIN: _ALL,
        },
    },
}

AREA_ROLES = frozenset({roles.AREA_ADMIN, roles.SUPERVISOR})

# The strongest role wins when a user holds several.
_ROLE_ORDER = [roles.AREA_ADMIN, roles.SUPERVISOR, roles.SCHOOL_ADMIN, roles.TEACHER]
_CACHE_ATTR = "_khlang_policy_role"


def role_of(user) -> str:
    """The one role the rules table reads for ``user`` (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        role = roles.AREA_ADMIN
    else:
        names = set(user.groups.values_list("name", flat=True))
        role = next(
            (r for r in _ROLE_ORDER if roles.ROLE_GROUP_NAMES[r] in names),
            roles.STUDENT,  # signed in without a staff role: treated as a student
        )
    setattr(user, _CACHE_ATTR, role)
    return role


class ScopePolicy:
    """Base of every app's policy; subclasses name the fields that give relations."""

    model: type[Model]
    kind: str = CONTENT
    owner_field: str | None = None  # the user who owns it (uploader, attempt's student)
    school_field: str | None = None  # the owning school

    def base_queryset(self) -> QuerySet:
        return self.model._default_manager.all()

    def shared_q(self) -> Q:
        """Objects shared with the whole area; nothing by default."""
        return Q(pk__in=[])

    def relation_q(self, relation: str, user, action: str) -> Q | None:
        if relation == AREA:
            # Not Q(): an empty Q vanishes when OR-ed with another condition.
            return Q(pk__isnull=False)
        if relation == OWN:
            return Q(**{self.owner_field: user.pk}) if self.owner_field else None
        if relation == SCHOOL:
            school_id = getattr(user, "school_id", None)
            return Q(**{self.school_field: school_id}) if self.school_field and school_id else None
        if relation == SHARED:
            return self.shared_q()
        raise ValueError(relation)

    def relations(self, user, action: str) -> frozenset[str]:
        return RULES[self.kind][action][role_of(user)]

    def anonymous_q(self, action: str) -> Q | None:
        """What a visitor without an account may see; nothing by default."""
        return None

    def for_user(self, user, action: str = "view") -> QuerySet:
        """Every instance ``user`` may ``action``; the one queryset all views use."""
        parts = [self.relation_q(r, user, action) for r in self.relations(user, action)]
        if role_of(user) == ANONYMOUS:
            parts.append(self.anonymous_q(action))
        parts = [p for p in parts if p is not None]
        if not parts:
            return self.base_queryset().none()
        rule = parts[0]
        for part in parts[1:]:
            rule |= part
        return self.base_queryset().filter(rule)

    def user_has_permission_for_instance(self, user, action: str, instance: Model) -> bool:
        return self.for_user(user, action).filter(pk=instance.pk).exists()

    def get_or_404(self, user, action: str = "view", queryset: QuerySet | None = None, **lookup):
        """The instance, if in ``user``'s scope for ``action``; else Http404."""
        allowed = self.for_user(user, action)
        if queryset is not None:
            allowed = queryset.filter(pk__in=allowed.values("pk"))
        try:
            return allowed.get(**lookup)
        except self.model.DoesNotExist:
            raise Http404 from None
