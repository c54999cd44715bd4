"""The 填报 workflow: a unit opens its report for a period pre-filled from the records it holds,
corrects figures or explains differences, submits; the province approves or returns it with a
comment. Every step is kept in the report's history (``ReportEvent``) and in the audit log.

Every action carries the version the user read: none answers 428, a stale one 409.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.actor import Actor, Role
from shuanggao.audit import service as audit
from shuanggao.db.types import utcnow
from shuanggao.errors import Conflict, Forbidden, NotFound, ValidationFailed, VersionRequired
from shuanggao.kit import service as kit
from shuanggao.reports import filling_repository as repo
from shuanggao.reports.errors import ReportStateError
from shuanggao.reports.figures import (
    MAX_EXPLANATION,
    figure_text,
    parse_figure,
    recorded_value,
    reported_value,
)
from shuanggao.reports.models import (
    FIGURE_NAMES,
    PeriodicReport,
    ReportEvent,
    ReportIndicator,
    ReportPeriod,
)
from shuanggao.reports.policy import ReportPolicy
from shuanggao.reports.registers import reports
from shuanggao.reports.schemas import ReportStatus
from shuanggao.reports.sources import SOURCES, Number, RecordLine

_POLICY = ReportPolicy()


@dataclass(frozen=True)
class SheetLine:
    indicator: ReportIndicator
    reported: Number | None
    recorded: Number | None
    explanation: str | None

    @property
    def differs(self) -> bool:
        return self.recorded is not None and self.reported != self.recorded

    @property
    def needs_explanation(self) -> bool:
        return self.differs and not (self.explanation or "").strip()


@dataclass(frozen=True)
class Sheet:
    report: PeriodicReport
    period: ReportPeriod | None
    lines: list[SheetLine]
    can_edit: bool
    can_submit: bool
    can_review: bool

    @property
    def state_label(self) -> str:
        return state_label(self.report)


def state_label(report: PeriodicReport) -> str:
    if report.status == ReportStatus.DRAFT and report.return_comment:
        return "已退回"
    return ReportStatus(report.status).label


def _lines(session: Session, actor: Actor, report: PeriodicReport) -> list[SheetLine]:
    out = []
    for indicator in repo.active_indicators(session):
        out.append(
            SheetLine(
                indicator=indicator,
                reported=reported_value(report, indicator),
                recorded=recorded_value(
                    session, actor, indicator, report.zone_id, report.as_of_date, report.pairing_id
                ),
                explanation=(report.explanations or {}).get(indicator.code),
            )
        )
    return out


def get_sheet(session: Session, actor: Actor, report_id: int) -> Sheet:
    """A report with, for each active indicator, the reported figure beside the records' figure
    as of the report's date, and what the actor may do with it."""
    report: PeriodicReport = kit.get_record(session, actor, reports, report_id)
    period = repo.period(session, report.period_id) if report.period_id else None
    writer = actor.role is not Role.AUDITOR
    draft = writer and report.status == ReportStatus.DRAFT
    return Sheet(
        report=report,
        period=period,
        lines=_lines(session, actor, report),
        can_edit=draft and _POLICY.can_modify(actor, report),
        can_submit=draft and _POLICY.can_submit(actor, report),
        can_review=writer
        and report.status == ReportStatus.SUBMITTED
        and _POLICY.can_approve(actor, report),
    )


def records_behind(
    session: Session,
    actor: Actor,
    code: str,
    zone_id: int | None,
    day: dt.date,
    pairing_id: int | None = None,
) -> tuple[ReportIndicator | None, list[RecordLine], Number]:
    """The records the figure ``code`` counts for a zone (or the programme, or one pairing) on
    ``day``, in the actor's scope. ``code`` is an indicator code or a source key."""
    indicator = repo.indicator_by_code(session, code)
    key = indicator.source if indicator is not None else code
    source = SOURCES.get(key or "")
    if source is None:
        raise NotFound("该指标没有记录来源（仅由试点填报）。")
    if zone_id is not None and actor.role is Role.ZONE_ADMIN and zone_id != actor.zone_id:
        raise NotFound("高新区不存在或您无权查看。")
    if zone_id is not None:
        kit.get_record(session, actor, kit_register("zones"), zone_id)
    if pairing_id is not None:
        kit.get_record(session, actor, kit_register("pairings"), pairing_id)
    lines = source.lines(session, actor, zone_id, day, pairing_id)
    return indicator, lines, source.total(lines)


def kit_register(name: str) -> Any:
    from shuanggao.kit.register import get_register

    return get_register(name)


# ---- history ---------------------------------------------------------------------------------


def _event(
    session: Session,
    actor: Actor,
    report: PeriodicReport,
    action: str,
    comment: str | None = None,
    changes: dict[str, list[str | None]] | None = None,
) -> None:
    session.add(
        ReportEvent(
            report_id=report.id,
            at=utcnow(),
            username=actor.username,
            action=action,
            comment=comment,
            changes=changes or {},
        )
    )
    session.flush()


def history(session: Session, actor: Actor, report_id: int) -> list[ReportEvent]:
    kit.get_record(session, actor, reports, report_id)  # the tenant check
    return repo.events(session, report_id)


EVENT_LABELS = {
    "create": "按记录预填并创建",
    "save": "保存数字与说明",
    "submit": "提交",
    "return": "退回",
    "approve": "审核通过",
}


# ---- opening and saving ----------------------------------------------------------------------


def open_report(
    session: Session,
    actor: Actor,
    period_id: int,
    zone_id: int | None = None,
    pairing_id: int | None = None,
) -> PeriodicReport:
    """The unit's report for the period; created as a draft pre-filled from the records the
    unit holds when there is none. A zone administrator opens its own zone's report; a
    university administrator the report of one of its university's pairings."""
    if actor.role is Role.UNIVERSITY_ADMIN and pairing_id is None:
        raise ValidationFailed(fields={"pairing_id": "请选择填报的结对"})
    if pairing_id is not None:
        # Also the tenant check: a pairing outside the actor's scope answers 404.
        pairing = kit.get_record(session, actor, kit_register("pairings"), pairing_id)
        if zone_id is not None and zone_id != pairing.zone_id:
            raise ValidationFailed(fields={"pairing_id": "结对不属于所选高新区"})
        zone_id = pairing.zone_id
    elif actor.role is Role.ZONE_ADMIN:
        if zone_id is not None and zone_id != actor.zone_id:
            raise NotFound("高新区不存在或您无权查看。")
        zone_id = actor.zone_id
    if zone_id is None:
        raise ValidationFailed(fields={"zone_id": "请选择填报的高新区"})
    period = repo.period(session, period_id)
    if period is None:
        raise NotFound("填报期不存在。")
    if pairing_id is None:
        kit.get_record(session, actor, kit_register("zones"), zone_id)
        found = repo.zone_report_for_period(session, zone_id, period.period_end)
    else:
        found = repo.pairing_report_for_period(session, pairing_id, period.period_end)
    if found is not None:
        report: PeriodicReport = kit.get_record(session, actor, reports, found.id)
        return report
    values: dict[str, Any] = {
        "scope": "zone" if pairing_id is None else "pairing",
        "zone_id": zone_id,
        "pairing_id": pairing_id,
        "period_start": period.period_start,
        "period_end": period.period_end,
        "as_of_date": period.period_end,
        "period_id": period.id,
    }
    extra: dict[str, str] = {}
    recorded: dict[str, str] = {}
    for indicator in repo.active_indicators(session):
        value = recorded_value(session, actor, indicator, zone_id, period.period_end, pairing_id)
        if value is None:
            continue
        recorded[indicator.code] = str(value)
        if indicator.code in FIGURE_NAMES:
            values[indicator.code] = value
        else:
            extra[indicator.code] = str(value)
    values["extra_figures"] = extra
    values["recorded"] = recorded
    report = kit.create_record(session, actor, reports, values)
    _event(session, actor, report, "create")
    return report


def _require_version(report: PeriodicReport, expected_version: int | None) -> None:
    if expected_version is None:
        raise VersionRequired(extra={"current_version": report.version})
    if expected_version != report.version:
        raise Conflict(extra={"current_version": report.version})


def save_figures(
    session: Session,
    actor: Actor,
    report_id: int,
    *,
    expected_version: int | None,
    figures: dict[str, Any],
    explanations: dict[str, str],
) -> PeriodicReport:
    """Keep the reported figures and the explanations of differences (a draft only)."""
    report: PeriodicReport = kit.get_record(session, actor, reports, report_id)
    if actor.role is Role.AUDITOR or not _POLICY.can_modify(actor, report):
        raise Forbidden()
    _require_version(report, expected_version)
    if report.status != ReportStatus.DRAFT:
        raise ReportStateError("只有草稿或已退回的填报可以修改。")
    indicators = {i.code: i for i in repo.active_indicators(session)}
    unknown = sorted(set(figures) - set(indicators)) + sorted(set(explanations) - set(indicators))
    if unknown:
        raise ValidationFailed(fields={k: f"“{k}”不是启用的填报指标" for k in unknown})
    values: dict[str, Any] = {}
    extra = dict(report.extra_figures or {})
    notes = dict(report.explanations or {})
    recorded = dict(report.recorded or {})
    changes: dict[str, list[str | None]] = {}
    errors: dict[str, str] = {}
    for code, indicator in indicators.items():
        before = reported_value(report, indicator)
        if code in figures:
            try:
                after = parse_figure(indicator, figures[code])
            except ValidationFailed as exc:
                errors.update(exc.fields or {})
                continue
            if after != before:
                changes[code] = [figure_text(before), figure_text(after)]
            if code in FIGURE_NAMES:
                values[code] = after
            elif after is None:
                extra.pop(code, None)
            else:
                extra[code] = str(after)
        if code in explanations:
            text = explanations[code].strip()
            if len(text) > MAX_EXPLANATION:
                errors[code] = f"{indicator.label}：说明最多 {MAX_EXPLANATION} 字"
            elif text:
                notes[code] = text
            else:
                notes.pop(code, None)
        now = recorded_value(
            session, actor, indicator, report.zone_id, report.as_of_date, report.pairing_id
        )
        if now is not None:
            recorded[code] = str(now)
    if errors:
        raise ValidationFailed(fields=errors)
    values.update(extra_figures=extra, explanations=notes, recorded=recorded)
    saved = kit.update_record(
        session, actor, reports, report.id, values, expected_version=expected_version
    )
    _event(session, actor, saved, "save", changes=changes)
    return saved


# ---- transitions -----------------------------------------------------------------------------


def _load_for_action(
    session: Session, actor: Actor, report_id: int, expected_version: int | None
) -> PeriodicReport:
    if actor.role is Role.AUDITOR:
        raise Forbidden("审计员只能查看，不能修改数据。")
    report: PeriodicReport = kit.get_record(session, actor, reports, report_id)
    _require_version(report, expected_version)
    return report


def _transition(
    session: Session,
    actor: Actor,
    report: PeriodicReport,
    action: str,
    summary: str,
    comment: str | None,
) -> PeriodicReport:
    before = kit.snapshot(reports, report)
    report.version += 1
    session.flush()
    session.refresh(report)
    fresh: PeriodicReport = kit.get_record(session, Actor.system(), reports, report.id)
    after = kit.snapshot(reports, fresh)
    changed = [k for k in after if before.get(k) != after.get(k)]
    audit.record(
        session,
        actor,
        action,
        reports.name,
        fresh.id,
        summary=f"{summary}：{fresh.title}" + (f"（{comment}）" if comment else ""),
        before={k: before.get(k) for k in changed},
        after={k: after.get(k) for k in changed},
    )
    _event(session, actor, fresh, action, comment)
    return fresh


def submit_report(
    session: Session,
    actor: Actor,
    report_id: int,
    *,
    expected_version: int | None = None,
    comment: str | None = None,
) -> PeriodicReport:
    """草稿 → 已提交. A zone administrator submits its zone's reports; the province any. Every
    figure that differs from the records must be explained first."""
    report = _load_for_action(session, actor, report_id, expected_version)
    if not _POLICY.can_submit(actor, report):
        raise Forbidden()
    if report.status != ReportStatus.DRAFT:
        raise ReportStateError("只有草稿状态的填报可以提交。")
    if report.period_id is not None:
        missing = [line for line in _lines(session, actor, report) if line.needs_explanation]
        if missing:
            raise ValidationFailed(
                "填报数字与平台记录不一致，请说明差异后再提交。",
                fields={
                    line.indicator.code: (
                        f"{line.indicator.label}：填报 {figure_text(line.reported) or '未填'}，"
                        f"记录 {figure_text(line.recorded)}，请说明差异"
                    )
                    for line in missing
                },
            )
    report.status = ReportStatus.SUBMITTED.value
    report.submitted_by = actor.username
    report.submitted_at = utcnow()
    return _transition(session, actor, report, "submit", "提交填报", comment)


def _submitted_for_review(
    session: Session, actor: Actor, report_id: int, expected_version: int | None, verb: str
) -> PeriodicReport:
    """A submitted report the province may approve or return (``verb`` names the action)."""
    report = _load_for_action(session, actor, report_id, expected_version)
    if not _POLICY.can_approve(actor, report):
        raise Forbidden(f"只有省级管理员可以{verb}填报。")
    if report.status != ReportStatus.SUBMITTED:
        raise ReportStateError(f"只有已提交的填报可以{verb}。")
    return report


def approve_report(
    session: Session,
    actor: Actor,
    report_id: int,
    *,
    expected_version: int | None = None,
    comment: str | None = None,
) -> PeriodicReport:
    """已提交 → 已审核. Only the province approves; approved figures feed the statistics."""
    report = _submitted_for_review(session, actor, report_id, expected_version, "审核")
    report.status = ReportStatus.APPROVED.value
    report.approved_by = actor.username
    report.approved_at = utcnow()
    report.return_comment = None
    return _transition(session, actor, report, "approve", "审核通过填报", comment)


def return_report(
    session: Session,
    actor: Actor,
    report_id: int,
    *,
    expected_version: int | None = None,
    comment: str | None = None,
) -> PeriodicReport:
    """已提交 → 草稿 (退回修改), with the province's comment. Only the province returns one."""
    report = _submitted_for_review(session, actor, report_id, expected_version, "退回")
    if not (comment or "").strip():
        raise ValidationFailed(fields={"comment": "退回时请填写意见，说明需要修改什么"})
    report.status = ReportStatus.DRAFT.value
    report.submitted_by = None
    report.submitted_at = None
    report.return_comment = (comment or "").strip()
    return _transition(session, actor, report, "return", "退回填报", comment)


def source_label(key: str) -> str:
    source = SOURCES.get(key)
    return source.label if source is not None else key


def source_money(key: str) -> bool:
    source = SOURCES.get(key)
    return source.money if source is not None else False
