"""The loaded reference data, the code checks, paths, search and the classifier label sets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from shuanggao.actor import Actor
from shuanggao.pairings.models import Pairing, PairingUniversity
from shuanggao.programme.models import PolicyItem, ProgrammeFact, ProgrammeFactUniversity
from shuanggao.reference import service
from shuanggao.reference.enums import DisciplineKind, IndustryLevel
from shuanggao.reference.errors import ReferenceLoadFailed
from shuanggao.reference.models import Discipline, Industry
from shuanggao.reference_loader import load_reference
from shuanggao.universities.models import University
from shuanggao.zones.models import Zone
from tests.factories import create_university

SYSTEM = Actor.system("tests")


def _count(session: Session, model: type, *where: object) -> int:
    stmt = select(func.count()).select_from(model)
    for cond in where:
        stmt = stmt.where(cond)  # type: ignore[arg-type]
    return session.scalar(stmt) or 0


def test_industry_and_discipline_counts(reference_session: Session) -> None:
    s = reference_session
    rows = s.execute(select(Industry.level, func.count()).group_by(Industry.level))
    by_level = dict(rows.all())
    assert by_level == {"section": 20, "division": 97, "group": 473, "class": 1382}
    assert _count(s, Industry, Industry.is_strategic) == 469
    assert _count(s, Industry, Industry.is_high_tech) == 182
    assert _count(s, Industry, Industry.is_digital) == 130
    rows = s.execute(select(Discipline.kind, func.count()).group_by(Discipline.kind))
    kinds = dict(rows.all())
    assert kinds == {"category": 14, "academic": 117, "professional": 67}


def test_lithium_battery_node(reference_session: Session) -> None:
    node = reference_session.scalars(select(Industry).where(Industry.code == "3841")).one()
    assert (node.full_code, node.name, node.level, node.parent_code) == (
        "C3841",
        "锂离子电池制造",
        "class",
        "384",
    )
    assert node.tags == ["highTech_mfg", "ip密集型", "strategic"]
    assert node.strategic_paths == [
        "新一代信息技术产业 > 电子核心产业 > 高储能和关键电子材料制造",
        "新能源汽车产业 > 新能源汽车装置、配件制造 > 新能源汽车储能装置制造",
    ]
    assert node.key_products == [
        "锂离子电池单体、模块及系统",
        "新能源汽车用能量型锂离子电池",
        "新能源汽车用功率型锂离子电池",
        "新能源汽车用能量、功率兼顾型锂离子电池",
    ]
    assert (node.is_strategic, node.is_high_tech, node.is_digital) == (True, True, False)


def test_universities_national_list_with_jiangsu(reference_session: Session) -> None:
    s = reference_session
    assert _count(s, University) == 2919
    jiangsu = University.province == "江苏省"
    assert _count(s, University, jiangsu) == 175
    assert _count(s, University, jiangsu, University.level == "undergraduate") == 82
    assert _count(s, University, jiangsu, University.is_private) == 46
    seu = s.scalars(select(University).where(University.name == "东南大学")).one()
    assert (seu.code, seu.city, seu.authority, seu.level, seu.is_pilot) == (
        "4132010286",
        "南京市",
        "教育部",
        "undergraduate",
        True,
    )
    pilots = s.scalars(select(University.name).where(University.is_pilot).order_by(University.name))
    assert sorted(pilots) == sorted(
        [
            "江南大学",
            "东南大学",
            "徐州工程学院",
            "南京工业大学",
            "江苏海洋大学",
            "南京信息工程大学",
            "江苏科技大学",
            "江苏大学",
            "江苏理工学院",
            "扬州大学",
            "南京农业大学",
            "南京工程学院",
        ]
    )


def test_zones_pilots_and_levels(reference_session: Session) -> None:
    s = reference_session
    zones = {z.name: z for z in s.scalars(select(Zone))}
    assert len(zones) == 28
    assert sum(z.is_pilot for z in zones.values()) == 18
    levels: dict[str, int] = {}
    for z in zones.values():
        levels[z.level] = levels.get(z.level, 0) + 1
    assert levels == {"national": 18, "provincial": 4, "provincial_prep": 5, "unknown": 1}
    # A pilot zone no file gives a level for: created, level left unknown and said so.
    shibei = zones["南通市北高新区"]
    assert (shibei.city, shibei.level, shibei.is_pilot) == ("南通市", "unknown", True)
    assert shibei.note is not None and "级别待核实" in shibei.note
    assert shibei.source_date == dt.date(2025, 8, 4)
    # 溧阳: article zone, its provincial level backed by provincial_zones.csv.
    liyang = zones["溧阳高新区"]
    assert (liyang.level, liyang.is_pilot) == ("provincial", True)
    assert liyang.note is not None and "liyang.021cf.cn" in liyang.note
    xitaihu = zones["西太湖高新区"]
    assert (xitaihu.full_name, xitaihu.level, xitaihu.is_pilot, xitaihu.source_date) == (
        "江苏省西太湖高新技术产业开发区（筹）",
        "provincial_prep",
        False,
        dt.date(2020, 7, 27),
    )
    assert not zones["南京高新区"].is_pilot
    assert zones["南京高新区"].source_url is None


def test_pilot_pairings_with_sources(reference_session: Session) -> None:
    s = reference_session
    pairings = s.scalars(
        select(Pairing)
        .options(
            selectinload(Pairing.zone),
            selectinload(Pairing.members).selectinload(PairingUniversity.university),
        )
        .order_by(Pairing.id)
    ).all()
    assert [(p.zone.name, p.university_names) for p in pairings] == [
        ("无锡高新区", ["江南大学"]),
        ("江阴高新区", ["东南大学"]),
        ("徐州高新区", ["徐州工程学院"]),
        ("连云港高新区", ["南京工业大学", "江苏海洋大学"]),
        ("淮安高新区", ["南京信息工程大学", "南京工业大学"]),
        ("镇江高新区", ["江苏科技大学", "江苏大学", "江苏理工学院"]),
        ("扬州高新区", ["扬州大学", "南京农业大学"]),
        ("南京建邺高新区", ["南京工程学院"]),
        ("宿迁高新区", ["南京工程学院"]),
    ]
    assert sum(len(p.members) for p in pairings) == 14
    assert all(p.source_url and p.batch == "pilot_2025" for p in pairings)
    assert all(p.status == "active" and p.start_date == dt.date(2025, 8, 4) for p in pairings)
    zhenjiang = pairings[5]
    assert zhenjiang.industry_direction == "船舶海工与高端装备"
    assert zhenjiang.source_url == "http://www.qunkj.com/2025/1114/1931659.shtml"
    assert zhenjiang.source_date == dt.date(2025, 11, 14)
    assert pairings[3].source_date is None  # the 连云港 page shows no date
    # Pilot zones without a confirmed pair stay unpaired.
    paired = {p.zone.name for p in pairings}
    assert "盐城环保高新区" not in paired and "南京鼓楼高新区" not in paired


def test_programme_facts_and_policy_items(reference_session: Session) -> None:
    s = reference_session
    assert _count(s, ProgrammeFact) == 61
    assert _count(s, ProgrammeFactUniversity) == 58
    assert _count(s, ProgrammeFact, ProgrammeFact.kind == "programme_total") == 8
    assert _count(s, ProgrammeFact, ProgrammeFact.zone_id.is_not(None)) == 50
    facts = {
        (f.scope, f.name): f
        for f in s.scalars(
            select(ProgrammeFact).options(
                selectinload(ProgrammeFact.links).selectinload(ProgrammeFactUniversity.university)
            )
        )
    }
    fund = facts[("江阴高新区", "江阴高新区“双高协同”专项资金")]
    assert (fund.kind, fund.figure, fund.unit, fund.fact_date) == (
        "fund",
        Decimal("1"),
        "亿元",
        dt.date(2025, 11, 14),
    )
    patents = facts[("无锡高新区", "三张清单：高校可供转化专利成果")]
    assert (patents.figure, patents.unit, patents.universities) == (Decimal("5151"), "项", None)
    hohai = facts[("南京鼓楼高新区", "获批市级概念验证中心（河海大学、南京水利科学研究院等）")]
    assert (hohai.universities, hohai.university_names) == ("河海大学等", ["河海大学"])
    unnamed = facts[("苏州高新区", "成果转化基金")]
    assert (unnamed.universities, unnamed.university_names) == ("（3所结对高校，报道未具名）", [])
    total = facts[("全省", "试点结对（18个高新区×37所高校，覆盖13个设区市）")]
    assert (total.zone_id, total.figure, total.unit) == (None, Decimal("51"), "对")
    items = s.scalars(select(PolicyItem).order_by(PolicyItem.list_kind, PolicyItem.no)).all()
    assert [(i.list_kind, i.no) for i in items] == [
        ("policy_guide", 1),
        ("policy_guide", 2),
        ("policy_guide", 3),
        ("reform_guide", 1),
    ]
    assert items[0].title == "深入推进“一园区一产业一赛道”工程（一、培育发展前沿赛道）"


def test_reload_keeps_what_people_maintain(reference_session: Session) -> None:
    s = reference_session
    wuxi = s.scalars(select(Zone).where(Zone.name == "无锡高新区")).one()
    wuxi.leading_industries = "集成电路；物联网"
    wuxi.industry_codes = ["C3973"]
    shibei = s.scalars(select(Zone).where(Zone.name == "南通市北高新区")).one()
    shibei.level = "provincial"
    s.flush()
    versions = (wuxi.version, shibei.version)
    report = load_reference(s, SYSTEM)
    assert report.totals.changed == 0
    assert report.totals.unchanged == 5191
    s.refresh(wuxi)
    s.refresh(shibei)
    assert (wuxi.leading_industries, wuxi.industry_codes) == ("集成电路；物联网", ["C3973"])
    assert shibei.level == "provincial"
    assert (wuxi.version, shibei.version) == versions


def test_reload_restores_a_changed_standard_field(reference_session: Session) -> None:
    s = reference_session
    node = s.scalars(select(Industry).where(Industry.code == "3841")).one()
    node.name = "电池"
    s.flush()
    report = load_reference(s, SYSTEM)
    assert report.steps["industries"].updated == 1
    assert report.steps["industries"].unchanged == 1971
    s.refresh(node)
    # The hand edit's UPDATE moved the version (every UPDATE does), the reload's moved it again.
    assert (node.name, node.version) == ("锂离子电池制造", 3)


def test_hand_made_university_with_an_official_name_refuses_the_load(session: Session) -> None:
    create_university(session, code="4132099999", name="南京大学")
    with pytest.raises(ReferenceLoadFailed) as err:
        load_reference(session, SYSTEM)
    assert err.value.problems == [
        "universities/moe_2025_putong_gaoxiao.csv 第 748 行：数据库中已有名为“南京大学”的高校，"
        "但学校标识码不是 4132010284，请先更正该记录"
    ]
    assert _count(session, Industry) == 0
    assert _count(session, University) == 1


def test_validate_industry_codes(reference_session: Session) -> None:
    codes = ["C3841", "3841", "c3841", "A3841", "C", "C38", "C99", "X", "", "C38411"]
    assert service.validate_industry_codes(reference_session, codes) == [
        "A3841",
        "C99",
        "X",
        "",
        "C38411",
    ]


def test_validate_discipline_codes(reference_session: Session) -> None:
    codes = ["0812", " 0854", "08", "9999", "081201"]
    assert service.validate_discipline_codes(reference_session, codes) == ["08", "9999", "081201"]
    assert service.validate_discipline_codes(reference_session, codes, allow_categories=True) == [
        "9999",
        "081201",
    ]


def test_industry_path() -> None:
    assert [(n.full_code, n.name) for n in service.industry_path("C3841")] == [
        ("C", "制造业"),
        ("C38", "电气机械和器材制造业"),
        ("C384", "电池制造"),
        ("C3841", "锂离子电池制造"),
    ]
    assert [n.code for n in service.industry_path("3841")] == ["C", "38", "384", "3841"]
    assert service.industry_path("A3841") == []
    assert service.industry_path("9999") == []


def test_search_finds_lithium_battery_first(reference_session: Session) -> None:
    found = service.search_industries(reference_session, SYSTEM, "锂电池")
    assert [n.code for n in found] == ["3841", "2921", "3251", "3563", "3985"]
    by_code = service.search_industries(reference_session, SYSTEM, "C3841")
    assert by_code[0].code == "3841"
    groups = service.search_industries(reference_session, SYSTEM, "电池", level=IndustryLevel.GROUP)
    assert [n.code for n in groups] == ["384"]
    assert service.search_industries(reference_session, SYSTEM, "  ") == []


def test_classifier_label_sets() -> None:
    classes = service.industry_labels()
    assert len(classes) == 1382
    battery = next(label for label in classes if label.code == "C3841")
    assert battery.name == "锂离子电池制造"
    assert battery.text.startswith("锂离子电池制造\n包括对下列锂离子电池的制造活动：")
    assert "新能源汽车用功率型锂离子电池" in battery.text
    assert "不包括" not in next(label for label in classes if label.code == "A0151").text
    assert len(service.industry_labels(IndustryLevel.DIVISION)) == 97
    emerging = service.emerging_labels()
    assert len(emerging) == 305
    storage = next(e for e in emerging if e.name == "新能源汽车储能装置制造")
    assert "锂离子电池制造" in storage.text
    disciplines = service.discipline_labels()
    assert len(disciplines) == 117
    cs = next(label for label in disciplines if label.code == "0812")
    assert (cs.name, cs.text) == ("计算机科学与技术", "计算机科学与技术\n工学\n可授工学、理学学位")
    both = service.discipline_labels((DisciplineKind.ACADEMIC, DisciplineKind.PROFESSIONAL))
    assert len(both) == 184


def test_bad_programme_rows_are_all_named_before_anything_is_written(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shuanggao.programme import data

    facts = data.PAIR_FACTS_CSV.read_text(encoding="utf-8")
    facts = facts.replace("河海大学等", "河海学院等").replace(",talent,", ",rumour,")
    bad_facts = tmp_path / "pair_facts.csv"
    bad_facts.write_text(facts, encoding="utf-8")
    pairs = data.PAIRS_CSV.read_text(encoding="utf-8").replace("宿迁高新区,", "宿豫高新区,")
    bad_pairs = tmp_path / "pairs.csv"
    bad_pairs.write_text(pairs, encoding="utf-8")
    monkeypatch.setattr(data, "PAIR_FACTS_CSV", bad_facts)
    monkeypatch.setattr(data, "PAIRS_CSV", bad_pairs)
    with pytest.raises(ReferenceLoadFailed) as err:
        load_reference(session, SYSTEM)
    assert err.value.problems == [
        "programme/pair_facts.csv 第 6 行：类别“rumour”不正确",
        "programme/pair_facts.csv 第 50 行：高校“河海学院”不在教育部普通高等学校名单中",
        "programme/pairs.csv 第 15 行：高新区“宿豫高新区”不在高新区名单中",
    ]
    assert _count(session, Industry) == 0
