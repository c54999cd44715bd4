"""What the demo data is made of: the article's pairs and facts, and the vocabulary that generated
records are drawn from. Everything here is demo content, stored with ``is_demo``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

# The article the programme figures and the named pairs come from.
ARTICLE_TITLE = "《“双高协同”让科技成果“甜”在两头》（本报记者 刘琴 霍立峰）"
ARTICLE_NOTE = f"据报道{ARTICLE_TITLE}，数据截至2025年11月"
ARTICLE_DATE = dt.date(2025, 11, 30)

# Demo dates: the programme started in July 2025; generated records run to November 2026.
DEMO_START = dt.date(2025, 7, 1)
DEMO_END = dt.date(2026, 11, 20)
PILOT_ANNOUNCED = dt.date(2025, 7, 31)


@dataclass(frozen=True)
class ProgrammeReportFacts:
    period_start: dt.date = DEMO_START
    period_end: dt.date = ARTICLE_DATE
    as_of_date: dt.date = ARTICLE_DATE
    figures: dict[str, int | Decimal] = field(
        default_factory=lambda: {
            "zones": 18,
            "universities": 37,
            "pairings": 51,
            "projects": 342,
            "platforms": 58,
            "residents": 1000,
            "enterprises_served": 560,
            "funding_yuan": Decimal("750000000"),
        }
    )
    # “1000多名师生常驻园区”, “服务企业超560家”.
    qualifiers: dict[str, str] = field(
        default_factory=lambda: {"residents": "多", "enterprises_served": "超"}
    )


ARTICLE_REPORT = ProgrammeReportFacts()


@dataclass(frozen=True)
class DemoPair:
    """Universities a zone is paired with in the demo when no real pairing is loaded."""

    zone: str
    universities: tuple[str, ...]
    industry_direction: str
    from_article: bool = False


# The article's 盐城 pair first; the others give every pilot zone a pairing to hang records on.
DEMO_PAIRS: tuple[DemoPair, ...] = (
    DemoPair(
        "盐城环保高新区",
        ("南京大学", "盐城工学院", "盐城师范学院"),
        "环保装备与绿色低碳（生态修复、智慧环保）",
        from_article=True,
    ),
    DemoPair("南京建邺高新区", ("南京工程学院",), "新型储能与数字经济", from_article=True),
    DemoPair("江阴高新区", ("无锡学院",), "集成电路测试", from_article=True),
    DemoPair("南京鼓楼高新区", ("南京邮电大学", "河海大学"), "软件与信息服务、数字经济"),
    DemoPair("常州高新区", ("常州大学", "常州工学院"), "新能源与智能制造"),
    DemoPair("溧阳高新区", ("江苏理工学院",), "动力电池与储能"),
    DemoPair("苏州高新区", ("苏州大学", "苏州科技大学", "苏州城市学院"), "医疗器械与光子"),
    DemoPair("常熟高新区", ("苏州科技大学",), "汽车零部件与智能网联"),
    DemoPair("南通高新区", ("南通大学",), "船舶海工与高端纺织"),
    DemoPair("南通市北高新区", ("南通理工学院",), "智能装备与软件"),
    DemoPair("泰州医药高新区", ("中国药科大学", "泰州学院"), "生物医药与大健康"),
    # The baseline names these pairs; they are used only when the baseline is not loaded.
    DemoPair("无锡高新区", ("江南大学",), "生物医药"),
    DemoPair("徐州高新区", ("徐州工程学院",), "工程机械与安全装备"),
    DemoPair("连云港高新区", ("江苏海洋大学", "南京工业大学"), "医药与新材料"),
    DemoPair("淮安高新区", ("南京信息工程大学", "南京工业大学"), "电子信息与绿色食品"),
    DemoPair("镇江高新区", ("江苏科技大学", "江苏大学", "江苏理工学院"), "船舶海工与高端装备"),
    DemoPair("扬州高新区", ("扬州大学", "南京农业大学"), "生物健康"),
    DemoPair("宿迁高新区", ("南京工程学院",), "光伏与新材料"),
)

# Themes of each pilot zone: (industry words for names and titles, technology topics).
ZONE_THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "南京鼓楼高新区": (("软件", "信息", "数字"), ("工业软件", "数据要素", "智能算法", "网络安全")),
    "南京建邺高新区": (
        ("储能", "数字", "能源"),
        ("锂电池储能安全预警", "储能系统能量管理", "虚拟电厂调度", "数字孪生"),
    ),
    "无锡高新区": (
        ("物联网", "生物", "微电子"),
        ("物联网感知", "生物医药制剂", "功率半导体", "智能传感器"),
    ),
    "江阴高新区": (
        ("半导体", "微电子", "新材料"),
        ("芯片测试", "集成电路封装", "高端金属材料", "晶圆检测"),
    ),
    "徐州高新区": (
        ("装备", "机械", "安全"),
        ("工程机械智能化", "矿山安全监测", "液压系统", "高端轴承"),
    ),
    "常州高新区": (
        ("新能源", "智造", "光伏"),
        ("光伏组件", "智能制造系统", "碳纤维复合材料", "新能源汽车电驱"),
    ),
    "溧阳高新区": (
        ("电池", "储能", "材料"),
        ("固态电池", "动力电池回收", "电池管理系统", "正极材料"),
    ),
    "苏州高新区": (("医疗", "光电", "精密"), ("高端医疗器械", "光子芯片", "精密检测", "生物材料")),
    "常熟高新区": (
        ("汽车", "智能", "电子"),
        ("汽车电子", "智能网联", "轻量化车身", "汽车零部件检测"),
    ),
    "南通高新区": (
        ("海工", "纺织", "装备"),
        ("船舶海工装备", "高端纺织材料", "海洋工程防腐", "智能焊接"),
    ),
    "南通市北高新区": (
        ("智能", "软件", "装备"),
        ("工业机器人", "工业互联网", "智能仓储", "机器视觉"),
    ),
    "连云港高新区": (
        ("医药", "化工", "材料"),
        ("创新药物", "新型化工材料", "硅基新材料", "中药现代化"),
    ),
    "淮安高新区": (
        ("食品", "化工", "电子"),
        ("绿色食品加工", "盐化工新材料", "电子信息元件", "智能检测"),
    ),
    "盐城环保高新区": (
        ("环保", "低碳", "生态"),
        ("大气污染治理", "水处理装备", "生态修复", "智慧环保监测"),
    ),
    "扬州高新区": (("生物", "健康", "汽车"), ("生物健康", "汽车零部件", "数控机床", "功能食品")),
    "镇江高新区": (
        ("船舶", "海工", "装备"),
        ("船舶海工装备", "高端装备制造", "航空航天材料", "智能焊接"),
    ),
    "泰州医药高新区": (
        ("医药", "生物", "健康"),
        ("生物医药", "疫苗研发", "高端医疗器械", "中药新药"),
    ),
    "宿迁高新区": (("光伏", "食品", "材料"), ("光伏电池", "绿色食品", "功能性新材料", "智能家居")),
}

# Administrative division codes of the cities, for the 统一社会信用代码 of demo enterprises.
CITY_CODES: dict[str, str] = {
    "南京市": "320100",
    "无锡市": "320200",
    "徐州市": "320300",
    "常州市": "320400",
    "苏州市": "320500",
    "南通市": "320600",
    "连云港市": "320700",
    "淮安市": "320800",
    "盐城市": "320900",
    "扬州市": "321000",
    "镇江市": "321100",
    "泰州市": "321200",
    "宿迁市": "321300",
}

NAME_SYLLABLES = (
    "澄",
    "芯",
    "瑞",
    "恒",
    "远",
    "精",
    "微",
    "源",
    "达",
    "信",
    "博",
    "航",
    "润",
    "晟",
    "拓",
    "华",
    "创",
    "联",
    "睿",
    "泰",
    "宏",
    "凯",
    "越",
    "新",
    "德",
    "盛",
    "启",
    "辰",
    "腾",
    "嘉",
)
COMPANY_SUFFIXES = ("科技", "技术", "智能", "装备", "新材料", "电子")

SURNAMES = (
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "周",
    "吴",
    "徐",
    "孙",
    "朱",
    "马",
    "胡",
    "郭",
    "林",
    "何",
    "高",
    "罗",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "许",
    "韩",
    "冯",
    "邓",
    "曹",
)
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀",
    "霞",
    "平",
    "刚",
    "桂",
    "文",
    "华",
    "鑫",
    "宇",
    "浩",
    "博",
    "晨",
    "欣",
    "悦",
    "哲",
    "睿",
    "思",
)
DEPARTMENTS = (
    ("机械工程学院", "0802"),
    ("电子信息工程学院", "0810"),
    ("材料科学与工程学院", "0805"),
    ("计算机科学与技术学院", "0812"),
    ("电气工程学院", "0808"),
    ("化学化工学院", "0817"),
    ("环境科学与工程学院", "0830"),
    ("药学院", "1007"),
    ("控制科学与工程学院", "0811"),
)
TEACHER_ROLES = ("科技副总", "产业教授", "驻企工程师", "联合实验室负责人", "技术顾问")
STUDENT_ROLES = ("研究生工作站", "驻企实习", "联合培养研究生", "卓越工程师实践")
PROJECT_PATTERNS = (
    "{topic}关键技术研究",
    "{topic}工程化应用",
    "面向{word}产业的{topic}联合攻关",
    "{topic}中试验证",
    "{topic}成果转化",
)
PLATFORM_PATTERNS = (
    ("{word}{topic}联合实验室", "joint_lab"),
    ("{topic}概念验证中心", "proof_of_concept"),
    ("{topic}中试平台", "pilot_scale"),
    ("{word}产业学院", "industry_college"),
    ("{topic}研究生工作站", "graduate_workstation"),
)
