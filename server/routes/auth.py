"""Connexion, première connexion, mot de passe, sessions, appareils de confiance, TOTP. Thin: each
route parses, calls one service function and returns a schema."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import HTMLResponse

from models.domain.password_policy import MAX_LENGTH
from models.schemas.auth import (
    Accepted,
    ActivationByCode,
    ActivationByIdentity,
    ChangePasswordRequest,
    ConfirmEmailRequest,
    ContactRevertRequest,
    ForgotPasswordRequest,
    HumanChallenge,
    LoginRequest,
    LoginResult,
    PasswordCheckRequest,
    PasswordCheckResult,
    PendingLogin,
    RecoverIdentifierRequest,
    RecoveryCodes,
    ResendConfirmationRequest,
    ResendRequest,
    ResetPasswordRequest,
    SecondFactorRequest,
    SecondFactorResult,
    SessionExtended,
    SessionInfo,
    SessionListItem,
    Terms,
    TotpConfirmRequest,
    TotpEnrollment,
    TrustDeviceRequest,
    TrustedDeviceOut,
    TrustedDeviceToken,
)
from server.deps import ClientIp, ClockDep, CurrentAuth, CurrentAuthEvenExpired, SessionDep, SettingsDep
from server.errors import ApiError, error_responses
from server.routes._pages import TOKEN_MAX, FormFields, LinkPage, token_of
from server.services import account as accounts
from server.services import auth as service
from server.services import challenge, contacts

router = APIRouter(tags=["connexion"])
UserAgent = Annotated[str | None, Header()]


@router.post(
    "/auth/challenge",
    response_model=HumanChallenge,
    responses=error_responses(422),
    summary="Question de vérification (lisible par un lecteur d'écran)",
)
def new_challenge(session: SessionDep, clock: ClockDep, settings: SettingsDep) -> HumanChallenge:
    return challenge.issue(session, clock, settings)


@router.post(
    "/auth/login",
    response_model=LoginResult,
    responses=error_responses(401, 403, 422, 429),
    summary="Se connecter (n° adhérent ou e-mail, mot de passe)",
)
def login(
    body: LoginRequest,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
    user_agent: UserAgent = None,
) -> LoginResult:
    return service.login(session, clock, settings, body, ip=ip, user_agent=user_agent)


@router.post(
    "/auth/second-factor",
    response_model=SecondFactorResult,
    responses=error_responses(401, 422),
    summary="Saisir le code reçu (ou de l'application)",
)
def second_factor(
    body: SecondFactorRequest,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
    user_agent: UserAgent = None,
) -> SecondFactorResult:
    return service.second_factor(session, clock, settings, body, ip=ip, user_agent=user_agent)


@router.post(
    "/auth/second-factor/trust",
    response_model=TrustedDeviceToken,
    responses=error_responses(401, 403, 409, 422),
    summary="Se fier à cet appareil, une fois le code accepté",
)
def trust_device(
    body: TrustDeviceRequest,
    current: CurrentAuthEvenExpired,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
    user_agent: UserAgent = None,
) -> TrustedDeviceToken:
    return service.trust_after_second_factor(session, clock, settings, current, body, ip=ip, user_agent=user_agent)


@router.post(
    "/auth/second-factor/resend",
    response_model=PendingLogin,
    responses=error_responses(401, 422, 429),
    summary="Renvoyer un code",
)
def resend(
    body: ResendRequest, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> PendingLogin:
    return service.resend(session, clock, settings, body, ip=ip)


@router.post(
    "/auth/activation/code",
    status_code=202,
    response_model=Accepted,
    responses=error_responses(422),
    summary="Première connexion avec le code d'accès",
)
def activate_by_code(
    body: ActivationByCode, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> Accepted:
    return accounts.activate_by_code(session, clock, settings, body, ip=ip)


@router.post(
    "/auth/activation/identity",
    status_code=202,
    response_model=Accepted,
    responses=error_responses(422),
    summary="Première connexion avec son identité et son NIR",
)
def activate_by_identity(
    body: ActivationByIdentity, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> Accepted:
    return accounts.activate_by_identity(session, clock, settings, body, ip=ip)


CONFIRM_PAGE = LinkPage(
    title="Confirmer votre adresse e-mail",
    intro="Ce lien ne fait rien tant que vous ne confirmez pas.",
    button="Confirmer mon adresse",
    action="/api/v1/auth/confirm-email/form",
    terminal="Vous pouvez aussi saisir le code reçu par e-mail dans l'application Espace Adhérent.",
)
RESET_PAGE = LinkPage(
    title="Choisir un nouveau mot de passe",
    intro="Ce lien ne fait rien tant que vous ne confirmez pas. Choisissez votre nouveau mot de passe.",
    button="Changer mon mot de passe",
    action="/api/v1/auth/password/reset/form",
    terminal="Vous pouvez aussi saisir le code reçu par e-mail dans l'application Espace Adhérent "
    "(« Mot de passe oublié »).",
    with_password=True,
)
REVERT_PAGE = LinkPage(
    title="Ce n'est pas moi : annuler le changement",
    intro="Ce lien ne fait rien tant que vous ne confirmez pas. Confirmer annule le changement de vos coordonnées, "
    "ferme toutes les connexions à votre espace et bloque l'accès jusqu'au choix d'un nouveau mot de passe.",
    button="Annuler le changement et bloquer mon accès",
    action="/api/v1/auth/contact-revert/form",
    terminal="Vous pouvez aussi, dans l'application Espace Adhérent, choisir « Ce n'est pas moi » et saisir votre "
    "n° adhérent et le code reçu.",
)
HTML_PAGE = {200: {"content": {"text/html": {}}, "description": "Page HTML"}}
PageToken = Annotated[str, Query(max_length=TOKEN_MAX)]


@router.get(
    "/auth/confirm-email",
    response_class=Response,
    responses={**HTML_PAGE, **error_responses(422)},
    summary="Page du lien de confirmation (ne consomme rien)",
)
def confirm_email_page(token: PageToken = "") -> HTMLResponse:
    return CONFIRM_PAGE.ask(token)


@router.post("/auth/confirm-email/form", response_class=HTMLResponse, include_in_schema=False)
def confirm_email_form(
    fields: FormFields, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> HTMLResponse:
    """The page's form: the same service as the JSON route, the outcome as a page."""
    token = token_of(fields) or ""
    try:
        done = accounts.confirm_email(session, clock, settings, ConfirmEmailRequest(token=token or None), ip=ip)
    except ApiError as error:
        return CONFIRM_PAGE.refused(error, token)
    return CONFIRM_PAGE.said(done.message)


@router.post(
    "/auth/confirm-email",
    response_model=Accepted,
    responses=error_responses(400, 422),
    summary="Confirmer l'adresse e-mail (jeton du lien, ou identifiant et code)",
)
def confirm_email(
    body: ConfirmEmailRequest, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> Accepted:
    return accounts.confirm_email(session, clock, settings, body, ip=ip)


@router.post(
    "/auth/confirm-email/resend",
    status_code=202,
    response_model=Accepted,
    responses=error_responses(422),
    summary="Renvoyer l'e-mail de confirmation (même réponse que le compte existe ou non)",
)
def resend_confirmation(
    body: ResendConfirmationRequest, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> Accepted:
    return accounts.resend_confirmation(session, clock, settings, body, ip=ip)


@router.get(
    "/auth/terms", response_model=Terms, responses=error_responses(), summary="Conditions générales d'utilisation"
)
def terms() -> Terms:
    return Terms(version=accounts.TERMS_VERSION, title=accounts.TERMS_TITLE, text=accounts.TERMS_TEXT)


@router.post(
    "/auth/password/forgot",
    status_code=202,
    response_model=Accepted,
    responses=error_responses(422),
    summary="Mot de passe oublié",
)
def forgot(
    body: ForgotPasswordRequest, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> Accepted:
    return accounts.forgot_password(session, clock, settings, body, ip=ip)


@router.get(
    "/auth/password/reset",
    response_class=Response,
    responses={**HTML_PAGE, **error_responses(422)},
    summary="Page du lien de réinitialisation (ne consomme rien)",
)
def reset_page(token: PageToken = "") -> HTMLResponse:
    return RESET_PAGE.ask(token)


@router.post("/auth/password/reset/form", response_class=HTMLResponse, include_in_schema=False)
def reset_form(
    fields: FormFields, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> HTMLResponse:
    token = token_of(fields) or ""
    password, confirmation = fields.get("new_password", ""), fields.get("confirmation", "")
    if not password or len(password) > MAX_LENGTH:
        return RESET_PAGE.ask(token, problems=["Choisissez un mot de passe (128 caractères au plus)."], status_code=422)
    if confirmation != password:
        return RESET_PAGE.ask(token, problems=["Les deux mots de passe ne sont pas identiques."], status_code=422)
    body = ResetPasswordRequest(token=token or None, new_password=password)
    try:
        done = accounts.reset_password(session, clock, settings, body, ip=ip)
    except ApiError as error:
        return RESET_PAGE.refused(error, token)
    return RESET_PAGE.said(done.message)


@router.post(
    "/auth/password/reset",
    response_model=Accepted,
    responses=error_responses(400, 422),
    summary="Réinitialiser le mot de passe (jeton ou identifiant et code)",
)
def reset(
    body: ResetPasswordRequest, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> Accepted:
    return accounts.reset_password(session, clock, settings, body, ip=ip)


@router.get(
    "/auth/contact-revert",
    response_class=Response,
    responses={**HTML_PAGE, **error_responses(422)},
    summary="Page du lien « ce n'est pas moi » (ne consomme rien)",
)
def contact_revert_page(token: PageToken = "") -> HTMLResponse:
    return REVERT_PAGE.ask(token)


@router.post("/auth/contact-revert/form", response_class=HTMLResponse, include_in_schema=False)
def contact_revert_form(
    fields: FormFields, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> HTMLResponse:
    token = token_of(fields) or ""
    try:
        done = contacts.revert_contact_change(
            session, clock, settings, ContactRevertRequest(token=token or None), ip=ip
        )
    except ApiError as error:
        return REVERT_PAGE.refused(error, token)
    return REVERT_PAGE.said(done.message)


@router.post(
    "/auth/contact-revert",
    response_model=Accepted,
    responses=error_responses(400, 422),
    summary="« Ce n'est pas moi » : annuler un changement d'e-mail ou de mobile (jeton, ou identifiant et code)",
)
def contact_revert(
    body: ContactRevertRequest, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> Accepted:
    return contacts.revert_contact_change(session, clock, settings, body, ip=ip)


@router.post(
    "/auth/identifier/recover",
    status_code=202,
    response_model=Accepted,
    responses=error_responses(422),
    summary="Retrouver mon identifiant (envoyé par e-mail)",
)
def recover(
    body: RecoverIdentifierRequest, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> Accepted:
    return accounts.recover_identifier(session, clock, settings, body, ip=ip)


@router.post(
    "/auth/password/change",
    response_model=Accepted,
    responses=error_responses(401, 422),
    summary="Changer mon mot de passe (permis aussi quand il a expiré)",
)
def change_password(
    body: ChangePasswordRequest,
    current: CurrentAuthEvenExpired,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> Accepted:
    return accounts.change_password(session, clock, settings, current, body, ip=ip)


@router.post(
    "/auth/password/check",
    response_model=PasswordCheckResult,
    responses=error_responses(401, 422),
    summary="Vérifier un mot de passe contre les règles (en direct)",
)
def check_password(
    body: PasswordCheckRequest, current: CurrentAuthEvenExpired, session: SessionDep
) -> PasswordCheckResult:
    return accounts.check_password(session, current, body.password)


@router.post(
    "/auth/session/extend",
    response_model=SessionExtended,
    responses=error_responses(401),
    summary="Prolonger la session",
)
def extend(
    current: CurrentAuthEvenExpired, session: SessionDep, clock: ClockDep, settings: SettingsDep
) -> SessionExtended:
    return service.extend(session, clock, settings, current)


@router.post(
    "/auth/logout",
    status_code=204,
    response_class=Response,
    responses=error_responses(401),
    summary="Se déconnecter (la session est révoquée côté serveur)",
)
def logout(current: CurrentAuthEvenExpired, session: SessionDep, clock: ClockDep, ip: ClientIp) -> Response:
    service.logout(session, clock, current, ip=ip)
    return Response(status_code=204)


@router.get(
    "/me/session",
    response_model=SessionInfo,
    responses=error_responses(401),
    summary="Qui suis-je : le compte et l'échéance de la session",
)
def me_session(current: CurrentAuthEvenExpired, session: SessionDep, settings: SettingsDep) -> SessionInfo:
    return service.session_info(session, settings, current)


@router.get(
    "/me/sessions",
    response_model=list[SessionListItem],
    responses=error_responses(401, 403),
    summary="Mes sessions ouvertes",
)
def my_sessions(current: CurrentAuth, session: SessionDep, clock: ClockDep) -> list[SessionListItem]:
    return accounts.list_sessions(session, clock, current)


@router.delete(
    "/me/sessions/{session_id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(401, 403, 404, 422),
    summary="Fermer une de mes sessions",
)
def end_session(session_id: int, current: CurrentAuth, session: SessionDep, clock: ClockDep, ip: ClientIp) -> Response:
    accounts.revoke_session(session, clock, current, session_id, ip=ip)
    return Response(status_code=204)


@router.get(
    "/me/trusted-devices",
    response_model=list[TrustedDeviceOut],
    responses=error_responses(401, 403),
    summary="Mes appareils de confiance",
)
def my_devices(current: CurrentAuth, session: SessionDep, clock: ClockDep) -> list[TrustedDeviceOut]:
    return accounts.list_devices(session, clock, current)


@router.delete(
    "/me/trusted-devices/{device_id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(401, 403, 404, 422),
    summary="Retirer un appareil de confiance",
)
def remove_device(device_id: int, current: CurrentAuth, session: SessionDep, clock: ClockDep, ip: ClientIp) -> Response:
    accounts.revoke_device(session, clock, current, device_id, ip=ip)
    return Response(status_code=204)


@router.post(
    "/me/totp/enroll",
    response_model=TotpEnrollment,
    responses=error_responses(401, 403),
    summary="Application d'authentification : QR code et secret",
)
def totp_enroll(current: CurrentAuth, session: SessionDep, clock: ClockDep, settings: SettingsDep) -> TotpEnrollment:
    return accounts.totp_enroll(session, clock, settings, current)


@router.post(
    "/me/totp/confirm",
    response_model=RecoveryCodes,
    responses=error_responses(401, 403, 422),
    summary="Confirmer l'application (codes de secours, montrés une fois)",
)
def totp_confirm(
    body: TotpConfirmRequest, current: CurrentAuth, session: SessionDep, clock: ClockDep, settings: SettingsDep
) -> RecoveryCodes:
    return accounts.totp_confirm(session, clock, settings, current, body.code)
