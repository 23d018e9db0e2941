"""Authorisation of Wagtail's own images and documents, through core.policy's table.

Teachers hold Wagtail's image and document permissions on the root collection
(core.roles), which on its own would let one school edit another's files. These
policies keep viewing and choosing open to everyone who authors (a picture in
an area lesson is seen by all) and editing with the uploader's school.
"""

from __future__ import annotations

from django.db.models import Q

from .policy import ScopePolicy


class UploadedFilePolicy(ScopePolicy):
    owner_field = "uploaded_by_user"
    school_field = "uploaded_by_user__school"

    def shared_q(self) -> Q:
        return Q(pk__isnull=False)


def image_policy() -> UploadedFilePolicy:
    from wagtail.images import get_image_model

    return type("ImagePolicy", (UploadedFilePolicy,), {"model": get_image_model()})()


def document_policy() -> UploadedFilePolicy:
    from wagtail.documents import get_document_model

    return type("DocumentPolicy", (UploadedFilePolicy,), {"model": get_document_model()})()
