"""Keep log lines and audit records one line each: control characters are escaped, not kept.

A user can put CR/LF (or other control characters) into a username, a URL path or an uploaded
file; written to a log as is, it could start a forged line (log injection). ``escape_controls``
turns them into visible escapes (``\\n``, ``\\r``, ``\\t``, ``\\xNN``, ``\\uNNNN``). The audit
service applies it to every text column it writes; ``install()`` applies it to the message of
every record logged under the ``shuanggao`` logger (tracebacks stay multi-line).
"""

from __future__ import annotations

import logging
import re
from typing import Any

# C0 controls, DEL, C1 controls (including NEL) and the Unicode line/paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control or line-separator character replaced by a visible escape."""
    return _CONTROL.sub(_escape, text)


_installed = False


def install() -> None:
    """Escape control characters in the messages of ``shuanggao.*`` log records (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if record.name == "shuanggao" or record.name.startswith("shuanggao."):
            message = record.getMessage()
            escaped = escape_controls(message)
            if escaped != message:
                record.msg, record.args = escaped, None
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
