"""The console's accounts, sessions and failed sign-ins, as the console's pages and `hirebridge users`
reach them: the front ends do not read the store themselves (docs/architecture.md). The rows are kept
by `store/console_accounts.py`; passwords are hashed before they get here (web/console/passwords.py)."""

from __future__ import annotations

from hirebridge.store.console_accounts import (
    Account,
    AccountRow,
    Seen,
    SessionRow,
    add,
    clear_failures,
    end_session,
    end_sessions_for,
    expire_sessions,
    get,
    listing,
    other_admins,
    remove,
    set_password,
    set_role,
    start_session,
    take_back,
    touch_session,
    try_sign_in,
)

__all__ = [
    "Account",
    "AccountRow",
    "Seen",
    "SessionRow",
    "add",
    "clear_failures",
    "end_session",
    "end_sessions_for",
    "expire_sessions",
    "get",
    "listing",
    "other_admins",
    "remove",
    "set_password",
    "set_role",
    "start_session",
    "take_back",
    "touch_session",
    "try_sign_in",
]
