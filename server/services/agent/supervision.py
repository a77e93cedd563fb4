"""What a supervisor reads: the audit (filtered by conseiller, member, period and action) in words, the calls
opened read-only on a written reason and the members whose phone channel is closed; the conseiller accounts they
create and disable. And the member's own view: who consulted their dossier or acted for them, when, why, and the
exact address anything was sent to."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from models.domain.audit_words import MEMBER_WORDS, QUESTION_WORDS, action_words, detail_words, sent_to
from models.schemas.agent import (
    AuditPage,
    AuditRow,
    DossierAccess,
    DossierAccessList,
    FlaggedCheck,
    StaffCreate,
    StaffOut,
)
from models.schemas.common import AccountState, Role
from models.tables import Account, AgentCall, AuditEvent, IdentityCheck, Member
from server.clock import PARIS, Clock
from server.errors import ApiError
from server.services import audit, mails
from server.services.account import RESET, _issue_mail_token
from server.services.agent import identity
from server.services.auth import revoke_everything
from server.settings import Settings

AUDIT_LIMIT = 500


def _paris_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=PARIS)


def audit_page(
    session: Session,
    *,
    agent_id: int | None,
    member_id: int | None,
    date_from: date | None,
    date_to: date | None,
    action: str | None = None,
) -> AuditPage:
    statement = select(AuditEvent)
    if agent_id is not None:
        statement = statement.where(AuditEvent.actor_account_id == agent_id)
    if member_id is not None:
        statement = statement.where(AuditEvent.target_type == "member", AuditEvent.target_id == str(member_id))
    if date_from is not None:
        statement = statement.where(AuditEvent.at >= _paris_start(date_from))
    if date_to is not None:
        statement = statement.where(AuditEvent.at < _paris_start(date_to + timedelta(days=1)))
    if action:
        statement = statement.where(AuditEvent.action == action)
    rows = session.exec(
        statement.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(AUDIT_LIMIT + 1)
    ).all()
    truncated = len(rows) > AUDIT_LIMIT
    rows = rows[:AUDIT_LIMIT]
    names = dict(
        session.exec(
            select(Account.id, Account.display_name).where(
                col(Account.id).in_({r.actor_account_id for r in rows if r.actor_account_id})
            )
        ).all()
    )
    member_ids = {int(r.target_id) for r in rows if r.target_type == "member" and r.target_id and r.target_id.isdigit()}
    numbers = (
        dict(session.exec(select(Member.id, Member.member_number).where(col(Member.id).in_(member_ids))).all())
        if member_ids
        else {}
    )
    items = []
    for r in rows:
        mid = int(r.target_id) if r.target_type == "member" and r.target_id and r.target_id.isdigit() else None
        items.append(
            AuditRow(
                id=r.id or 0,
                at=r.at,
                actor_account_id=r.actor_account_id,
                actor_name=names.get(r.actor_account_id),
                action=r.action,
                action_words=action_words(r.action),
                member_id=mid,
                member_number=numbers.get(mid) if mid else None,
                detail=dict(r.detail or {}),
                detail_words=detail_words(r.detail or {}),
            )
        )
    return AuditPage(items=items, truncated=truncated)


def flagged_checks(session: Session, clock: Clock, settings: Settings) -> list[FlaggedCheck]:
    """Calls opened read-only on a written reason, newest first, then members whose phone channel is closed."""
    rows = session.exec(
        select(AgentCall, Account.display_name, Member)
        .join(Account, Account.id == AgentCall.agent_account_id)  # type: ignore[arg-type]
        .join(Member, Member.id == AgentCall.member_id)  # type: ignore[arg-type]
        .where(col(AgentCall.flagged).is_(True))
        .order_by(col(AgentCall.started_at).desc())
        .limit(AUDIT_LIMIT)
    ).all()
    out = [
        FlaggedCheck(
            id=c.id or 0,
            at=c.started_at,
            agent_name=name,
            member_id=m.id or 0,
            member_number=m.member_number,
            member_name=f"{m.last_name} {m.first_name}",
            reason=c.reason,
            words=f"dossier ouvert en lecture seule sur motif écrit ; {_failed_words(session, c)}",
            phone_channel_closed=identity.phone_channel_closed(session, clock, settings, m.id or 0),
        )
        for c, name, m in rows
    ]
    since = clock.now() - settings.phone_channel_window
    recent = session.exec(
        select(IdentityCheck.member_id)
        .where(col(IdentityCheck.passed).is_(False), col(IdentityCheck.created_at) > since)
        .distinct()
    ).all()
    listed = {f.member_id for f in out}
    for member_id in recent:
        if member_id in listed or not identity.phone_channel_closed(session, clock, settings, member_id):
            continue
        m = session.get(Member, member_id)
        assert m is not None
        last = session.exec(
            select(IdentityCheck, Account.display_name)
            .join(Account, Account.id == IdentityCheck.agent_account_id)  # type: ignore[arg-type]
            .where(IdentityCheck.member_id == member_id)
            .order_by(col(IdentityCheck.created_at).desc())
        ).first()
        assert last is not None
        out.append(
            FlaggedCheck(
                id=last[0].id or 0,
                at=last[0].created_at,
                agent_name=last[1],
                member_id=member_id,
                member_number=m.member_number,
                member_name=f"{m.last_name} {m.first_name}",
                reason=None,
                words=f"canal téléphonique fermé : {settings.phone_channel_max_failures} vérifications manquées en "
                "24 h ; à rouvrir par un superviseur",
                phone_channel_closed=True,
            )
        )
    return out


def _failed_words(session: Session, call: AgentCall) -> str:
    sheets = session.exec(
        select(IdentityCheck).where(IdentityCheck.call_id == call.id, col(IdentityCheck.passed).is_(False))
    ).all()
    wrong = sorted({QUESTION_WORDS.get(k, "autre question") for s in sheets for k, ok in s.checks.items() if not ok})
    return "non concordant : " + (", ".join(wrong) if wrong else "rien")


def dossier_accesses(session: Session, member: Member) -> DossierAccessList:
    """The member's view: staff rows about them, in words, with the conseiller's display name, the reason
    given and the exact address anything was sent to."""
    rows = session.exec(
        select(AuditEvent, Account.display_name)
        .join(Account, Account.id == AuditEvent.actor_account_id)  # type: ignore[arg-type]
        .where(
            AuditEvent.target_type == "member",
            AuditEvent.target_id == str(member.id),
            col(Account.role).in_([Role.agent, Role.supervisor]),
            col(AuditEvent.action).in_(list(MEMBER_WORDS)),
        )
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(AUDIT_LIMIT)
    ).all()
    return DossierAccessList(
        items=[
            DossierAccess(
                at=e.at,
                who=name,
                what=MEMBER_WORDS[e.action],
                why=str(e.detail.get("reason")) if (e.detail or {}).get("reason") else None,
                sent_to=sent_to(e.detail or {}),
            )
            for e, name in rows
        ]
    )


def _staff_out(a: Account) -> StaffOut:
    return StaffOut(
        id=a.id or 0,
        email=a.login_email,
        display_name=a.display_name,
        role=a.role,
        state=a.state,
        totp_enrolled=a.totp_confirmed_at is not None,
        created_at=a.created_at,
    )


def list_staff(session: Session) -> list[StaffOut]:
    rows = session.exec(
        select(Account).where(col(Account.role).in_([Role.agent, Role.supervisor])).order_by(col(Account.display_name))
    ).all()
    return [_staff_out(a) for a in rows]


def create_staff(
    session: Session, clock: Clock, settings: Settings, supervisor: Account, body: StaffCreate, *, ip: str | None
) -> StaffOut:
    """A conseiller account with no password: a link to choose one goes to their work address (the
    supervisor never sets nor sees it); they enrol the authenticator app at the first login."""
    if body.role == Role.member:
        raise ApiError(422, "invalid_role", "Un compte du personnel est conseiller ou superviseur.")
    email = body.email.strip().lower()
    if "@" not in email:
        raise ApiError(422, "invalid_email", "Adresse e-mail invalide.")
    if session.exec(select(Account).where(Account.login_email == email)).first() is not None:
        raise ApiError(409, "email_taken", "Cette adresse est déjà l'identifiant d'un compte.")
    now = clock.now()
    account = Account(
        role=body.role,
        login_email=email,
        state=AccountState.active,
        display_name=body.display_name.strip(),
        created_at=now,
        email_confirmed_at=now,
    )
    session.add(account)
    session.flush()
    token, code, expires = _issue_mail_token(session, clock, settings, account, RESET)
    mails.password_reset(session, clock, settings, email, token, code, expires)
    audit.record(
        session,
        clock,
        "staff_created",
        actor_account_id=supervisor.id,
        target_type="account",
        target_id=account.id,
        detail={"role": body.role.value, "email": email},
        ip=ip,
    )
    session.commit()
    return _staff_out(account)


def disable_staff(session: Session, clock: Clock, supervisor: Account, account_id: int, *, ip: str | None) -> StaffOut:
    account = session.get(Account, account_id)
    if account is None or account.role not in (Role.agent, Role.supervisor):
        raise ApiError(404, "not_found", "Compte du personnel introuvable.")
    if account.id == supervisor.id:
        raise ApiError(409, "self_disable", "Vous ne pouvez pas désactiver votre propre compte.")
    account.state = AccountState.disabled
    session.add(account)
    revoke_everything(session, clock, account.id or 0)
    audit.record(
        session,
        clock,
        "staff_disabled",
        actor_account_id=supervisor.id,
        target_type="account",
        target_id=account.id,
        ip=ip,
    )
    session.commit()
    return _staff_out(account)
