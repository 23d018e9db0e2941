"""Wagtail images and documents: every school's teachers may use them, only the
uploader's school may edit or delete them (core.policies)."""

import io

import pytest
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection

from core import roles
from core.models import School

pytestmark = pytest.mark.django_db


def test_another_schools_teacher_cannot_edit_or_delete_an_image(client, make_user, school):
    other = School.objects.create(code="2000000002", name="อื่น", network=school.network)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    owner = make_user("kru_a", roles.TEACHER, school=school)
    stranger = make_user("kru_b", roles.TEACHER, school=other)
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4)).save(buffer, "PNG")
    image = get_image_model().objects.create(
        title="ภาพ", file=ImageFile(buffer, name="a.png"), uploaded_by_user=owner,
        collection=Collection.get_first_root_node(),
    )  # fmt: skip
    for name in ("wagtailimages:edit", "wagtailimages:delete", "wagtailimages:image_usage"):
        url = reverse(name, args=[image.pk])
        client.force_login(stranger)
        expected = 200 if name.endswith("usage") else 404  # usage is a view: shared
        assert client.get(url).status_code == expected, name
        client.force_login(owner)
        assert client.get(url).status_code == 200, name
