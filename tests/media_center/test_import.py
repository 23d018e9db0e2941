"""Bulk import: all rows checked first, bad rows named, re-runs skip what is done."""

import pytest
from django.core.management import CommandError, call_command

from media_center.models import MediaItem

HEADER = "file,title,type,licence,copyright_holder,subjects,grades,visibility,tags,external_url\n"


@pytest.fixture
def library(tmp_path):
    folder = tmp_path / "library"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "book.pdf").write_bytes(b"%PDF-1.4\ntrailer<<>>\n%%EOF\n")
    (folder / "photo.png").write_bytes(b"\x89PNG not really")
    return folder


def write_csv(tmp_path, body):
    path = tmp_path / "library.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_every_bad_row_is_named_and_nothing_written(library, tmp_path, school, protected):
    csv_path = write_csv(
        tmp_path,
        "sub/book.pdf,หนังสือ,document,cc-by,สพฐ.,ค,ป.1,public,,\n"
        "missing.mp4,หาย,video,cc-by,สพฐ.,,,public,,\n"
        "../outside.pdf,นอก,document,cc-by,สพฐ.,,,public,,\n"
        "photo.png,ภาพ,picture,mit,,X,ป.9,everyone,,\n",
    )
    with pytest.raises(CommandError) as info:
        call_command("import_media", str(library), str(csv_path), "--school", school.code)
    text = str(info.value)
    for expected in [
        "บรรทัด 3 ช่อง file",
        "line 4 field file",
        "line 5 field type",
        "line 5 field licence",
        "line 5 field copyright_holder",
        "line 5 field subjects",
        "line 5 field grades",
        "line 5 field visibility",
    ]:
        assert expected in text, expected
    assert not MediaItem.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_import_then_rerun_skips_done_rows(
    library, tmp_path, school, protected, eager_celery, capsys
):
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    csv_path = write_csv(
        tmp_path,
        "sub/book.pdf,หนังสือ,document,CC BY 4.0,สพฐ.,ค|ว,ป.1;ป.2,public,เลข|บวก,\n"
        ",eDLTV,link,cc-by-nc,DLTV,,,signed_in,,https://example.org/dltv\n",
    )
    call_command("import_media", str(library), str(csv_path), "--school", school.code)
    out = capsys.readouterr().out
    assert "2/2" in out and "imported 2" in out
    book = MediaItem.objects.get(type="document")
    assert book.status == "ready" and book.licence == "cc-by"
    assert sorted(book.subject_groups.values_list("code", flat=True)) == ["ค", "ว"]
    assert book.grade_levels.count() == 2 and sorted(book.tags.names()) == ["บวก", "เลข"]
    assert book.owner_school == school and book.collection.name.startswith(school.name)
    assert (library / "sub" / "book.pdf").exists()  # the library is copied, not moved
    assert MediaItem.objects.get(type="link").status == "ready"
    # Interrupted or finished, a second run adds only what is missing.
    call_command("import_media", str(library), str(csv_path), "--school", school.code)
    assert "skipped 2" in capsys.readouterr().out
    assert MediaItem.objects.count() == 2
