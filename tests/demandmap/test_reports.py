"""Gap reports (zone, university) as JSON and Excel, and a university's reverse view."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.conftest import ClientFor
from tests.demandmap.conftest import MapWorld


def test_zone_gap_report_and_its_excel(world: MapWorld, client_for: ClientFor) -> None:
    client = client_for(world.zone_admin)
    gaps = client.get(f"/api/v1/chainmap/zones/{world.zone.id}/gaps").json()
    # By node in chain order: 正负极材料 (position 0) before 系统集成 (position 4).
    assert [(g["node"], g["title"]) for g in gaps] == [
        ("正负极材料", "光刻胶树脂国产化"),
        ("系统集成", "航空发动机单晶叶片定向凝固"),
    ]
    assert gaps[0]["elsewhere_title"] == "光刻胶树脂合成与纯化技术"
    assert gaps[0]["elsewhere_owner"] == "王老师（其他大学）"
    resp = client.get(f"/zones/{world.zone.id}/gaps.xlsx")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(resp.content))["缺口"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("新型储能", "正负极材料", "光刻胶树脂国产化"),
        ("新型储能", "系统集成", "航空发动机单晶叶片定向凝固"),
    ]
    assert rows[0][8] == "光刻胶树脂合成与纯化技术"


def test_reverse_view(world: MapWorld, client_for: ClientFor) -> None:
    client = client_for(world.zone_admin)
    view = client.get(f"/api/v1/chainmap/universities/{world.paired.id}").json()
    items = {i["title"]: i for i in view["items"]}
    assert set(items) == {"储能电站热失控安全预警算法", "茶叶加工工艺"}
    safety = items["储能电站热失控安全预警算法"]
    assert safety["needed"] is True
    assert {(x["chain"], x["node"], x["demand"]) for x in safety["landings"]} == {
        ("新型储能", "运维与安全", "储能电站热失控安全预警"),
        ("新型储能", "运维与安全", "内部需求：储能安全运维"),
    }
    assert items["茶叶加工工艺"]["needed"] is False and view["unused"] == 1
    assert view["nodes"][0]["node"] == "运维与安全" and view["nodes"][0]["items"] == 1
    page = client.get(f"/universities/{world.paired.id}/chains")
    assert page.status_code == 200
    assert '<span class="figure-number" id="items-unused">1</span>' in page.text
    assert client.get("/api/v1/chainmap/universities/999999").status_code == 404


def test_university_discipline_gaps(world: MapWorld, client_for: ClientFor) -> None:
    client = client_for(world.province)
    gaps = client.get(f"/api/v1/chainmap/universities/{world.paired.id}/gaps").json()
    assert gaps["disciplines_held"] == ["0808"]
    lacking = {g["code"]: g for g in gaps["lacking"]}
    # The 光刻胶 need is answered (elsewhere) by a 0817 item: a discipline 结对大学 lacks.
    assert lacking["0817"]["name"] == "化学工程与技术"
    assert lacking["0817"]["examples"] == ["光刻胶树脂国产化"]
    assert "0808" not in lacking
    resp = client.get(f"/universities/{world.paired.id}/gaps.xlsx")
    sheet = load_workbook(io.BytesIO(resp.content))["学科缺口"]
    codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert codes == [g["code"] for g in gaps["lacking"]]
