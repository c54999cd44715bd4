"""Vocabulary of the 双高协同 programme (苏政办发〔2025〕28号), shared by every domain."""

from __future__ import annotations

from shuanggao.kit.enums import LabeledEnum


class TaskArea(LabeledEnum):
    """The six task areas of the implementation opinion, used to classify work."""

    NEW_QUALITY_TRANSFORMATION = ("new_quality_transformation", "高新区新质转型")
    HIGHER_EDUCATION_REFORM = ("higher_education_reform", "高等教育综合改革")
    KEY_CORE_TECHNOLOGY = ("key_core_technology", "关键核心技术攻关")
    ACHIEVEMENT_TRANSFER = ("achievement_transfer", "科技成果转化")
    INDUSTRY_EDUCATION_TALENT = ("industry_education_talent", "产教融合人才培养")
    RESOURCE_SHARING = ("resource_sharing", "创新资源共享")


class FiveOneKind(LabeledEnum):
    """The 五个一 system of each pilot."""

    INDUSTRY_DIRECTION = ("industry_direction", "一个产业方向")
    PLATFORM = ("platform", "一个科创平台")
    LEADING_TALENT = ("leading_talent", "一名领军人才")
    CONVERSION_FUND = ("conversion_fund", "一只转化基金")
    BENCHMARK_PROJECTS = ("benchmark_projects", "一批标杆项目")


class ProgressStatus(LabeledEnum):
    NOT_STARTED = ("not_started", "未启动")
    IN_PROGRESS = ("in_progress", "推进中")
    LANDED = ("landed", "已落地")


class Batch(LabeledEnum):
    """Pairing batches. The first pilot batch was announced in July 2025."""

    PILOT_2025 = ("pilot_2025", "2025 首批试点")
    EXPANSION_2026 = ("expansion_2026", "2026 扩面")
    FULL_COVERAGE_2027 = ("full_coverage_2027", "2027 全覆盖")
    OTHER = ("other", "其他")


# The implementation opinion's goal: every provincial-level-or-above zone paired by the end of 2027.
FULL_COVERAGE_TARGET_YEAR = 2027


class FactKind(LabeledEnum):
    """What a public programme fact (ProgrammeFact) reports."""

    EVENT = ("event", "活动")
    PLAN = ("plan", "计划")
    FUND = ("fund", "基金与资金")
    PROJECT = ("project", "项目")
    TALENT = ("talent", "人才")
    PLATFORM = ("platform", "平台")
    LIST = ("list", "清单")
    BASE = ("base", "基地")
    MECHANISM = ("mechanism", "机制")
    AGREEMENT = ("agreement", "协议")
    POLICY = ("policy", "政策")
    PROGRAMME_TOTAL = ("programme_total", "全省汇总")


class PolicyListKind(LabeledEnum):
    """The two lists issued on 2025-09-10 by 省科技厅、省委人才办、省教育厅."""

    POLICY_GUIDE = ("policy_guide", "政策指南清单")
    REFORM_GUIDE = ("reform_guide", "改革指引清单")


class AudienceRole(LabeledEnum):
    """Who a policy or reform item is for, as a role of the platform (``actor.Role`` values)."""

    PROVINCE_ADMIN = ("province_admin", "省级管理员")
    ZONE_ADMIN = ("zone_admin", "高新区管理员")
    UNIVERSITY_ADMIN = ("university_admin", "高校管理员")
    ENTERPRISE_USER = ("enterprise_user", "企业用户")
    RESEARCHER = ("researcher", "科研人员")
    STUDENT = ("student", "学生")
    MENTOR = ("mentor", "导师")


class OrgKind(LabeledEnum):
    """The kinds of organisation a policy or reform item applies to."""

    ZONE = ("zone", "高新区")
    UNIVERSITY = ("university", "高校")
    ENTERPRISE = ("enterprise", "企业")
