"""Who is acting: the role and tenant every service call is scoped by.

Services take an ``Actor`` and apply the scope themselves, so the same rule holds for the web
pages, the JSON API, the CLI, exports and match results.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    PROVINCE_ADMIN = "province_admin"
    ZONE_ADMIN = "zone_admin"
    UNIVERSITY_ADMIN = "university_admin"
    ENTERPRISE_USER = "enterprise_user"
    RESEARCHER = "researcher"
    STUDENT = "student"
    MENTOR = "mentor"
    AUDITOR = "auditor"
    # Separation of duties (三权分立): accounts' roles, locks and authenticators; no programme data.
    SECURITY_ADMIN = "security_admin"


ROLE_LABELS: dict[Role, str] = {
    Role.PROVINCE_ADMIN: "省级管理员",
    Role.ZONE_ADMIN: "高新区管理员",
    Role.UNIVERSITY_ADMIN: "高校管理员",
    Role.ENTERPRISE_USER: "企业用户",
    Role.RESEARCHER: "科研人员",
    Role.STUDENT: "学生",
    Role.MENTOR: "导师",
    Role.AUDITOR: "审计员",
    Role.SECURITY_ADMIN: "安全管理员",
}

# Which tenant a role belongs to: a zone, a university or an enterprise (or none: province-wide).
ROLE_TENANT: dict[Role, str | None] = {
    Role.PROVINCE_ADMIN: None,
    Role.AUDITOR: None,
    Role.SECURITY_ADMIN: None,
    Role.ZONE_ADMIN: "zone",
    Role.UNIVERSITY_ADMIN: "university",
    Role.RESEARCHER: "university",
    Role.STUDENT: "university",
    Role.MENTOR: "university",
    Role.ENTERPRISE_USER: "enterprise",
}


# The three duties of 三权分立 (等保 §8.1.5): the province administrator runs the programme, the
# security administrator manages accounts' roles, locks and authenticators, the auditor reads the
# audit trail. Only the security administrator creates or changes accounts holding these roles.
DUTY_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})


@dataclass(frozen=True, slots=True)
class Actor:
    """The acting principal. ``user_id`` is None for the system (CLI, jobs)."""

    role: Role
    user_id: int | None = None
    username: str = "system"
    zone_id: int | None = None
    university_id: int | None = None
    enterprise_id: int | None = None
    # Set for mentors who belong to an enterprise rather than a university (enterprise mentors).
    ip: str | None = None

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(role=Role.PROVINCE_ADMIN, username=name)

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    @property
    def is_province(self) -> bool:
        return self.role is Role.PROVINCE_ADMIN

    @property
    def sees_everything(self) -> bool:
        """Province admins and auditors read every tenant's records (auditors never write)."""
        return self.role in (Role.PROVINCE_ADMIN, Role.AUDITOR)

    @property
    def reads_programme(self) -> bool:
        """False for the security administrator: it sees no register, match or report."""
        return self.role is not Role.SECURITY_ADMIN

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.role]
