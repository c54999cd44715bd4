"""The programme's calendar: Jiangsu time. One ``today()`` for every "as of" default.

Timestamps are stored as aware UTC (``db.types.utcnow``); dates the programme talks about
(report periods, "as of" figures, coverage) are days in China, whatever the server's zone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """Today's date in China."""
    return dt.datetime.now(CHINA_TZ).date()
