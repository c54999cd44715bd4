"""Who reads and writes projects.

A project belongs to its zone and to its university: the zone's administrator and the
university's administrator both read and write it (and neither may move it out of their own
tenancy). University roles (researchers, students, mentors) read their university's projects.
Enterprise users read the projects their enterprise takes part in. The province writes all;
auditors read all.
"""

from __future__ import annotations

from shuanggao.actor import Role
from shuanggao.kit.policy import TenantScoped
from shuanggao.projects import repository as repo
from shuanggao.projects.models import Project

PROJECT_POLICY = TenantScoped(
    rules={
        "zone": lambda zone_id: Project.zone_id == zone_id,
        "university": lambda uid: Project.university_id == uid,
        "enterprise": lambda eid: Project.id.in_(repo.project_ids_with_enterprise(eid)),
    },
    owner_fields={"zone": "zone_id", "university": "university_id"},
    writers=frozenset({Role.PROVINCE_ADMIN, Role.ZONE_ADMIN, Role.UNIVERSITY_ADMIN}),
)
