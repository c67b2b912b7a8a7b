"""Bulk import from .xlsx: a dry run reports each row's problem (row, column, Chinese message)
and writes nothing; the real run imports everything or nothing; a repeated run changes
nothing; malformed and huge files are a 4xx; the same through `flask imports`."""
import io
import zipfile
from decimal import Decimal

import sqlalchemy as sa

from tests.talents.conftest import xlsx

HEADER = ["小区", "小区类型", "楼栋", "单元", "房号", "面积（㎡）"]
GOOD = [HEADER,
        ["滨江苑", "建制小区", "1栋", "1", 101, 89.5],
        ["滨江苑", "建制小区", "1栋", "1", 102, "76.30"],
        ["滨江苑", "", "2栋", "", "201室", None],
        ["观湖花园", "", "1栋", "1", 101, 92],  # an existing household: area recorded
        ["新村院落", "老旧院落", "3栋", "", 1, 48.6]]


def _tables(world):
    from app.community.models import Building, Compound, Household

    return (world.count(Compound), world.count(Building), world.count(Household))


def test_dry_run_reports_each_bad_row_and_writes_nothing(world):
    before = _tables(world)
    bad = GOOD + [["滨江苑", "别墅区", "1栋", "1", 103, 80],
                  ["滨江苑", "", "1栋", "1", "", 80],
                  ["滨江苑", "", "1栋", "1", 104, -3],
                  ["滨江苑", "", "1栋", "1", 101, 89.5],
                  ["观湖花园", "老旧院落", "1栋", "1", 102, 80]]
    resp = world.import_xlsx("households", "staff1", xlsx(bad), dry_run=True)
    assert resp.status_code == 200, resp.get_json()
    report = resp.get_json()
    assert report["ok"] is False and report["rows"] == 10
    assert report["problems"] == [
        {"row": 7, "column": "小区类型", "message": "小区类型只能是：建制小区、老旧院落、零散楼栋"},
        {"row": 8, "column": "房号", "message": "房号不能为空"},
        {"row": 9, "column": "面积", "message": "面积须为正数（平方米），最多两位小数"},
        {"row": 10, "column": "房号", "message": "与第2行重复"},
        {"row": 11, "column": "小区类型", "message": "小区类型与已有记录不一致"},
    ]
    assert _tables(world) == before
    clean = world.import_xlsx("households", "staff1", xlsx(GOOD), dry_run=True).get_json()
    assert clean["ok"] and clean["counts"] == {
        "compounds_created": 2, "buildings_created": 3, "households_created": 4,
        "households_updated": 1, "households_unchanged": 0}
    assert _tables(world) == before


def test_a_bad_row_refuses_the_whole_file(world):
    before = _tables(world)
    resp = world.import_xlsx("households", "staff1", xlsx(GOOD + [["滨江苑", "", "", "", 1, 1]]))
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "import_rejected"
    assert error["details"]["problems"] == [{"row": 7, "column": "楼栋",
                                             "message": "楼栋不能为空"}]
    assert _tables(world) == before


def test_the_real_run_imports_all_and_a_repeated_run_changes_nothing(world):
    from app.community.models import Building, Compound, Household

    before = _tables(world)
    report = world.import_xlsx("households", "street1", xlsx(GOOD)).get_json()
    assert report["ok"] and report["counts"]["households_created"] == 4
    assert _tables(world) == (before[0] + 2, before[1] + 3, before[2] + 4)
    with world.app.app_context():
        from app.extensions import db

        garden = db.session.scalar(sa.select(Compound).where(Compound.name == "新村院落"))
        assert garden.kind == "old_courtyard" and garden.community_id == world.c1
        rooms = db.session.execute(
            sa.select(Building.name, Household.unit, Household.room, Household.area_m2)
            .join(Household.building).join(Building.compound)
            .where(Compound.name == "滨江苑").order_by(Household.id)).all()
        assert [tuple(r) for r in rooms] == [("1栋", "1", "101", Decimal("89.50")),
                                             ("1栋", "1", "102", Decimal("76.30")),
                                             ("2栋", "", "201", None)]
        home = db.session.get(Household, world.homes["garden"][0])
        assert home.area_m2 == Decimal("92.00")
    again = world.import_xlsx("households", "staff1", xlsx(GOOD)).get_json()
    assert again["counts"] == {"compounds_created": 0, "buildings_created": 0,
                               "households_created": 0, "households_updated": 0,
                               "households_unchanged": 5}
    assert _tables(world) == (before[0] + 2, before[1] + 3, before[2] + 4)


ROSTER = [["姓名", "手机号", "小区", "楼栋", "单元", "房号", "来源", "所在单位", "备注"],
          ["孙卫东", "13700000009", "观湖花园", "1栋", "1", "101", "网格摸排", "", ""],
          ["钱芳", 13700000008, "观湖花园", "", "", "", "流动党员", "外地某厂党支部", ""],
          ["周丽", "", "老粮站院落", "", "", "", "双报到", "区教育局", "纸质报到"],
          ["周丽", "", "老粮站院落", "", "", "", "网格摸排", "", ""]]


def test_the_party_roster_goes_into_the_ledger_once(world):
    from app.talents.models import LedgerEntry

    bad = ROSTER + [["", "139", "不存在的小区", "", "", "", "党员", "", ""],
                    ["吴", "", "观湖花园", "9栋", "", "101", "网格摸排", "", ""]]
    dry = world.import_xlsx("party-roster", "staff1", xlsx(bad), dry_run=True).get_json()
    assert dry["problems"] == [
        {"row": 6, "column": "姓名", "message": "姓名不能为空"},
        {"row": 6, "column": "手机号", "message": "手机号格式不正确"},
        {"row": 6, "column": "小区", "message": "小区不在本社区的户籍册中，请先导入户籍册"},
        {"row": 6, "column": "来源", "message": "来源只能是：双报到、流动党员、网格摸排"},
        {"row": 7, "column": "房号", "message": "该住户不在户籍册中"}]
    assert world.import_xlsx("party-roster", "staff1", xlsx(bad)).status_code == 422
    assert world.count(LedgerEntry) == 0
    done = world.import_xlsx("party-roster", "staff1", xlsx(ROSTER)).get_json()
    assert done["counts"] == {"entries_created": 4, "entries_unchanged": 0}
    again = world.import_xlsx("party-roster", "staff1", xlsx(ROSTER)).get_json()
    assert again["counts"] == {"entries_created": 0, "entries_unchanged": 4}
    assert world.count(LedgerEntry) == 4
    rows = world.get(f"/party-ledger?community_id={world.c1}", "staff1")["items"]
    assert rows[0]["household_id"] == world.homes["garden"][0]
    assert rows[1]["phone"] == "137****0008" and rows[1]["unit_name"] == "外地某厂党支部"
    found = world.get(f"/party-ledger/mismatches?community_id={world.c1}", "staff1")
    assert {p["name"]: p["problems"] for p in found["items"]} == {
        "孙卫东": ["not_registered"], "钱芳": ["not_in_grid"]}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def test_malformed_and_huge_files_are_a_4xx(world):
    cases = [
        (b"\x89PNG\r\n\x1a\n not a spreadsheet", 422, "bad_spreadsheet"),
        (b"", 422, "bad_spreadsheet"),
        (_zip({"hello.txt": b"hi"}), 422, "bad_spreadsheet"),
        (_zip({"xl/workbook.xml": b"<not xml"}), 422, "bad_spreadsheet"),
        (_zip({"xl/workbook.xml": b"0" * (65 * 1024 * 1024)}), 422, "bad_spreadsheet"),
        (xlsx([["名字", "别的"], ["x", "y"]]), 422, "missing_columns"),
        (xlsx([]), 422, "empty_spreadsheet"),
        (xlsx([HEADER] + [["滨江苑", "", "1栋", "", i, 1] for i in range(5001)]), 422,
         "too_many_rows"),
        (xlsx([HEADER] + [[]] * 10_001 + [["滨江苑", "", "1栋", "", 1, 1]]), 422,
         "too_many_rows"),
        (b"PK\x03\x04" + b"0" * (2 * 1024 * 1024 + 10), 413, "payload_too_large"),
    ]
    for data, status, code in cases:
        resp = world.import_xlsx("households", "staff1", data)
        assert resp.status_code == status, (code, resp.get_json())
        assert resp.get_json()["error"]["code"] == code
    big = world.import_xlsx("households", "staff1", b"0" * (3 * 1024 * 1024))
    assert big.status_code == 413
    missing = world.client.post(f"/api/v1/imports/households?community_id={world.c1}",
                                headers=world.h("staff1"), data={},
                                content_type="multipart/form-data")
    assert missing.status_code == 422
    world._headers["anonymous"] = {}
    world.users["anonymous"] = None
    assert world.import_xlsx("households", "anonymous", b"0" * 100_000).status_code == 401


def test_who_may_import(world):
    for who in ("staff2", "street_other", "orgdept", "r_garden", "outsider"):
        assert world.import_xlsx("households", who, xlsx(GOOD)).status_code == 403, who
    assert world.import_xlsx("households", "staff1", xlsx(GOOD),
                             community=99999).status_code == 404


def test_the_flask_commands(world, tmp_path):
    from app.community.models import Household

    path = tmp_path / "register.xlsx"
    path.write_bytes(xlsx(GOOD))
    runner = world.app.test_cli_runner()
    before = world.count(Household)
    dry = runner.invoke(args=["imports", "households", str(path), "--community-id",
                              str(world.c1), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert '"households_created": 4' in dry.output and world.count(Household) == before
    real = runner.invoke(args=["imports", "households", str(path), "--community-id",
                               str(world.c1)])
    assert real.exit_code == 0, real.output
    assert world.count(Household) == before + 4
    again = runner.invoke(args=["imports", "households", str(path), "--community-id",
                                str(world.c1)])
    assert '"households_unchanged": 5' in again.output and world.count(Household) == before + 4
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx(GOOD + [["滨江苑", "", "", "", 1, 1]]))
    refused = runner.invoke(args=["imports", "households", str(bad), "--community-id",
                                  str(world.c1)])
    assert refused.exit_code == 1 and "import_rejected" in refused.output
    assert "楼栋不能为空" in refused.output and world.count(Household) == before + 4
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(xlsx(ROSTER))
    done = runner.invoke(args=["imports", "party-roster", str(roster), "--community-id",
                               str(world.c1)])
    assert done.exit_code == 0 and '"entries_created": 4' in done.output
