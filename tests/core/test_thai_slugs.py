"""Thai slugs keep their vowel and tone marks, in code and in the page editor."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from core.models import HomePage, SectionPage
from core.thai_slugs import ThaiSlugPageForm, thai_slugify


def test_thai_slugify_keeps_vowel_and_tone_marks():
    assert thai_slugify("สื่อการเรียนรู้ ภาษาไทย ป.1", allow_unicode=True) == "สื่อการเรียนรู้-ภาษาไทย-ป1"
    assert thai_slugify("คำ\u200bนำ", allow_unicode=True) == "คำนำ"  # zero-width space dropped
    assert thai_slugify("Hello World") == "hello-world"


@pytest.fixture
def home(db):
    root = Page.objects.get(depth=1)
    return root.add_child(instance=HomePage(title="หน้าแรก"))


def editor_form(parent, instance=None, **data):
    form_class = SectionPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, ThaiSlugPageForm)
    return form_class(
        {"section": "other", **data},
        instance=instance or SectionPage(),
        parent_page=parent,
        for_user=None,
    )


@pytest.mark.django_db
def test_pages_made_in_code_get_a_whole_thai_slug(home):
    assert home.slug == "หน้าแรก"
    first = home.add_child(instance=SectionPage(title="ศิลปะและดนตรี"))
    second = home.add_child(instance=SectionPage(title="ศิลปะและดนตรี"))
    assert (first.slug, second.slug) == ("ศิลปะและดนตรี", "ศิลปะและดนตรี-2")


@pytest.mark.django_db
def test_the_model_checks_slugs_with_the_thai_rule(home):
    page = home.add_child(instance=SectionPage(title="สื่อ"))
    page.slug = "สื่อภาษาไทย"
    page.full_clean()
    page.slug = "มี ช่องว่าง"
    with pytest.raises(ValidationError) as caught:
        page.full_clean()
    assert "slug" in caught.value.message_dict


@pytest.mark.django_db
def test_the_editor_accepts_thai_slugs_and_fills_an_empty_one(home):
    assert editor_form(home, title="สื่อ", slug="สื่อภาษาไทย").is_valid()
    form = editor_form(home, title="มี ช่องว่าง", slug="มี ช่องว่าง")
    assert not form.is_valid() and "slug" in form.errors
    # Autosave can come before the editor's suggestion: the slug is made here.
    form = editor_form(home, title="เศษส่วนจากวิดีโอ ทดสอบ", slug="")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "เศษส่วนจากวิดีโอ-ทดสอบ"


@pytest.mark.django_db
def test_a_draft_with_the_suggested_slug_takes_the_next_free_one(home):
    home.add_child(instance=SectionPage(title="บทนำ"))
    form = editor_form(home, title="บทนำ", slug="บทนำ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "บทนำ-2"
    # A slug typed on purpose still says it is taken.
    form = editor_form(home, title="บทนำ", slug="บทนำ-1")
    assert form.is_valid()
    home.add_child(instance=SectionPage(title="อื่น", slug="ทับ"))
    form = editor_form(home, title="บทนำ", slug="ทับ")
    assert not form.is_valid() and "slug" in form.errors
