"""The banner of the first ten seconds and the dossier. What the member sees comes from the member
services themselves (dashboard, claims, guarantees, messagerie, démarches), called with the member; the
conseiller also sees the account's security (logins, lockouts, trusted devices, sessions) and the call
history. Every opening and every section read is audited. Each needs this conseiller's call in progress for the
member at the *read_only* level at least (``levels.require(…, "read")``): without it, 404 as for an unknown id."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.schemas.agent import (
    Alert,
    AlertKind,
    Banner,
    CallerKind,
    CallLogOut,
    CallOutcome,
    Dossier,
    LoginEvent,
    MemberProfile,
    RecentReimbursement,
)
from models.schemas.auth import SessionListItem, TrustedDeviceOut
from models.schemas.claims import ClaimDetail, ClaimList, ClaimQuery
from models.schemas.common import (
    ContractState,
    PaymentKind,
    PaymentState,
    ThreadCategory,
    ThreadStatus,
    VerificationLevel,
)
from models.schemas.dashboard import BeneficiarySummary
from models.schemas.guarantees import MyGuarantees
from models.schemas.messaging import Inbox, ThreadDetail
from models.schemas.requests import RequestDetail, RequestList
from models.tables import (
    Account,
    AgentCall,
    AuditEvent,
    AuthSession,
    Beneficiary,
    CallLog,
    Claim,
    ClaimLine,
    Contract,
    ContributionInstalment,
    ContributionSchedule,
    Member,
    MemberAlert,
    MessageThread,
    Payment,
    TrustedDevice,
)
from server.clock import PARIS, Clock, paris_today
from server.services import claims as claims_service
from server.services import family_access, messaging
from server.services import guarantees as guarantees_service
from server.services import requests as requests_service
from server.services import viewer as viewers
from server.services.agent.common import account_words, at_words, done_for, member_account
from server.services.agent.identity import level_words
from server.services.agent.levels import require
from server.services.dashboard import _contracts
from server.settings import Settings

SECURITY_ROWS = 10


def _alerts(session: Session, member: Member, now: datetime) -> list[Alert]:
    assert member.id is not None
    alerts: list[Alert] = []
    for thread in session.exec(
        select(MessageThread).where(
            MessageThread.member_id == member.id,
            MessageThread.category == ThreadCategory.reclamation,
            col(MessageThread.status).in_([ThreadStatus.sent, ThreadStatus.in_progress]),
        )
    ).all():
        due = thread.answer_due_at
        late = due is not None and due < now
        alerts.append(
            Alert(
                kind=AlertKind.complaint_due,
                text=f"réclamation « {thread.subject} » "
                + (f"en retard (due le {due:%d/%m/%Y})" if late else f"à répondre avant le {due:%d/%m/%Y}")
                if due
                else f"réclamation « {thread.subject} » en cours",
            )
        )
    returned = session.exec(
        select(Payment)
        .join(Claim, Claim.id == Payment.claim_id)  # type: ignore[arg-type]
        .where(Claim.member_id == member.id, Payment.state == PaymentState.returned)
        .order_by(col(Payment.payment_date).desc())
    ).first()
    if returned is not None:
        alerts.append(
            Alert(kind=AlertKind.rib_rejected, text=f"RIB rejeté : virement du {returned.payment_date:%d/%m/%Y} revenu")
        )
    today = paris_today_of(now)
    unpaid = session.exec(
        select(ContributionInstalment)
        .join(ContributionSchedule, ContributionSchedule.id == ContributionInstalment.schedule_id)  # type: ignore[arg-type]
        .join(Contract, Contract.id == ContributionSchedule.contract_id)  # type: ignore[arg-type]
        .where(
            Contract.member_id == member.id,
            col(ContributionInstalment.paid_at).is_(None),
            ContributionInstalment.due_date <= today,
        )
    ).all()
    if unpaid:
        total = sum((i.amount for i in unpaid), start=unpaid[0].amount * 0)
        alerts.append(
            Alert(
                kind=AlertKind.unpaid,
                text=f"cotisations impayées : {len(unpaid)} échéance(s), {str(total).replace('.', ',')} €",
            )
        )
    for row in session.exec(
        select(MemberAlert).where(MemberAlert.member_id == member.id, col(MemberAlert.cleared_at).is_(None))
    ).all():
        if row.kind == "npai":
            alerts.append(Alert(kind=AlertKind.npai, text="courrier revenu NPAI : adresse à vérifier"))
        elif row.kind == "guardianship":
            alerts.append(Alert(kind=AlertKind.guardianship, text=f"tutelle : {row.note or 'voir le dossier'}"))
    return alerts


def paris_today_of(now: datetime) -> date:
    return now.astimezone(PARIS).date()


def _calls(session: Session, member_id: int, limit: int = 20) -> list[CallLogOut]:
    rows = session.exec(
        select(CallLog, Account.display_name)
        .join(Account, Account.id == CallLog.agent_account_id)  # type: ignore[arg-type]
        .where(CallLog.member_id == member_id)
        .order_by(col(CallLog.created_at).desc(), col(CallLog.id).desc())
        .limit(limit)
    ).all()
    return [
        CallLogOut(
            id=c.id or 0,
            at=c.created_at,
            agent_name=name,
            caller_kind=CallerKind(c.caller_kind),
            motif=c.motif,
            outcome=CallOutcome(c.outcome),
            note=c.note,
            ticket=c.ticket,
        )
        for c, name in rows
    ]


def banner_of(session: Session, clock: Clock, settings: Settings, member: Member, call: AgentCall) -> Banner:
    assert member.id is not None
    now = clock.now()
    contracts = session.exec(
        select(Contract).where(Contract.member_id == member.id).order_by(col(Contract.start_date).desc())
    ).all()
    main = next((c for c in contracts if c.state != ContractState.terminated), contracts[0] if contracts else None)
    account = member_account(session, member.id)
    recent = session.exec(
        select(Claim)
        .where(Claim.member_id == member.id)
        .order_by(col(Claim.care_date).desc(), col(Claim.id).desc())
        .limit(3)
    ).all()
    latest = _calls(session, member.id, 1)
    last_contact = (
        f"{at_words(latest[0].at, now) if latest[0].at.date() == now.date() else f'{latest[0].at:%d/%m/%Y}'} "
        f"— {latest[0].motif} ({latest[0].agent_name})"
        if latest
        else None
    )
    amounts = (
        dict(
            session.exec(
                select(ClaimLine.claim_id, func.sum(ClaimLine.amc_paid))
                .where(col(ClaimLine.claim_id).in_([c.id for c in recent]))
                .group_by(col(ClaimLine.claim_id))
            ).all()
        )
        if recent
        else {}
    )
    latest_payment: dict[int, PaymentState] = {}
    for payment in (
        session.exec(
            select(Payment)
            .where(col(Payment.claim_id).in_([c.id for c in recent]), Payment.kind == PaymentKind.payment)
            .order_by(col(Payment.payment_date), col(Payment.id))
        ).all()
        if recent
        else []
    ):
        latest_payment[payment.claim_id] = payment.state  # the latest transfer says whether the money arrived
    return Banner(
        member_id=member.id,
        member_number=member.member_number,
        last_name=member.last_name,
        first_name=member.first_name,
        birth_date=member.birth_date,
        sex=member.sex,
        contract_kind=main.kind if main else None,
        contract_state=main.state if main else None,
        contract_name=main.name if main else None,
        account_state=account.state if account else None,
        account_words=account_words(session, settings, member, account, now),
        level=VerificationLevel(call.level),
        identity_words=level_words(call, now),
        flagged=call.flagged,
        alerts=_alerts(session, member, now),
        last_contact=last_contact,
        last_reimbursements=[
            RecentReimbursement(
                claim_id=c.id or 0,
                care_date=c.care_date,
                label=c.label,
                amc_paid=amounts.get(c.id, 0),
                status=c.status,
                payment_state=latest_payment.get(c.id or 0),
            )
            for c in recent
        ],
    )


def banner(session: Session, clock: Clock, settings: Settings, agent: Account, member_id: int) -> Banner:
    member, call = require(session, clock, agent, member_id, "read")
    return banner_of(session, clock, settings, member, call)


def _security(session: Session, account: Account | None, now: datetime) -> dict[str, Any]:
    if account is None:
        return {"logins": [], "lockouts": [], "trusted_devices": [], "sessions": []}
    events = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.target_type == "account",
            AuditEvent.target_id == str(account.id),
            col(AuditEvent.action).in_(["login_attempt", "account_locked"]),
        )
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(50)
    ).all()
    logins = [
        LoginEvent(at=e.at, action=e.action, result=str(e.detail.get("result")), ip=e.ip)
        for e in events
        if e.action == "login_attempt"
    ][:SECURITY_ROWS]
    successes = session.exec(
        select(AuditEvent)
        .where(AuditEvent.actor_account_id == account.id, AuditEvent.action == "login_success")
        .order_by(col(AuditEvent.at).desc())
        .limit(SECURITY_ROWS)
    ).all()
    logins = sorted(
        logins + [LoginEvent(at=e.at, action=e.action, result="ok", ip=e.ip) for e in successes],
        key=lambda e: e.at,
        reverse=True,
    )[:SECURITY_ROWS]
    lockouts = [LoginEvent(at=e.at, action=e.action, ip=e.ip) for e in events if e.action == "account_locked"]
    devices = session.exec(
        select(TrustedDevice)
        .where(
            TrustedDevice.account_id == account.id,
            col(TrustedDevice.revoked_at).is_(None),
            TrustedDevice.expires_at > now,
        )
        .order_by(col(TrustedDevice.created_at).desc())
    ).all()
    sessions = session.exec(
        select(AuthSession)
        .where(
            AuthSession.account_id == account.id, col(AuthSession.revoked_at).is_(None), AuthSession.expires_at > now
        )
        .order_by(col(AuthSession.created_at).desc())
    ).all()
    return {
        "logins": logins,
        "lockouts": lockouts[:SECURITY_ROWS],
        "trusted_devices": [
            TrustedDeviceOut(
                id=d.id or 0, name=d.name, created_at=d.created_at, expires_at=d.expires_at, last_used_at=d.last_used_at
            )
            for d in devices
        ],
        "sessions": [
            SessionListItem(
                id=s.id or 0,
                created_at=s.created_at,
                last_seen_at=s.last_seen_at,
                expires_at=s.expires_at,
                user_agent=s.user_agent,
                ip=s.ip,
                current=False,
            )
            for s in sessions
        ],
    }


def dossier(
    session: Session, clock: Clock, settings: Settings, agent: Account, member_id: int, *, ip: str | None
) -> Dossier:
    member, call = require(session, clock, agent, member_id, "read")
    assert member.id is not None
    now = clock.now()
    beneficiaries = session.exec(
        select(Beneficiary).where(Beneficiary.member_id == member.id).order_by(col(Beneficiary.birth_date))
    ).all()
    address = ", ".join(
        p for p in (member.address_line1, member.address_line2, f"{member.postal_code} {member.city}".strip()) if p
    )
    out = Dossier(
        banner=banner_of(session, clock, settings, member, call),
        profile=MemberProfile(
            email=member.email,
            mobile=member.mobile,
            address=address,
            beneficiaries=[BeneficiarySummary.model_validate(b, from_attributes=True) for b in beneficiaries],
        ),
        contracts=_contracts(session, member.id),
        calls=_calls(session, member.id),
        household_accounts=family_access.household_overview(session, member, member_account(session, member.id)),
        **_security(session, member_account(session, member.id), now),
    )
    done_for(session, clock, agent, "dossier_opened", member.id, detail={"call_id": call.id}, ip=ip)
    session.commit()
    return out


def _read(
    session: Session, clock: Clock, agent: Account, member_id: int, section: str, ip: str | None, **detail: Any
) -> Member:
    member, call = require(session, clock, agent, member_id, "read")
    done_for(
        session,
        clock,
        agent,
        "dossier_read",
        member_id,
        detail={"section": section, "call_id": call.id, **detail},
        ip=ip,
    )
    session.commit()
    return member


def claims(
    session: Session, clock: Clock, agent: Account, member_id: int, query: ClaimQuery, *, ip: str | None
) -> ClaimList:
    member = _read(session, clock, agent, member_id, "claims", ip)
    return claims_service.list_claims(session, viewers.staff(member), query, paris_today(clock))


def claim(
    session: Session, clock: Clock, agent: Account, member_id: int, claim_id: int, *, ip: str | None
) -> ClaimDetail:
    member = _read(session, clock, agent, member_id, "claim", ip, claim_id=claim_id)
    return claims_service.claim_detail(session, viewers.staff(member), claim_id)


def guarantees(session: Session, clock: Clock, agent: Account, member_id: int, *, ip: str | None) -> MyGuarantees:
    member = _read(session, clock, agent, member_id, "guarantees", ip)
    return guarantees_service.my_guarantees(session, viewers.staff(member), paris_today(clock))


def threads(session: Session, clock: Clock, agent: Account, member_id: int, *, ip: str | None) -> Inbox:
    member = _read(session, clock, agent, member_id, "threads", ip)
    return messaging.inbox(session, clock, viewers.staff(member))


def thread(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    member_id: int,
    thread_id: int,
    *,
    ip: str | None,
) -> ThreadDetail:
    """The thread as the member sees it; reading it here marks nothing read for the member."""
    member = _read(session, clock, agent, member_id, "thread", ip, thread_id=thread_id)
    row = messaging._thread(session, viewers.staff(member), thread_id)
    return messaging._detail(session, clock, settings, row, messaging._member_account_ids(session, member.id or 0))


def requests(session: Session, clock: Clock, agent: Account, member_id: int, *, ip: str | None) -> RequestList:
    member = _read(session, clock, agent, member_id, "requests", ip)
    return requests_service.list_requests(session, member)


def request(
    session: Session, clock: Clock, agent: Account, member_id: int, request_id: int, *, ip: str | None
) -> RequestDetail:
    member = _read(session, clock, agent, member_id, "request", ip, request_id=request_id)
    return requests_service.get_request(session, member, request_id)
