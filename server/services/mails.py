"""The French mails (and SMS) of account security, queued in the outbox of the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from server.clock import PARIS, Clock
from server.notify.outbox import enqueue_mail
from server.security.crypto import access_code_hash
from server.security.tokens import new_access_code
from server.settings import Settings

if TYPE_CHECKING:
    from models.tables import Beneficiary, Member

SIGNATURE = "\n\nLe service adhérent\n(Ce message est automatique : merci de ne pas y répondre.)"


def _at(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"{local:%d/%m/%Y} à {local.hour} h {local:%M}"


def _contact(settings: Settings) -> str:
    return f"Le service adhérent répond au {settings.service_phone}, {settings.service_hours}."


def second_factor_code(session: Session, clock: Clock, to: str, code: str, expires_at: datetime) -> None:
    enqueue_mail(
        session,
        clock,
        to=to,
        subject="Votre code de connexion",
        body=(
            f"Bonjour,\n\nVotre code de connexion à l'Espace Adhérent : {code}\n"
            f"Il est valable jusqu'au {_at(expires_at)} et ne sert qu'une fois.\n"
            "Si vous n'êtes pas à l'origine de cette connexion, changez votre mot de passe." + SIGNATURE
        ),
    )


def sms_code_text(code: str, expires_at: datetime) -> str:
    return f"Espace Adhérent : votre code de connexion est {code} (valable jusqu'au {_at(expires_at)})."


def account_locked(session: Session, clock: Clock, settings: Settings, to: str, until: datetime) -> None:
    enqueue_mail(
        session,
        clock,
        to=to,
        subject="Votre accès est bloqué temporairement",
        body=(
            # the count is the setting's: a mutuelle that locks after 5 tries must not say « trois »
            f"Bonjour,\n\n{settings.login_max_failures} essais de mot de passe erronés ont bloqué l'accès à votre "
            "Espace Adhérent "
            f"jusqu'au {_at(until)}.\nSi c'était vous, patientez ou utilisez « Mot de passe oublié », qui le "
            "débloque aussitôt. Si ce n'était pas vous, votre mot de passe n'a pas été trouvé ; vous pouvez "
            f"néanmoins le changer.\n{_contact(settings)}" + SIGNATURE
        ),
    )


def email_confirmation(
    session: Session, clock: Clock, settings: Settings, to: str, token: str, code: str, expires_at: datetime
) -> None:
    link = f"{settings.public_base_url}/api/v1/auth/confirm-email?token={token}"
    enqueue_mail(
        session,
        clock,
        to=to,
        subject="Confirmez votre adresse e-mail",
        body=(
            "Bonjour,\n\nPour terminer l'activation de votre Espace Adhérent, ouvrez ce lien :\n"
            f"{link}\n\nou saisissez ce code dans l'application : {code}\n"
            f"Le lien et le code sont valables jusqu'au {_at(expires_at)}." + SIGNATURE
        ),
    )


def password_reset(
    session: Session, clock: Clock, settings: Settings, to: str, token: str, code: str, expires_at: datetime
) -> None:
    link = f"{settings.public_base_url}/api/v1/auth/password/reset?token={token}"
    enqueue_mail(
        session,
        clock,
        to=to,
        subject="Réinitialiser votre mot de passe",
        body=(
            "Bonjour,\n\nVous avez demandé à réinitialiser votre mot de passe. Ouvrez ce lien :\n"
            f"{link}\n\nou saisissez ce code dans l'application : {code}\n"
            f"Valable une seule fois, jusqu'au {_at(expires_at)}. Si vous n'avez rien demandé, ignorez ce "
            "message : votre mot de passe reste inchangé." + SIGNATURE
        ),
    )


def password_changed(session: Session, clock: Clock, settings: Settings, to: str) -> None:
    enqueue_mail(
        session,
        clock,
        to=to,
        subject="Votre mot de passe a été changé",
        body=(
            "Bonjour,\n\nLe mot de passe de votre Espace Adhérent vient d'être changé ; vos autres sessions et "
            "vos appareils de confiance ont été déconnectés.\nSi vous n'êtes pas à l'origine de ce changement, "
            f"contactez-nous sans attendre. {_contact(settings)}" + SIGNATURE
        ),
    )


def identifier_reminder(session: Session, clock: Clock, to: str, member_number: str) -> None:
    enqueue_mail(
        session,
        clock,
        to=to,
        subject="Votre identifiant",
        body=(
            f"Bonjour,\n\nVotre identifiant (n° adhérent) pour l'Espace Adhérent est : {member_number}\n"
            "Vous pouvez aussi vous connecter avec votre adresse e-mail." + SIGNATURE
        ),
    )


# --- issue 16: « ce n'est pas moi » after a change of e-mail or mobile -------------------------------------


def revert_link(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url}/api/v1/auth/contact-revert?token={token}"


def contact_changed_not_me(
    session: Session,
    clock: Clock,
    settings: Settings,
    to: str,
    *,
    what: str,
    member_number: str,
    token: str,
    code: str,
    expires_at: datetime,
) -> None:
    """To the contact that was replaced (or, for a new mobile, to the e-mail on file): what changed, and how to
    undo it when the member did not ask for it."""
    enqueue_mail(
        session,
        clock,
        to=to,
        subject="Ce changement vient-il de vous ?",
        body=(
            f"Bonjour,\n\n{what}\n\nSi c'est bien vous, il n'y a rien à faire.\n\nSi ce n'est pas vous, ouvrez ce "
            f"lien, qui annule le changement :\n{revert_link(settings, token)}\n\nou, dans l'application Espace "
            f"Adhérent, choisissez « Ce n'est pas moi » et saisissez votre n° adhérent ({member_number}) et ce code : "
            f"{code}\nValable une seule fois, jusqu'au {_at(expires_at)}. Le changement sera annulé, toutes les "
            "connexions à votre espace seront fermées et votre accès restera bloqué jusqu'à ce que vous choisissiez "
            f"un nouveau mot de passe (« Mot de passe oublié »).\n{_contact(settings)}" + SIGNATURE
        ),
    )


def contact_changed_not_me_sms(settings: Settings, token: str, code: str) -> str:
    return (
        "Espace Adhérent : votre numéro de mobile a été remplacé. Si ce n'est pas vous : "
        f"{revert_link(settings, token)} ou le code {code} dans « Ce n'est pas moi »."
    )


def contact_change_undone(session: Session, clock: Clock, settings: Settings, to: str, what: str) -> None:
    enqueue_mail(
        session,
        clock,
        to=to,
        subject="Changement annulé : votre accès est bloqué",
        body=(
            f"Bonjour,\n\n{what}\nToutes les connexions à votre Espace Adhérent ont été fermées et vos appareils "
            "de confiance oubliés. Votre accès reste bloqué jusqu'à ce que vous choisissiez un nouveau mot de "
            f"passe : choisissez « Mot de passe oublié » à la connexion.\n{_contact(settings)}" + SIGNATURE
        ),
    )


def reset_quarantined(session: Session, clock: Clock, settings: Settings, to: str, until: datetime) -> None:
    """Instead of a reset link, to an address on file for too short a time (the same 202 was answered)."""
    enqueue_mail(
        session,
        clock,
        to=to,
        subject="Mot de passe oublié : appelez le service adhérent",
        body=(
            "Bonjour,\n\nUne réinitialisation de votre mot de passe a été demandée. Cette adresse e-mail a été "
            "enregistrée il y a peu : pour votre sécurité, aucun lien de réinitialisation n'y est envoyé avant le "
            f"{_at(until)}.\nSi vous ne pouvez pas attendre, appelez le service adhérent, qui vérifiera votre "
            f"identité. {_contact(settings)}" + SIGNATURE
        ),
    )


def post_access_code(
    session: Session,
    clock: Clock,
    settings: Settings,
    member: Member,
    holder: Member | Beneficiary,
    *,
    to: str,
    subject: str,
    letter: Callable[[str], str],
) -> None:
    """A new code d'accès for ``holder`` (the adhérent, or an ayant droit with their own access, issue 21):
    its HMAC stored (the old code stops working), the code sent by post to the household's address — a
    courrier through the outbox (the printing sink in the demo), never on a screen. ``letter(code)`` is the
    letter's text."""
    code = new_access_code()
    holder.access_code_hash = access_code_hash(settings, code)
    session.add(holder)
    address = "\n".join(
        p for p in (member.address_line1, member.address_line2, f"{member.postal_code} {member.city}") if p
    )
    enqueue_mail(
        session,
        clock,
        to=to,
        subject=subject,
        body=f"{holder.first_name} {holder.last_name}\n{address}\n\nMadame, Monsieur,\n\n{letter(code)}" + SIGNATURE,
    )
