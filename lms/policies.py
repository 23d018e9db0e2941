"""Authorisation of learning records, through core.policy's rules table.

Certificates are records: their holder's, their school's staff's, the area's.
Course and lesson pages are Wagtail pages: who may read them is decided by
enrolment and publication (lms/access.py), who may edit them by Wagtail's page
permissions on each school's part of the tree.
"""

from __future__ import annotations

from core.policy import RECORD, ScopePolicy

from .models import Certificate


class CertificatePolicy(ScopePolicy):
    model = Certificate
    kind = RECORD
    owner_field = "user"
    school_field = "user__school"


certificate_policy = CertificatePolicy()
