"""Every domain's tables and registers, listed once: the app's data surface in one file.

Nothing is found by scanning packages. A new domain adds its ``models`` module to ``MODELS`` (so
its tables are in the metadata the migrations see) and its registers to ``REGISTERS`` (so the kit
serves their API, pages, imports and exports, and the generic register tests cover them).
``load()`` hands the registers to the kit and adds the checks one domain runs on another's
writes (``WARN_HOOKS``); ``create_app``, the CLI and the tests call it.

The web surface (routers, page hooks, navigation, home panels) is listed in
``shuanggao/web/routes.py``; CLI areas in ``shuanggao/cli/__init__.py``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from shuanggao.accounts import models as accounts_models
from shuanggao.audit import models as audit_models
from shuanggao.chains import models as chains_models
from shuanggao.chains import registers as chains
from shuanggao.conflicts import models as conflicts_models
from shuanggao.conflicts import registers as conflicts
from shuanggao.consortia import models as consortia_models
from shuanggao.consortia import registers as consortia
from shuanggao.demand import models as demand_models
from shuanggao.demand import registers as demand
from shuanggao.enterprises import models as enterprises_models
from shuanggao.enterprises import registers as enterprises
from shuanggao.events import models as events_models
from shuanggao.funds import models as funds_models
from shuanggao.funds import registers as funds
from shuanggao.imports import models as imports_models
from shuanggao.kit.register import Register, use_registers
from shuanggao.matches import models as matches_models
from shuanggao.matches import service as matches_service
from shuanggao.mentoring import models as mentoring_models
from shuanggao.pairings import models as pairings_models
from shuanggao.pairings import registers as pairings
from shuanggao.pipeline import models as pipeline_models
from shuanggao.platforms import models as platforms_models
from shuanggao.platforms import registers as platforms
from shuanggao.programme import models as programme_models
from shuanggao.programme import registers as programme
from shuanggao.projects import models as projects_models
from shuanggao.projects import registers as projects
from shuanggao.reference import models as reference_models
from shuanggao.reference import registers as reference
from shuanggao.reports import models as reports_models
from shuanggao.reports import registers as reports
from shuanggao.supply import models as supply_models
from shuanggao.supply import registers as supply
from shuanggao.talent import models as talent_models
from shuanggao.talent import registers as talent
from shuanggao.universities import models as universities_models
from shuanggao.universities import registers as universities
from shuanggao.zones import models as zones_models
from shuanggao.zones import registers as zones

MODELS: tuple[ModuleType, ...] = (
    accounts_models,
    audit_models,
    chains_models,
    conflicts_models,
    consortia_models,
    demand_models,
    enterprises_models,
    events_models,
    funds_models,
    imports_models,
    matches_models,
    mentoring_models,
    pairings_models,
    pipeline_models,
    platforms_models,
    programme_models,
    projects_models,
    reference_models,
    reports_models,
    supply_models,
    talent_models,
    universities_models,
    zones_models,
)

# In this order in the navigation, the audit labels and the register test suites.
REGISTERS: tuple[Register[Any], ...] = (
    chains.industry_chains,
    chains.chain_nodes,
    conflicts.conflict_declarations,
    consortia.consortia,
    demand.demands,
    enterprises.enterprises,
    enterprises.enterprise_services,
    funds.conversion_funds,
    funds.fund_investments,
    funds.fundings,
    pairings.pairings,
    pairings.pilot_elements,
    platforms.platforms,
    programme.programme_facts,
    programme.policy_items,
    projects.projects,
    reference.industries,
    reference.disciplines,
    reports.reports,
    reports.report_periods,
    reports.report_indicators,
    supply.supply_items,
    talent.residents,
    universities.universities,
    zones.zones,
)


# Warnings (never refusals) on every write of a register, whatever the path: API, form, import
# through the site or the CLI, the event intake, the demo load. A demand is compared with the
# needs its author may read (``warn``) and, in an import, with the other rows of its file
# (``warn_rows``).
WARN_HOOKS = ((demand.demands, matches_service.check_duplicates),)
WARN_ROWS_HOOKS = ((demand.demands, matches_service.check_duplicates_within),)


def load() -> None:
    """Give the kit its registers and add the cross-domain warnings (idempotent)."""
    use_registers(REGISTERS)
    for reg, hook in WARN_HOOKS:
        if hook not in reg.warn:
            reg.warn.append(hook)
    for reg, rows_hook in WARN_ROWS_HOOKS:
        if rows_hook not in reg.warn_rows:
            reg.warn_rows.append(rows_hook)
