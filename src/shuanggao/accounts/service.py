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
    create_user as create_user,
)
from shuanggao.accounts.admin import (
    find_user as find_user,
)
from shuanggao.accounts.admin import (
    get_user as get_user,
)
from shuanggao.accounts.admin import (
    list_users as list_users,
)
from shuanggao.accounts.admin import (
    manage_scope as manage_scope,
)
from shuanggao.accounts.admin import (
    may_manage as may_manage,
)
from shuanggao.accounts.admin import (
    reset_password as reset_password,
)
from shuanggao.accounts.admin import (
    sessions_of as sessions_of,
)
from shuanggao.accounts.admin import (
    unlock_user as unlock_user,
)
from shuanggao.accounts.admin import (
    update_user as update_user,
)
from shuanggao.accounts.core import (
    ADMIN_ROLES as ADMIN_ROLES,
)
from shuanggao.accounts.core import (
    UNIVERSITY_PEOPLE as UNIVERSITY_PEOPLE,
)
from shuanggao.accounts.core import (
    mask_name as mask_name,
)
from shuanggao.accounts.core import (
    normalise_username as normalise_username,
)
from shuanggao.accounts.core import (
    now_utc as now_utc,
)
from shuanggao.accounts.core import (
    restriction_of as restriction_of,
)
from shuanggao.accounts.core import (
    user_read as user_read,
)
from shuanggao.accounts.core import (
    valid_username as valid_username,
)
from shuanggao.accounts.password_changes import (
    change_password as change_password,
)
from shuanggao.accounts.password_changes import (
    password_context as password_context,
)
from shuanggao.accounts.sessions import (
    PENDING_TOTP_MINUTES as PENDING_TOTP_MINUTES,
)
from shuanggao.accounts.sessions import (
    Resolved as Resolved,
)
from shuanggao.accounts.sessions import (
    create_session as create_session,
)
from shuanggao.accounts.sessions import (
    end_all_sessions as end_all_sessions,
)
from shuanggao.accounts.sessions import (
    end_session as end_session,
)
from shuanggao.accounts.sessions import (
    resolve_session as resolve_session,
)
from shuanggao.accounts.signin import (
    SignInResult as SignInResult,
)
from shuanggao.accounts.signin import (
    authenticate as authenticate,
)
from shuanggao.accounts.signin import (
    complete_sign_in as complete_sign_in,
)
from shuanggao.accounts.signin import (
    rehash_if_needed as rehash_if_needed,
)
from shuanggao.accounts.signin import (
    second_step as second_step,
)
from shuanggao.accounts.tokens import (
    API_TOKEN_PREFIX as API_TOKEN_PREFIX,
)
from shuanggao.accounts.tokens import (
    create_api_token as create_api_token,
)
from shuanggao.accounts.tokens import (
    resolve_api_token as resolve_api_token,
)
from shuanggao.accounts.tokens import (
    revoke_api_token as revoke_api_token,
)
from shuanggao.accounts.totp import (
    RECOVERY_ALPHABET as RECOVERY_ALPHABET,
)
from shuanggao.accounts.totp import (
    RECOVERY_CODE_COUNT as RECOVERY_CODE_COUNT,
)
from shuanggao.accounts.totp import (
    RECOVERY_LENGTH as RECOVERY_LENGTH,
)
from shuanggao.accounts.totp import (
    RECOVERY_PURPOSE as RECOVERY_PURPOSE,
)
from shuanggao.accounts.totp import (
    TOTP_ISSUER as TOTP_ISSUER,
)
from shuanggao.accounts.totp import (
    TOTP_PURPOSE as TOTP_PURPOSE,
)
from shuanggao.accounts.totp import (
    confirm_totp_enrolment as confirm_totp_enrolment,
)
from shuanggao.accounts.totp import (
    generate_recovery_codes as generate_recovery_codes,
)
from shuanggao.accounts.totp import (
    normalise_recovery_code as normalise_recovery_code,
)
from shuanggao.accounts.totp import (
    pending_totp_secret as pending_totp_secret,
)
from shuanggao.accounts.totp import (
    recovery_codes_left as recovery_codes_left,
)
from shuanggao.accounts.totp import (
    start_totp_enrolment as start_totp_enrolment,
)
from shuanggao.accounts.totp import (
    totp_uri as totp_uri,
)
from shuanggao.accounts.totp import (
    use_recovery_code as use_recovery_code,
)
from shuanggao.accounts.totp import (
    verify_totp as verify_totp,
)
