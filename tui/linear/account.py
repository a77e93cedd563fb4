"""The linear face of the account flows (issue 4, 16, 21): Première connexion, Mot de passe oublié, Renvoyer
l'e-mail de confirmation, Retrouver mon identifiant, Ce n'est pas moi, Changer mon mot de passe, Mes appareils
de confiance et mes sessions, the authenticator app.

The questions, their order and their checks are the forms of ``tui.flows.account``, asked through a
``LinearFace``: each answer checked as given, only the wrong field asked again (the server's refusal too: a
refused human check or password, the rest kept), passwords typed without echo and never read back. This
module only says what the linear mode says in its own words (the authenticator's secret, no QR code)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.flows import account as flows
from tui.flows.session import AuthenticatedSession
from tui.linear.face import LinearFace

if TYPE_CHECKING:
    from tui.linear.client import LinearClient

MODES = ["Avec mon code d'accès (courrier de bienvenue)", "Avec mon identité (n° de sécurité sociale)"]
NOT_CREATED = "Compte non créé : rien n'a été envoyé."
NOT_CONFIRMED = (
    "Adresse pas encore confirmée : ouvrez le lien de l'e-mail, ou choisissez plus tard « Renvoyer l'e-mail "
    "de confirmation »."
)
BACK_TO_WELCOME = "Retour à l'accueil."
TOTP_LINEAR_INTRO = (
    "Dans votre application d'authentification, ajoutez un compte avec la clé (le secret) ci-dessous, puis "
    "indiquez le code à 6 chiffres qu'elle affiche."
)
TOTP_LEAVE = "« annuler » à la question : abandonner (rien n'est activé)."
TOTP_NOT_ENABLED = "Application d'authentification non activée : le code vous reste envoyé par e-mail ou SMS."
PASSWORD_NOT_RESET = "Mot de passe inchangé : recommencez « Mot de passe oublié ? » quand vous voulez."


def _loaded(client: LinearClient, result: flows.Result) -> bool:
    for problem in result.problems:
        client.error(problem.message)
    return result.ok


async def activate(client: LinearClient) -> str | None:
    """Première connexion, in 3 steps; the n° adhérent once the account is activated."""
    face = LinearFace(client)
    mode = await face.pick(flows.ACTIVATION_TITLE, MODES)
    if mode is None:
        return None
    flow = flows.ActivationFlow(
        client.api,
        flows.ActivationMode.CODE if mode == 0 else flows.ActivationMode.IDENTITY,
        today=client.api.clock.today(),
    )
    if not _loaded(client, await flow.load()):
        return None
    if not await flows.run_activation_infos(flow, face):
        client.say(NOT_CREATED)
        return None
    if not await flows.run_code(face, flows.code_form(flow.heading, (), flows.EMAILED_CODE), flow.confirm):
        client.say(NOT_CONFIRMED)
        return None
    client.heading(flow.heading)
    return flow.member_number


async def forgot_password(client: LinearClient) -> str | None:
    """The identifier (and the human check), then the code of the e-mail and the new password; the
    identifier, kept for the login that follows."""
    face = LinearFace(client)
    flow = flows.ResetFlow(client.api)
    if not _loaded(client, await flow.load()):
        return None
    if not await flows.run_request(flow, face, flows.FORGOT_TITLE, flows.FORGOT_INTRO):
        client.say(BACK_TO_WELCOME)
        return None
    if not await flows.run_reset(flow, face):
        client.say(PASSWORD_NOT_RESET)
    return flow.identifier


async def resend_confirmation(client: LinearClient) -> str | None:
    """Renvoyer l'e-mail de confirmation, then the code pasted (the activation's confirm step); the
    identifier once the address is confirmed."""
    face = LinearFace(client)
    flow = flows.ResendConfirmationFlow(client.api)
    if not _loaded(client, await flow.load()):
        return None
    if not await flows.run_request(flow, face, flows.RESEND_CONFIRMATION_TITLE, flows.RESEND_CONFIRMATION_INTRO):
        client.say(BACK_TO_WELCOME)
        return None
    if not await flows.run_code(face, flows.resend_code_form(flow.server_message), flow.confirm):
        return None
    return flow.identifier


async def forgot_identifier(client: LinearClient) -> None:
    flow = flows.RecoverFlow(client.api, today=client.api.clock.today())
    if not await flows.run_recover(flow, LinearFace(client)):
        client.say(BACK_TO_WELCOME)


async def not_me(client: LinearClient) -> str | None:
    """« Ce n'est pas moi »: the n° adhérent and the code, until the server accepts them; the n° adhérent
    once the change is undone."""
    flow = flows.NotMeFlow(client.api)
    if not await flows.run_not_me(flow, LinearFace(client)):
        client.say(BACK_TO_WELCOME)
        return None
    return flow.identifier


async def change_password(client: LinearClient, session: AuthenticatedSession, *, forced: bool = False) -> bool:
    flow = flows.ChangePasswordFlow(session.api, forced=forced)
    return await flows.run_change_password(flow, LinearFace(client))


async def security(client: LinearClient, session: AuthenticatedSession) -> None:
    """The trusted devices and the open sessions, one labelled line each; then one to remove, if any."""
    view = await flows.load_security(session.api)
    if view.error:
        client.error(view.error)
        return
    client.heading(f"{flows.DEVICES_TITLE} ({len(view.devices)})")
    if not view.devices:
        client.say(flows.NO_DEVICES)
    for device in view.devices:
        client.say(flows.device_line(device))
    client.heading(f"{flows.SESSIONS_TITLE} ({len(view.sessions)})")
    for item in view.sessions:
        client.say(flows.session_line(item))
    options = [f"Retirer l'appareil « {d.name} »" for d in view.devices]
    others = [s for s in view.sessions if not s.current]
    options += [f"Fermer la session : {flows.session_line(s)}" for s in others]
    if not options:
        return
    index = await client.pick("Retirer un appareil ou fermer une session ?", [*options, "Retour"])
    if index < len(view.devices):
        client.show_result(await flows.revoke_device(session.api, view.devices[index]))
    elif index < len(options):
        client.show_result(await flows.revoke_session(session.api, others[index - len(view.devices)]))


async def totp(client: LinearClient, session: AuthenticatedSession) -> None:
    """No QR code here (the full-screen client shows one): the secret, in words, then the code."""
    flow = flows.TotpFlow(session.api)
    started = await flow.start()
    if not started.ok:
        client.show_result(started)
        return
    assert flow.enrollment is not None
    intro = (
        TOTP_LINEAR_INTRO,
        f"Secret (à saisir à la main dans l'application) : {flows.group_secret(flow.enrollment.secret)}",
        TOTP_LEAVE,
    )
    if not await flows.run_code(LinearFace(client), flows.totp_form(intro), flow.confirm):
        client.say(TOTP_NOT_ENABLED)
        return
    client.say(flows.TOTP_CODES_WARNING)
    for code in flow.recovery_codes:
        client.say(code)
