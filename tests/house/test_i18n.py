"""Bilingual messages come from one catalogue entry; labels follow the language."""

from django.utils import translation

from core.i18n import BAD_KHLANG_ROLE, bilingual, bilingual_early, thai_with_english
from core.models import LinkType, School


def test_bilingual_is_thai_then_english_from_one_entry():
    message = bilingual("deleted %(count)s rows older than %(days)s days", count=3, days=90)
    assert message == "ลบแล้ว 3 แถวที่เก่ากว่า 90 วัน / deleted 3 rows older than 90 days"


def test_a_message_without_thai_is_said_once():
    assert bilingual("no such message in any catalogue") == "no such message in any catalogue"


def test_settings_errors_read_the_compiled_catalogue_without_django():
    text = bilingual_early(BAD_KHLANG_ROLE, value="satellite")
    assert text.startswith("KHLANG_ROLE ต้องเป็น central หรือ mirror")
    assert text.endswith("KHLANG_ROLE must be central or mirror, not 'satellite'")


def test_labels_follow_the_chosen_language():
    with translation.override("th"):
        assert str(LinkType.SATELLITE.label) == "ดาวเทียม"
        assert str(School._meta.verbose_name) == "โรงเรียน"
    with translation.override("en"):
        assert str(LinkType.SATELLITE.label) == "Satellite"
        assert str(School._meta.verbose_name) == "school"
    assert thai_with_english(LinkType.SATELLITE.label) == "ดาวเทียม (Satellite)"
