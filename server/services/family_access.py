"""Family access (issue 21, MNPEM « accès secondaires »): the assuré principal opens an adult ayant droit's
own access; a code d'accès goes to that person by post, and they activate it through the usual « Première
connexion » (``server.services.account.activate_by_code``), with their own e-mail, password and second
factor. Their access sees their own care only (``server.services.viewer``); they may hide it from the
assuré principal, and undo that. Closing the access, or asking for the person's removal from the
contract, ends it at once (sessions revoked, account disabled).

Who qualifies: every ayant droit other than the assuré principal who is 18 or older on the day the access
is created (``access_refusal``). A 16-year-old with their own carte Vitale does not: the carte Vitale is
the Assurance Maladie's matter, while this contract stays under the assuré principal, who holds parental
authority over a minor; an account means accepting the CGU, which a minor cannot do alone; and the
confidentiality switch would set a minor's care apart from the parent who answers for it (see README,
« Accès famille »)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from models.domain.vocabulary import care_hidden_by_me
from models.schemas.agent import HouseholdAccount
from models.schemas.common import AccountState, Relationship, Role
from models.schemas.profile import FamilyAccessDone, MyAccess
from models.tables import Account, Beneficiary, Member
from server.clock import Clock, paris_today
from server.errors import ApiError
from server.services import audit, mails
from server.services.auth import revoke_everything
from server.services.profile import _member_beneficiary
from server.services.viewer import Viewer
from server.settings import Settings

ADULT_AGE = 18
LIVE_STATES = (AccountState.email_unconfirmed, AccountState.active, AccountState.locked, AccountState.password_expired)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def access_refusal(beneficiary: Beneficiary, today: date) -> str | None:
    """Why this person may not have their own access, in words; None when they may."""
    if beneficiary.relationship == Relationship.member:
        return "L'assuré principal a déjà son propre accès."
    if age_on(beneficiary.birth_date, today) < ADULT_AGE:
        return (
            f"{beneficiary.first_name} a moins de {ADULT_AGE} ans : un accès personnel est réservé aux ayants droit "
            "majeurs."
        )
    return None


def household_accounts(session: Session, member_id: int) -> dict[int, Account]:
    """The own accesses of the household's beneficiaries, by beneficiary id."""
    rows = session.exec(
        select(Account)
        .join(Beneficiary, Beneficiary.id == Account.beneficiary_id)  # type: ignore[arg-type]
        .where(Beneficiary.member_id == member_id)
    ).all()
    return {a.beneficiary_id: a for a in rows if a.beneficiary_id is not None}


def household_overview(session: Session, member: Member, principal_account: Account | None) -> list[HouseholdAccount]:
    """The conseiller's view: every person of the household and the state of their account."""
    assert member.id is not None
    accounts = household_accounts(session, member.id)
    people = session.exec(
        select(Beneficiary).where(Beneficiary.member_id == member.id).order_by(col(Beneficiary.birth_date))
    ).all()
    out = []
    for person in sorted(people, key=lambda b: (b.relationship != Relationship.member, b.birth_date)):
        account = principal_account if person.relationship == Relationship.member else accounts.get(person.id or 0)
        out.append(
            HouseholdAccount(
                beneficiary_id=person.id or 0,
                name=f"{person.first_name} {person.last_name}",
                relationship=person.relationship,
                access=account.state if account is not None else None,
                care_private=person.care_private_since is not None,
            )
        )
    return out


def _post_code(session: Session, clock: Clock, settings: Settings, member: Member, person: Beneficiary) -> None:
    """The code d'accès goes by post to the person, at the household's address (as the welcome letter does);
    neither the screen nor the assuré principal's mailbox ever shows it."""
    mails.post_access_code(
        session,
        clock,
        settings,
        member,
        person,
        to=f"courrier+{member.member_number}-{person.id}@{settings.sms_sink_domain}",
        subject=f"Courrier : code d'accès personnel de {person.first_name} {person.last_name}",
        letter=lambda code: (
            f"{member.first_name} {member.last_name}, assuré principal de votre contrat, vous ouvre un accès "
            f"personnel à l'Espace Adhérent. Votre code d'accès : {code}\nDans « Première connexion », saisissez "
            f"le n° adhérent du contrat ({member.member_number}), ce code, votre propre adresse e-mail et le mot de "
            "passe de votre choix. Vous y verrez vos remboursements, vos garanties, votre carte et vos messages, "
            "et pourrez demander que vos soins ne soient plus visibles par l'assuré principal."
        ),
    )


def create_access(
    session: Session, clock: Clock, settings: Settings, member: Member, account: Account, beneficiary_id: int
) -> FamilyAccessDone:
    person = _member_beneficiary(session, member, beneficiary_id, "beneficiary_id")
    refusal = access_refusal(person, paris_today(clock))
    if refusal is not None:
        raise ApiError(422, "access_not_allowed", refusal)
    existing = session.exec(select(Account).where(Account.beneficiary_id == person.id)).first()
    if existing is not None and existing.state in LIVE_STATES:
        raise ApiError(
            409,
            "access_exists",
            f"{person.first_name} a déjà son accès personnel : vous pouvez le fermer, puis en ouvrir un nouveau.",
        )
    if existing is None:
        existing = Account(
            role=Role.member,
            beneficiary_id=person.id,
            state=AccountState.never_activated,
            display_name=f"{person.first_name} {person.last_name}",
            created_at=clock.now(),
        )
    else:  # closed or never activated: a fresh start, whatever was set before
        existing.state = AccountState.never_activated
        existing.password_hash = existing.login_email = existing.totp_secret = None
        existing.totp_confirmed_at = existing.totp_last_step = None
        existing.failed_attempts = 0
    session.add(existing)
    session.flush()
    _post_code(session, clock, settings, member, person)
    audit.record(
        session,
        clock,
        "family_access_created",
        actor_account_id=account.id,
        target_type="beneficiary",
        target_id=person.id,
    )
    session.flush()  # the route commits (``idempotent_create.run_once``: a retry with its key creates nothing twice)
    return FamilyAccessDone(
        beneficiary_id=person.id or 0,
        access=existing.state,
        message=(
            f"Accès personnel de {person.first_name} créé : son code d'accès part par courrier, à son nom, à "
            "l'adresse du contrat. Il ou elle l'active dans « Première connexion » avec sa propre adresse e-mail."
        ),
    )


def end_access(session: Session, clock: Clock, person: Beneficiary, actor_account_id: int | None, why: str) -> bool:
    """Disables the person's own access and ends every session and trusted device of it; the caller
    commits. False when there was none to end."""
    person.access_code_hash = None
    session.add(person)
    account = session.exec(select(Account).where(Account.beneficiary_id == person.id)).first()
    if account is None or account.state == AccountState.disabled:
        return False
    assert account.id is not None
    account.state = AccountState.disabled
    session.add(account)
    revoke_everything(session, clock, account.id)
    audit.record(
        session,
        clock,
        "family_access_closed",
        actor_account_id=actor_account_id,
        target_type="account",
        target_id=account.id,
        detail={"why": why},
    )
    return True


def close_access(
    session: Session, clock: Clock, member: Member, account: Account, beneficiary_id: int
) -> FamilyAccessDone:
    person = _member_beneficiary(session, member, beneficiary_id, "beneficiary_id")
    if not end_access(session, clock, person, account.id, "closed_by_principal"):
        session.commit()
        raise ApiError(404, "no_access", f"{person.first_name} n'a pas d'accès personnel ouvert.")
    session.commit()
    return FamilyAccessDone(
        beneficiary_id=person.id or 0,
        access=AccountState.disabled,
        message=f"Accès personnel de {person.first_name} fermé : ses sessions sont terminées.",
    )


def _require_own_access(viewer: Viewer) -> Beneficiary:
    if viewer.beneficiary is None:
        raise ApiError(
            403,
            "beneficiary_only",
            "Cette page est celle d'un ayant droit qui a son propre accès : vos ayants droit sont dans Profil, "
            "« Ma famille ».",
        )
    return viewer.beneficiary


def my_access(viewer: Viewer) -> MyAccess:
    person = _require_own_access(viewer)
    private = person.care_private_since is not None
    return MyAccess(
        beneficiary_id=person.id or 0,
        first_name=person.first_name,
        last_name=person.last_name,
        principal_name=viewer.principal_name,
        care_private=private,
        care_private_since=person.care_private_since,
        message=(
            care_hidden_by_me(viewer.principal_name)
            if private
            else f"Vos soins sont visibles par {viewer.principal_name} (assuré principal), dans son espace. "
            "Vous pouvez demander qu'ils ne le soient plus."
        ),
    )


def set_care_privacy(session: Session, clock: Clock, viewer: Viewer, account: Account, private: bool) -> MyAccess:
    """The beneficiary hides their care from the assuré principal, or shows it again. Only their own access
    reaches this: neither the assuré principal nor a closed access can change it."""
    person = _require_own_access(viewer)
    if private and person.care_private_since is None:
        person.care_private_since = clock.now()
    elif not private:
        person.care_private_since = None
    session.add(person)
    audit.record(
        session,
        clock,
        "care_privacy_set" if private else "care_privacy_lifted",
        actor_account_id=account.id,
        target_type="beneficiary",
        target_id=person.id,
    )
    session.commit()
    return my_access(viewer)
