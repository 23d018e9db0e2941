import pytest
from django.core.management import CommandError, call_command

from core.csv_import import CsvImportError
from core.importers import import_indicators, import_schools
from core.models import Indicator, School, SchoolNetwork

HEADER = "code,name,network,district,size,link,bandwidth_kbps\n"


def write(tmp_path, text, name="schools.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.django_db
def test_import_schools_accepts_thai_and_english_choices(tmp_path, area):
    path = write(
        tmp_path,
        HEADER
        + "1000000001,โรงเรียนบ้านดอย,เครือข่ายเหนือ,แม่สะเรียง,เล็ก,ดาวเทียม,256\n"
        + "1000000002,โรงเรียนบ้านนา,เครือข่ายเหนือ,แม่สะเรียง,Large,fibre,\n",
        encoding="utf-8-sig",
    )  # Excel's BOM
    result = import_schools(path, area)
    assert (result.created, result.updated) == (2, 0)
    doi = School.objects.get(code="1000000001")
    assert (doi.size_class, doi.link_type, doi.bandwidth_kbps) == ("small", "satellite", 256)
    assert School.objects.get(code="1000000002").size_class == "large"
    assert SchoolNetwork.objects.filter(area=area).count() == 1


@pytest.mark.django_db
def test_import_schools_updates_by_code(tmp_path, area):
    import_schools(write(tmp_path, HEADER + "1000000001,เดิม,ก,เมือง,small,adsl,2000\n"), area)
    result = import_schools(
        write(tmp_path, HEADER + "1000000001,ใหม่,ก,เมือง,small,fibre,50000\n"), area
    )
    assert (result.created, result.updated) == (0, 1)
    assert School.objects.get().name == "ใหม่"


@pytest.mark.django_db
def test_import_schools_is_all_or_nothing_and_names_every_bad_row(tmp_path, area):
    path = write(
        tmp_path,
        HEADER
        + "1000000001,ดี,ก,เมือง,small,adsl,2000\n"
        + "12AB,ไม่ดี,ก,เมือง,small,adsl,2000\n"
        + "1000000001,ซ้ำ,ก,เมือง,huge,carrier-pigeon,fast\n"
        + ",,ก,,small,adsl,1\n",
    )
    with pytest.raises(CsvImportError) as exc:
        import_schools(path, area)
    message = str(exc.value)
    assert "schools.csv บรรทัด 3 ช่อง code" in message
    assert "line 4 field code: duplicate school code (also on line 2)" in message
    assert "บรรทัด 4 ช่อง size" in message and "บรรทัด 4 ช่อง link" in message
    assert "line 4 field bandwidth_kbps" in message
    assert "line 5 field name: name is required" in message
    assert School.objects.count() == 0 and SchoolNetwork.objects.count() == 0


@pytest.mark.django_db
def test_import_schools_reports_missing_columns_and_bad_encoding(tmp_path, area):
    with pytest.raises(CsvImportError, match="บรรทัด 1 ช่อง district, size"):
        import_schools(write(tmp_path, "code,name,network,link\n1,a,b,adsl\n"), area)
    with pytest.raises(CsvImportError, match="line 2: the file is not UTF-8"):
        import_schools(
            write(
                tmp_path, HEADER + "1000000001,โรงเรียน,ก,เมือง,small,adsl,1\n", encoding="tis-620"
            ),
            area,
        )


@pytest.mark.django_db
def test_import_schools_command(tmp_path):
    path = write(tmp_path, HEADER + "1000000001,โรงเรียนบ้านดอย,ก,เมือง,small,adsl,2000\n")
    with pytest.raises(CommandError, match="--area-name"):
        call_command("import_schools", str(path), area="NEW")
    call_command("import_schools", str(path), area="NEW", area_name="สพป.ใหม่")
    assert School.objects.get().network.area.name == "สพป.ใหม่"
    bad = write(tmp_path, HEADER + "x,,,,,,\n", name="bad.csv")
    with pytest.raises(CommandError, match="nothing was written") as exc:
        call_command("import_schools", str(bad), area="NEW")
    assert "bad.csv บรรทัด 2" in str(exc.value)


@pytest.mark.django_db
def test_import_indicators(tmp_path):
    path = write(
        tmp_path,
        "code,description,standard_description\n"
        "ค 1.1 ป.3/2,เปรียบเทียบจำนวน,จำนวนและการดำเนินการ\n"
        "อ 1.1 ม.4-6/1,ปฏิบัติตามคำแนะนำ,\n",
        name="ind.csv",
    )
    result = import_indicators(path)
    assert result.created == 2
    upper = Indicator.objects.get(code="อ 1.1 ม.4-6/1")
    assert sorted(upper.grade_levels.values_list("code", flat=True)) == ["ม.4", "ม.5", "ม.6"]
    assert Indicator.objects.get(code="ค 1.1 ป.3/2").standard.description == "จำนวนและการดำเนินการ"
    assert upper.subject_group.code == "อ"


@pytest.mark.django_db
def test_import_indicators_rejects_whole_file(tmp_path):
    path = write(
        tmp_path,
        "code,description\nค 1.1 ป.3/2,ดี\nค 1.1 ป.9/1,ชั้นผิด\nค 1.1 ป.3/2,ซ้ำ\n",
        name="ind.csv",
    )
    with pytest.raises(CsvImportError) as exc:
        import_indicators(path)
    assert "ind.csv บรรทัด 3 ช่อง code" in str(exc.value)
    assert "line 4 field code: duplicate code (also on line 2)" in str(exc.value)
    assert Indicator.objects.count() == 0


@pytest.mark.django_db
def test_load_indicators_command(tmp_path):
    path = write(tmp_path, "code,description\nท 1.1 ป.1/1,อ่านออกเสียง\n", name="ind.csv")
    call_command("load_indicators", str(path))
    assert Indicator.objects.filter(code="ท 1.1 ป.1/1").exists()
