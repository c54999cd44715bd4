"""How import/export files name a zone (高新区)."""

from __future__ import annotations

from shuanggao.kit.refs import ref_by
from shuanggao.kit.register import Ref
from shuanggao.zones.models import Zone

# Help text of a required zone column that accepts the short (or full) name.
ZONE_HELP = "高新区简称，须已在高新区名录中"


def zone_ref(*, full_name: bool = True) -> Ref:
    """A zone named by its short name or, when ``full_name``, also by its full name.

    Exports the short name (through the referring object's ``zone`` relationship).
    """
    alt_attrs = ("full_name",) if full_name else ()
    return ref_by(Zone, "name", "zones", "zone", *alt_attrs)
