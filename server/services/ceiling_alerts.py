"""The « plafond à 80 % » notification (issue 7): when a claim's per-contract share brings a periodic
ceiling of a guarantee line (a yearly forfait, or an équipement's renewal period) to 80 % or more, the
member gets a notification and its email, once per ceiling and period.

The ceilings are those of « Mes garanties » (issue 5, ``server.services.guarantees.my_guarantees``),
read before and after the claim's shares are written: nothing is computed a second time here. "Once" is
kept by the notification's title, which names the line, the contract, the beneficiary and the period.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from models.domain.dates import format_date
from models.domain.money import format_eur
from models.schemas.common import NotificationKind
from models.schemas.guarantees import CeilingUse
from models.tables import Beneficiary, Member, Notification
from server.clock import Clock
from server.services import viewer as viewers
from server.services.guarantees import my_guarantees
from server.services.notifications import notify
from server.settings import Settings

THRESHOLD = Decimal("0.80")
CeilingKey = tuple[int, str, str]  # contract id, line label, notation
Snapshot = dict[CeilingKey, CeilingUse]


def snapshot(session: Session, member: Member, beneficiary_id: int, today: date) -> Snapshot:
    """The beneficiary's plafonnés lines and what they have used in their current period."""
    for person in my_guarantees(session, viewers.principal(session, member), today).beneficiaries:
        if person.id == beneficiary_id:
            return {(c.contract_id, c.line_label, c.notation): c for c in person.ceilings}
    return {}


def _period_words(ceiling: CeilingUse) -> str:
    if ceiling.period == "year" and ceiling.period_start is not None:
        return f"année {ceiling.period_start.year}"
    if ceiling.period_start is not None and ceiling.period_end is not None:
        return f"période du {format_date(ceiling.period_start)} au {format_date(ceiling.period_end)}"
    return "période en cours"


def _same_period(before: CeilingUse | None, after: CeilingUse) -> CeilingUse | None:
    if before is None or before.period_start != after.period_start:
        return None  # a new period starts with this claim: nothing was used in it before
    return before


def notify_crossed(
    session: Session,
    clock: Clock,
    settings: Settings,
    member: Member,
    beneficiary: Beneficiary,
    before: Snapshot,
    today: date,
    *,
    claim_id: int | None = None,
) -> list[Notification]:
    """Notify every ceiling this claim's shares (already flushed) brought to 80 % or more; call it with
    the ``snapshot`` taken before the shares were written. Returns the notifications written."""
    assert member.id is not None and beneficiary.id is not None
    written = []
    for key, after in snapshot(session, member, beneficiary.id, today).items():
        if after.limit <= 0 or after.used < after.limit * THRESHOLD:
            continue
        previous = _same_period(before.get(key), after)
        if previous is not None and after.used <= previous.used:
            continue  # this claim paid nothing on this ceiling
        period = _period_words(after)
        title = f"Plafond à 80 % : {after.line_label} ({after.contract_name}), {beneficiary.first_name}, {period}"[:200]
        already = session.exec(
            select(Notification.id).where(
                Notification.member_id == member.id,
                Notification.kind == NotificationKind.ceiling,
                Notification.title == title,
            )
        ).first()
        if already is not None:
            continue
        share = int((after.used / after.limit * 100).to_integral_value(rounding="ROUND_FLOOR"))
        end = f" jusqu'au {format_date(after.period_end)}" if after.period_end else ""
        body = (
            f"{beneficiary.first_name} a utilisé {share} % du plafond « {after.line_label} » de votre contrat "
            f"{after.contract_name} ({period}) : {format_eur(after.used)} sur {format_eur(after.limit)}. "
            f"Il reste {format_eur(after.remaining)}{end} ; au-delà, la mutuelle ne rembourse plus ce poste. "
            "Avant un prochain soin de ce type, faites une simulation ou demandez un devis."
        )
        written.append(
            notify(session, clock, settings, member, NotificationKind.ceiling, title, body, claim_id=claim_id)
        )
    return written
