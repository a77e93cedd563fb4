"""The identity check (MNPEM's phone procedure): nom, prénom, date de naissance and the date or the amount
of the last reimbursement — or the NIR with the nom. The server compares the caller's answers with the
dossier and keeps one boolean per question (never the answers). A passed check opens the dossier to this
conseiller for ``settings.agent_dossier_access`` (ESPACE_AGENT_DOSSIER_ACCESS, 2 h by default); a failed
one opens it only with a written reason, flagged for a supervisor. ``require_access`` guards every dossier route."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.schemas.agent import IdentityCheckCreate, IdentityCheckOut
from models.schemas.common import ClaimStatus, PaymentKind
from models.tables import Account, Claim, ClaimLine, IdentityCheck, Member, Payment
from server.clock import Clock
from server.errors import ApiError
from server.security.crypto import nir_lookup_hash, same
from server.services.account import _fold
from server.services.agent.common import done_for, get_member
from server.settings import Settings

MIN_REASON = 10


def last_reimbursement(session: Session, member_id: int) -> tuple[date, set[date], Decimal] | None:
    """The member's last paid claim: its care date, the dates that count (care, payment) and the amount
    the mutuelle paid."""
    claim = session.exec(
        select(Claim)
        .where(Claim.member_id == member_id, Claim.status == ClaimStatus.paid)
        .order_by(col(Claim.care_date).desc(), col(Claim.id).desc())
    ).first()
    if claim is None:
        return None
    amount = session.exec(
        select(func.coalesce(func.sum(ClaimLine.amc_paid), 0)).where(ClaimLine.claim_id == claim.id)
    ).one()
    paid_on = session.exec(
        select(Payment.payment_date).where(Payment.claim_id == claim.id, Payment.kind == PaymentKind.payment)
    ).all()
    return claim.care_date, {claim.care_date, *paid_on}, Decimal(str(amount)).quantize(Decimal("0.01"))


def _compare(
    session: Session, settings: Settings, member: Member, body: IdentityCheckCreate
) -> tuple[str, dict[str, bool]]:
    assert member.id is not None
    checks: dict[str, bool] = {}
    if body.nir:
        checks["nom"] = body.last_name is not None and _fold(body.last_name) == _fold(member.last_name)
        checks["nir"] = member.nir_hash is not None and same(member.nir_hash, nir_lookup_hash(settings, body.nir))
        return "nir", checks
    checks["nom"] = body.last_name is not None and _fold(body.last_name) == _fold(member.last_name)
    checks["prenom"] = body.first_name is not None and _fold(body.first_name) == _fold(member.first_name)
    checks["date_naissance"] = body.birth_date == member.birth_date
    last = last_reimbursement(session, member.id)
    if body.last_reimbursement_date is not None:
        checks["dernier_remboursement_date"] = last is not None and body.last_reimbursement_date in last[1]
    if body.last_reimbursement_amount is not None:
        checks["dernier_remboursement_montant"] = (
            last is not None and body.last_reimbursement_amount.quantize(Decimal("0.01")) == last[2]
        )
    if "dernier_remboursement_date" not in checks and "dernier_remboursement_montant" not in checks:
        checks["dernier_remboursement"] = False  # the fourth question was not asked
    return "questions", checks


def check_identity(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    member_id: int,
    body: IdentityCheckCreate,
    *,
    ip: str | None,
) -> IdentityCheckOut:
    member = get_member(session, member_id)
    now = clock.now()
    method, checks = _compare(session, settings, member, body)
    passed = all(checks.values())
    reason = (body.reason or "").strip() or None
    if not passed and reason is not None and len(reason) < MIN_REASON:
        raise ApiError(
            422,
            "reason_too_short",
            f"Écrivez un motif d'au moins {MIN_REASON} caractères : il est transmis au superviseur.",
        )
    granted = passed or reason is not None
    row = IdentityCheck(
        agent_account_id=agent.id or 0,
        member_id=member_id,
        caller_kind=body.caller_kind.value,
        caller_name=body.caller_name,
        method=method,
        checks=checks,
        passed=passed,
        reason=reason if not passed else None,
        flagged=not passed and granted,
        created_at=now,
        access_until=now + settings.agent_dossier_access if granted else None,
    )
    session.add(row)
    session.flush()
    done_for(
        session,
        clock,
        agent,
        "identity_check",
        member_id,
        detail={
            "check_id": row.id,
            "method": method,
            "caller_kind": body.caller_kind.value,
            "passed": passed,
            "checks": checks,
            "flagged": row.flagged,
            **({"reason": row.reason} if row.reason else {}),
        },
        ip=ip,
    )
    session.commit()
    if passed:
        message = "Identité vérifiée : le dossier est ouvert."
    elif granted:
        message = "Identité non vérifiée : dossier ouvert sur motif écrit, signalé au superviseur."
    else:
        wrong = ", ".join(k.replace("_", " ") for k, ok in checks.items() if not ok)
        message = (
            f"Identité non vérifiée ({wrong}) : le dossier reste fermé. Reposez les questions, demandez le NIR, "
            "ou écrivez un motif (signalé au superviseur)."
        )
    return IdentityCheckOut(
        id=row.id or 0,
        member_id=member_id,
        passed=passed,
        checks=checks,
        access_granted=granted,
        flagged=row.flagged,
        reason=row.reason,
        at=now,
        access_until=row.access_until,
        message=message,
    )


def current_access(session: Session, agent: Account, member_id: int, now: datetime) -> IdentityCheck | None:
    return session.exec(
        select(IdentityCheck)
        .where(
            IdentityCheck.agent_account_id == agent.id,
            IdentityCheck.member_id == member_id,
            col(IdentityCheck.access_until) > now,
        )
        .order_by(col(IdentityCheck.created_at).desc(), col(IdentityCheck.id).desc())
    ).first()


def require_access(
    session: Session, clock: Clock, agent: Account, member_id: int, *, verified: bool = False
) -> tuple[Member, IdentityCheck]:
    """The member, if this conseiller has an open access to the dossier (a passed check, or a flagged
    reason); ``verified`` demands a passed check (changing an email or a mobile)."""
    member = get_member(session, member_id)
    access = current_access(session, agent, member_id, clock.now())
    if access is None:
        raise ApiError(
            403,
            "identity_check_required",
            "Vérifiez d'abord l'identité de l'appelant (nom, prénom, date de naissance, dernier remboursement), "
            "ou écrivez un motif : le dossier ne s'ouvre pas sans.",
        )
    if verified and not access.passed:
        raise ApiError(
            403,
            "identity_not_verified",
            "Changer l'e-mail ou le mobile demande une identité vérifiée (un motif écrit ne suffit pas).",
        )
    return member, access
