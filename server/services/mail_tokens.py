"""The links and codes sent by mail (issue 4, « ce n'est pas moi » of issue 16): a random 256-bit token for the
link and an 8-digit code to paste in the terminal, each stored hashed with its purpose, single use, consumed by
one conditional UPDATE. Shared by the account flows (``server.services.account``), the contact changes
(``server.services.contacts``) and the conseiller's actions."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.tables import Account, MailToken
from server.clock import Clock
from server.security.crypto import keyed_hash
from server.security.tokens import hash_token, new_digits, new_token
from server.services import throttle
from server.services.auth import find_account
from server.settings import Settings

CONFIRMATION = "email_confirmation"
RESET = "password_reset"
REVERT = "contact_revert"  # « ce n'est pas moi »: undo a change of e-mail or mobile
MT = MailToken.__table__  # type: ignore[attr-defined]


def lifetime(settings: Settings, purpose: str) -> timedelta:
    return {
        CONFIRMATION: settings.email_confirmation_ttl,
        RESET: settings.password_reset_ttl,
        REVERT: settings.contact_revert_ttl,
    }[purpose]


def issue(
    session: Session,
    clock: Clock,
    settings: Settings,
    account: Account,
    purpose: str,
    *,
    contact_change_id: int | None = None,
) -> tuple[str, str, datetime]:
    """A new link token and code for ``purpose``: (token, code, expiry). Only their hashes are stored."""
    assert account.id is not None
    now = clock.now()
    ttl = lifetime(settings, purpose)
    token, code = new_token(), new_digits(8)
    session.add(
        MailToken(
            account_id=account.id,
            purpose=purpose,
            token_hash=hash_token(token),
            code_hash=keyed_hash(settings, "mail-code", f"{purpose}:{account.id}:{code}"),
            created_at=now,
            expires_at=now + ttl,
            contact_change_id=contact_change_id,
        )
    )
    return token, code, now + ttl


def find(
    session: Session,
    settings: Settings,
    now: datetime,
    purpose: str,
    token: str | None,
    identifier: str | None,
    code: str | None,
) -> MailToken | None:
    """The live token of ``purpose`` named by the link's token, or by the account's identifier and the code
    (each code try counted per account, ``second_factor_max_wrong`` per ``login_lockout``). None otherwise."""
    if token:
        statement = select(MailToken).where(MailToken.token_hash == hash_token(token), MailToken.purpose == purpose)
    elif identifier and code:
        account = find_account(session, identifier)
        if account is None:
            return None
        key = f"mailcode:{purpose}:{account.id}"
        counted = throttle.count_attempt(
            session, settings, now, key, max_failures=settings.second_factor_max_wrong, lockout=settings.login_lockout
        )
        if counted.blocked:
            return None
        code_hash = keyed_hash(settings, "mail-code", f"{purpose}:{account.id}:{code.strip()}")
        statement = select(MailToken).where(
            MailToken.account_id == account.id, MailToken.purpose == purpose, MailToken.code_hash == code_hash
        )
    else:
        return None
    row = session.exec(statement.order_by(col(MailToken.id).desc())).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def consume(session: Session, now: datetime, row: MailToken) -> bool:
    """One conditional UPDATE: of two parallel uses, exactly one gets True."""
    updated = session.execute(
        sa.update(MT).where(MT.c.id == row.id, MT.c.used_at.is_(None), MT.c.expires_at > now).values(used_at=now)
    )
    return updated.rowcount == 1


def void_for_changes(session: Session, now: datetime, change_ids: list[int]) -> None:
    """The « ce n'est pas moi » tokens of these changes can no longer be used (their changes are undone)."""
    if change_ids:
        session.execute(
            sa.update(MT).where(MT.c.contact_change_id.in_(change_ids), MT.c.used_at.is_(None)).values(used_at=now)
        )
