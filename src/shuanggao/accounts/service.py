"""Accounts use cases, one module per part (as Polar splits auth); this module gathers them so
callers write ``accounts.authenticate(...)`` whichever part a function lives in.

- ``core``: roles with extra duties, usernames, the user as others see it, forced first steps
- ``signin``: password check, lockout, the second step
- ``totp``: authenticator enrolment and verification, recovery codes
- ``sessions``: browser sessions
- ``password_changes``: changing a password (policy, reuse, history)
- ``tokens``: personal API tokens
- ``admin``: who may manage whom, and user administration

Nothing here commits: the request, the CLI command or the job does.
"""

from __future__ import annotations

from shuanggao.accounts.admin import (
    create_user,
    find_user,
    get_user,
    list_users,
    manage_scope,
    may_manage,
    reset_password,
    sessions_of,
    unlock_user,
    update_user,
)
from shuanggao.accounts.core import (
    ADMIN_ROLES,
    UNIVERSITY_PEOPLE,
    mask_name,
    normalise_username,
    now_utc,
    restriction_of,
    user_read,
    valid_username,
)
from shuanggao.accounts.password_changes import (
    change_password,
    password_context,
)
from shuanggao.accounts.sessions import (
    PENDING_TOTP_MINUTES,
    Resolved,
    create_session,
    end_all_sessions,
    end_session,
    resolve_session,
)
from shuanggao.accounts.signin import (
    SignInResult,
    authenticate,
    complete_sign_in,
    rehash_if_needed,
    second_step,
)
from shuanggao.accounts.tokens import (
    API_TOKEN_PREFIX,
    create_api_token,
    resolve_api_token,
    revoke_api_token,
)
from shuanggao.accounts.totp import (
    RECOVERY_ALPHABET,
    RECOVERY_CODE_COUNT,
    RECOVERY_LENGTH,
    RECOVERY_PURPOSE,
    TOTP_ISSUER,
    TOTP_PURPOSE,
    confirm_totp_enrolment,
    generate_recovery_codes,
    normalise_recovery_code,
    pending_totp_secret,
    recovery_codes_left,
    start_totp_enrolment,
    totp_uri,
    use_recovery_code,
    verify_totp,
)

__all__ = [
    "ADMIN_ROLES",
    "API_TOKEN_PREFIX",
    "PENDING_TOTP_MINUTES",
    "RECOVERY_ALPHABET",
    "RECOVERY_CODE_COUNT",
    "RECOVERY_LENGTH",
    "RECOVERY_PURPOSE",
    "TOTP_ISSUER",
    "TOTP_PURPOSE",
    "UNIVERSITY_PEOPLE",
    "Resolved",
    "SignInResult",
    "authenticate",
    "change_password",
    "complete_sign_in",
    "confirm_totp_enrolment",
    "create_api_token",
    "create_session",
    "create_user",
    "end_all_sessions",
    "end_session",
    "find_user",
    "generate_recovery_codes",
    "get_user",
    "list_users",
    "manage_scope",
    "mask_name",
    "may_manage",
    "normalise_recovery_code",
    "normalise_username",
    "now_utc",
    "password_context",
    "pending_totp_secret",
    "recovery_codes_left",
    "rehash_if_needed",
    "reset_password",
    "resolve_api_token",
    "resolve_session",
    "restriction_of",
    "revoke_api_token",
    "second_step",
    "sessions_of",
    "start_totp_enrolment",
    "totp_uri",
    "unlock_user",
    "update_user",
    "use_recovery_code",
    "user_read",
    "valid_username",
    "verify_totp",
]
