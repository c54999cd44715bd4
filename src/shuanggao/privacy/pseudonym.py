"""The audit pseudonym of an anonymised account: a keyed hash (HMAC-SHA-256) of its id.

The same account always gets the same pseudonym (its audit rows still read as one person's), and
without the secret key the pseudonym cannot be tied back to the account or the name.
"""

from __future__ import annotations

import hashlib
import hmac

PURPOSE = b"shuanggao.audit-pseudonym.v1"


def pseudonym(secret_key: str, user_id: int) -> str:
    key = hmac.new(secret_key.encode("utf-8"), PURPOSE, hashlib.sha256).digest()
    digest = hmac.new(key, f"user:{user_id}".encode("ascii"), hashlib.sha256).hexdigest()
    return f"匿名用户-{digest[:12]}"
