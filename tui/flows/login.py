"""The login flow, shared by both front ends: what to ask (identifier, then password), what to check
locally, what to say for each failure, and the result: an authenticated session.

The full-screen client fills both fields at once (`check` then `submit`); the linear mode walks the
steps with `prompt` and `answer`. Either way the identifier typed is kept after a failure and the
password is forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

from models.schemas.login_codes import CHALLENGE_REQUIRED_FIELD, SecondFactorMethod
from tui.api import errors
from tui.api.token_store import IDENTIFIER, REMEMBER_MEMORY_ONLY, TokenStore, device_item, is_open
from tui.clock import paris
from tui.flows.session import AuthenticatedSession

# Start-up (issue 11): the login form is painted before Pydantic, the enumerations of
# `models.schemas.common`, `tui.flows.wording` and the date formats are loaded; the functions that word a
# code, a time or a date import them when first called.
if TYPE_CHECKING:
    from models.schemas.auth import HumanChallenge, PendingLogin, SessionOut
    from tui.api.client import ApiClient

IDENTIFIER_LABEL = "N° adhérent ou adresse e-mail"
PASSWORD_LABEL = "Mot de passe"
IDENTIFIER_MISSING = "Indiquez votre n° adhérent ou votre adresse e-mail."
PASSWORD_MISSING = "Indiquez votre mot de passe."
IDENTIFIER_TOO_LONG = "Cet identifiant est trop long : 254 caractères au plus."
SUBMITTING = "Connexion en cours…"
RESUMING = "Reprise de votre session enregistrée sur cet appareil…"
LOGGED_IN = "Connexion réussie."
LOGGED_OUT = "Déconnexion effectuée."
CHALLENGE_LABEL = "Vérification de sécurité : votre réponse"
CHALLENGE_MISSING = "Répondez à la question de vérification de sécurité."
CHALLENGE_INTRO = "Vérification de sécurité (pour s'assurer qu'une personne se connecte) :"
CODE_LABEL = "Code reçu (6 chiffres)"
CODE_LABEL_TOTP = "Code de votre application d'authentification (6 chiffres) ou code de secours"
CODE_MISSING = "Indiquez le code reçu."
CODE_CHECKING = "Vérification du code…"
CODE_ACCEPTED = "Code accepté."
TRUST_QUESTION = "Se fier à cet appareil ?"
TRUST_EXPLAIN = (
    "Sur un appareil de confiance, le code n'est plus demandé pendant 3 mois. "
    "Répondez « Non merci » sur un ordinateur partagé."
)
TRUST_YES = "Oui"
TRUST_NO = "Non merci"
TRUSTED = "Cet appareil est maintenant un appareil de confiance jusqu'au {date}."
NOT_TRUSTED = "Cet appareil n'est pas retenu : le code sera demandé à la prochaine connexion."
REMEMBER_LABEL = "Se souvenir de moi (garder mon identifiant sur cet appareil)"
RESENDING = "Envoi d'un nouveau code…"
NO_RESEND_LEFT = "Plus aucun renvoi possible : recommencez la connexion pour recevoir un nouveau code."
PASSWORD_EXPIRED_NOTICE = "Votre mot de passe a expiré : choisissez-en un nouveau pour accéder à votre espace."
DEVICE_NAME = "Client terminal Espace Adhérent"


class Step(Enum):
    IDENTIFIER = "identifier"
    PASSWORD = "password"
    CHALLENGE = "challenge"
    SUBMIT = "submit"
    CODE = "code"
    TRUST = "trust"
    SEND_CODE = "send_code"
    DONE = "done"


def method_words(method: SecondFactorMethod) -> str:
    """How a code travels, in words: "par e-mail", "par SMS"… (from `tui.flows.wording`)."""
    from tui.flows.wording import status_words

    return status_words(method)


def clock_time(value: datetime) -> str:
    """An instant as French reads it, in Paris time: "14 h 32"."""
    from models.domain.dates import format_time

    return format_time(value.astimezone(paris()).time())


def code_validity(pending: PendingLogin) -> str:
    """Said once, never as a countdown."""
    return f"Code valable jusqu'à {clock_time(pending.code_expires_at)}."


def code_sent_sentence(pending: PendingLogin) -> str:
    """E.g. "Un code à 6 chiffres a été envoyé par e-mail à l****y@hotmail.fr."."""
    if pending.method is SecondFactorMethod.totp:
        return "Saisissez le code à 6 chiffres affiché par votre application d'authentification."
    where = f" à {pending.destination}" if pending.destination else ""
    return f"Un code à 6 chiffres a été envoyé {method_words(pending.method)}{where}."


def resends_sentence(pending: PendingLogin) -> str:
    if pending.method is SecondFactorMethod.totp:
        return ""
    if pending.resends_left <= 0:
        return "Plus aucun renvoi possible."
    plural = "s" if pending.resends_left > 1 else ""
    return f"Renvois possibles : {pending.resends_left} renvoi{plural} restant{plural}."


def can_resend(pending: PendingLogin) -> bool:
    """An authenticator app shows a new code by itself: nothing to send again."""
    return pending.method is not SecondFactorMethod.totp


def code_details(pending: PendingLogin) -> list[str]:
    """What follows « code sent » on the code screen: the validity and the resends left, for a code that
    travels (e-mail, SMS). A TOTP code has neither: the app draws a new one every 30 seconds."""
    if not can_resend(pending):
        return []
    return [code_validity(pending), resends_sentence(pending)]


def other_methods(pending: PendingLogin) -> list[SecondFactorMethod]:
    return [m for m in pending.methods if m is not pending.method]


@dataclass(frozen=True)
class Prompt:
    field: str
    label: str
    secret: bool
    default: str | None = None
    """What an empty answer keeps (the identifier typed before a failed attempt)."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass(frozen=True)
class LoginOutcome:
    session: AuthenticatedSession | None = None
    message: str = ""
    """French: the confirmation, or what went wrong and what to do."""
    field: str | None = None
    """The field to go back to (the password after wrong credentials)."""
    retry_possible: bool = True
    pending: PendingLogin | None = None
    """Set when the password was right and a second factor is now asked."""
    challenge: HumanChallenge | None = None
    """Set when the next attempt needs a human check: ask this question."""
    password_expired: bool = False
    """The session is restricted: only the password change is allowed."""
    ask_trust: bool = False
    """The code was accepted: « Se fier à cet appareil ? » comes now (`LoginFlow.choose_trust`)."""

    @property
    def ok(self) -> bool:
        return self.session is not None


def check(identifier: str, password: str) -> list[FieldError]:
    """Local checks before anything is sent: nothing empty, nothing absurd."""
    problems = []
    ident = identifier.strip()
    if not ident:
        problems.append(FieldError("identifier", IDENTIFIER_MISSING))
    elif len(ident) > 254:
        problems.append(FieldError("identifier", IDENTIFIER_TOO_LONG))
    if not password:
        problems.append(FieldError("password", PASSWORD_MISSING))
    return problems


class LoginFlow:
    """Identifier, password (and the human check when the server asks for it), then, when the server
    asks for it, the second factor: the code, checked by the server, then « Se fier à cet appareil ? »
    (issue 19: never asked before the code is known to be right)."""

    def __init__(self, api: ApiClient, store: TokenStore | None = None) -> None:
        self.api = api
        self.store = store
        self.step = Step.IDENTIFIER
        self.identifier = ""
        self._password = ""
        self.challenge: HumanChallenge | None = None
        self._challenge_answer = ""
        self.pending: PendingLogin | None = None
        self._code = ""
        self.trust: bool | None = None
        self._verified: tuple[str, LoginOutcome] | None = None  # the accepted code's login, until trusted
        self.remember = False
        self._memory_notice_given = False
        if is_open(store):  # the full-screen client's keyring may still be opening: it recalls it later
            self.recall()

    def recall(self) -> None:
        """ "Se souvenir de moi": the identifier kept on this device, if any, fills the first field."""
        stored = self.store.get_item(self.api.base_url, IDENTIFIER) if self.store is not None else None
        if stored:  # nothing kept: the member's own choice stands (they may have ticked the box already)
            self.identifier, self.remember = stored, True

    # -- step by step (linear mode) -----------------------------------------------------------------

    def prompt(self) -> Prompt:
        if self.step is Step.IDENTIFIER:
            return Prompt("identifier", IDENTIFIER_LABEL, secret=False, default=self.identifier or None)
        if self.step is Step.PASSWORD:
            return Prompt("password", PASSWORD_LABEL, secret=True)
        if self.step is Step.CHALLENGE:
            return Prompt("challenge", CHALLENGE_LABEL, secret=False)
        if self.step is Step.CODE:
            totp = self.pending is not None and self.pending.method is SecondFactorMethod.totp
            return Prompt("code", CODE_LABEL_TOTP if totp else CODE_LABEL, secret=False)
        raise RuntimeError(f"nothing to ask at step {self.step}")

    def answer(self, text: str) -> str | None:
        """Record the answer to the current prompt; returns a French error, or None and moves on."""
        if self.step is Step.IDENTIFIER:
            value = text.strip() or self.identifier
            problems = [p for p in check(value, "x") if p.field == "identifier"]
            if problems:
                return problems[0].message
            self.identifier = value
            self.step = Step.PASSWORD
            return None
        if self.step is Step.PASSWORD:
            if not text:
                return PASSWORD_MISSING
            self._password = text
            self.step = Step.CHALLENGE if self.challenge is not None else Step.SUBMIT
            return None
        if self.step is Step.CHALLENGE:
            if not text.strip():
                return CHALLENGE_MISSING
            self._challenge_answer = text.strip()
            self.step = Step.SUBMIT
            return None
        if self.step is Step.CODE:
            return self.enter_code(text)
        raise RuntimeError(f"no answer expected at step {self.step}")

    # -- both fields at once (full-screen) ----------------------------------------------------------

    def fill(self, identifier: str, password: str, challenge_answer: str = "") -> list[FieldError]:
        problems = check(identifier, password)
        if self.challenge is not None and not challenge_answer.strip():
            problems.append(FieldError("challenge", CHALLENGE_MISSING))
        self.identifier = identifier.strip()
        if problems:
            self._password = ""
            self.step = Step.PASSWORD if self.identifier else Step.IDENTIFIER
            return problems
        self._password = password
        self._challenge_answer = challenge_answer.strip()
        self.step = Step.SUBMIT
        return []

    def _device_token(self) -> str | None:
        if self.store is None or not self.identifier:
            return None
        return self.store.get_item(self.api.base_url, device_item(self.identifier))

    async def _fetch_challenge(self) -> HumanChallenge | None:
        try:
            return await self.api.challenge()
        except errors.ApiError:
            return None

    async def submit(self) -> LoginOutcome:
        """Send the credentials; on failure go back to the step to correct, keeping the identifier."""
        if self.step is not Step.SUBMIT:
            raise RuntimeError("fill or answer the fields before submitting")
        password, self._password = self._password, ""
        challenge, self.challenge = self.challenge, None
        answer, self._challenge_answer = self._challenge_answer, ""
        try:
            result = await self.api.login(
                self.identifier,
                password,
                challenge_id=challenge.id if challenge else None,
                challenge_answer=answer or None,
                trusted_device_token=self._device_token(),
            )
        except (errors.InvalidCredentials, errors.ValidationFailed, errors.AccountBlocked) as exc:
            self.step = Step.IDENTIFIER  # the identifier is offered again as the default
            if any(d.field == CHALLENGE_REQUIRED_FIELD for d in exc.details):
                self.challenge = await self._fetch_challenge()
            field = "identifier" if isinstance(exc, errors.AccountBlocked) else "password"
            return LoginOutcome(message=exc.message, field=field, challenge=self.challenge)
        except errors.ApiError as exc:  # network, timeout, throttled, server error, insecure address
            self.step = Step.IDENTIFIER
            return LoginOutcome(message=exc.message, field="password")
        if result.pending is not None and result.session is None:
            self.pending = result.pending
            self.step = Step.CODE
            return LoginOutcome(message=code_sent_sentence(result.pending), pending=result.pending)
        return self._authenticated(result.session)

    def _authenticated(self, session: SessionOut | None) -> LoginOutcome:
        self.step = Step.DONE
        self.pending = None
        self._remember_identifier()
        expired = bool(session is not None and session.password_expired)
        message = PASSWORD_EXPIRED_NOTICE if expired else LOGGED_IN
        return LoginOutcome(session=AuthenticatedSession(self.api, session), message=message, password_expired=expired)

    # -- second factor --------------------------------------------------------------------------------

    def enter_code(self, text: str) -> str | None:
        code = "".join(text.split())
        if not code:
            return CODE_MISSING
        totp = self.pending is not None and self.pending.method is SecondFactorMethod.totp
        if not totp and not (code.isdigit() and len(code) == 6):
            return "Le code reçu compte 6 chiffres."
        self._code = code
        self.step = Step.SEND_CODE
        return None

    async def send_code(self) -> LoginOutcome:
        """The code to the server; once accepted, the session is open and, where the server would honour
        it (never for a conseiller), the outcome asks « Se fier à cet appareil ? » (`choose_trust`)."""
        if self.step is not Step.SEND_CODE or self.pending is None:
            raise RuntimeError("enter the code first")
        code, self._code = self._code, ""
        pending = self.pending
        try:
            result = await self.api.second_factor(pending.id, code)
        except (errors.InvalidCredentials, errors.ValidationFailed) as exc:
            self.step = Step.CODE
            return LoginOutcome(message=exc.message, field="code", pending=self.pending)
        except (errors.AccountBlocked, errors.Forbidden, errors.NotFound) as exc:
            # the pending login is over (too many wrong codes, expired): start again
            self.pending = None
            self.step = Step.IDENTIFIER
            return LoginOutcome(message=exc.message, field="password", retry_possible=False)
        except errors.ApiError as exc:
            self.step = Step.CODE
            return LoginOutcome(message=exc.message, field="code", pending=self.pending)
        outcome = self._authenticated(result.session)
        if self.trust is None and pending.trust_device_allowed:
            self._verified = (pending.id, outcome)
            self.step = Step.TRUST
            return replace(outcome, message=CODE_ACCEPTED, ask_trust=True)
        return outcome

    async def choose_trust(self, trust: bool) -> LoginOutcome:
        """The answer to « Se fier à cet appareil ? », after the code was accepted: the session stands
        whatever happens here; a device the server cannot add is said, not a failed login."""
        if self.step is not Step.TRUST or self._verified is None:
            raise RuntimeError("the code must be accepted first")
        (pending_id, outcome), self._verified = self._verified, None
        self.trust, self.step = trust, Step.DONE
        if not trust:
            return replace(outcome, message=f"{NOT_TRUSTED} {outcome.message}")
        from models.domain.dates import format_date_long

        try:
            trusted = await self.api.trust_device(pending_id, DEVICE_NAME)
        except errors.ApiError as exc:
            return replace(outcome, message=f"{exc.message} {outcome.message}")
        if self.store is not None:
            self.store.set_item(self.api.base_url, device_item(self.identifier), trusted.trusted_device_token)
        until = trusted.trusted_device_expires_at.astimezone(paris()).date()
        return replace(outcome, message=f"{TRUSTED.format(date=format_date_long(until))} {outcome.message}")

    async def resend(self, method: SecondFactorMethod | None = None) -> LoginOutcome:
        """ "Renvoyer un code" (or another channel): the old code stops working. A refusal names the
        field to go back to (``field="code"``); a new code does not."""
        if self.pending is None:
            raise RuntimeError("no pending login")
        if method in (None, self.pending.method) and self.pending.resends_left <= 0:
            return LoginOutcome(message=NO_RESEND_LEFT, field="code", pending=self.pending)
        try:
            pending = await self.api.resend_code(self.pending.id, method)
        except errors.ApiError as exc:
            return LoginOutcome(message=exc.message, field="code", pending=self.pending)
        self.pending = pending
        self.step = Step.CODE
        if not can_resend(pending):  # switched to the authenticator app: nothing was sent
            return LoginOutcome(message=code_sent_sentence(pending), pending=pending)
        return LoginOutcome(
            message=f"Nouveau code envoyé. {code_sent_sentence(pending)} {code_validity(pending)}", pending=pending
        )

    # -- "Se souvenir de moi" ---------------------------------------------------------------------------

    def _remember_identifier(self) -> None:
        if self.store is None:
            return
        if self.remember:
            self.store.set_item(self.api.base_url, IDENTIFIER, self.identifier)
        else:
            self.store.delete_item(self.api.base_url, IDENTIFIER)

    def memory_only_notice(self) -> str | None:
        """Said once per client: where no keyring exists, what is remembered stays in memory only."""
        if self.store is None or self.store.persistent or self._memory_notice_given:
            return None
        self._memory_notice_given = True
        return REMEMBER_MEMORY_ONLY

    async def run(self, identifier: str, password: str) -> LoginOutcome:
        """Check locally, then submit: what the full-screen form does on Enter."""
        problems = self.fill(identifier, password)
        if problems:
            return LoginOutcome(message=" ".join(p.message for p in problems), field=problems[0].field)
        return await self.submit()


async def resume(api: ApiClient, store: TokenStore) -> AuthenticatedSession | None:
    """Pick up the session kept by the token store, if the server still honours it."""
    from models.schemas.auth import SessionOut

    token = store.get(api.base_url)
    if not token:
        return None
    api.use_token(token)
    try:
        await api.dashboard()
    except errors.SessionExpired:
        store.delete(api.base_url)
        return None
    except errors.PasswordExpired:  # a restricted session: the front end asks for the new password
        return AuthenticatedSession(api, None)
    except errors.Forbidden:  # issue 9: a conseiller's session has no dashboard: their console
        try:
            info = await api.session_info()
        except errors.ApiError:
            api.forget_session()
            return None
        if info.role == "member":
            api.forget_session()
            return None
        return AuthenticatedSession(
            api,
            SessionOut(
                token=token,
                role=info.role,
                display_name=info.display_name,
                expires_at=info.expires_at,
                idle_expires_at=info.idle_expires_at,
                password_expired=info.password_expired,
            ),
        )
    except errors.ApiError:
        api.forget_session()  # server unreachable or failing: the login screen will say so
        return None
    # issue 10: the session's times, so that the expiry warning (« Prolonger ») also works after a resume
    try:
        info = await api.session_info()
    except errors.ApiError:
        return AuthenticatedSession(api, None)
    api.mirror_session(
        SessionOut(
            token=token,
            role=info.role,
            display_name=info.display_name,
            expires_at=info.expires_at,
            idle_expires_at=info.idle_expires_at,
            password_expired=info.password_expired,
        )
    )
    return AuthenticatedSession(api, None)


def remember(outcome: LoginOutcome, store: TokenStore) -> None:
    if outcome.session is not None and outcome.session.api.token:
        store.set(outcome.session.api.base_url, outcome.session.api.token)


async def logout(session: AuthenticatedSession, store: TokenStore) -> str:
    """End the session on the server and forget the token; returns the French confirmation.

    The token is forgotten locally even when the server cannot be reached (it ends by itself)."""
    store.delete(session.api.base_url)
    try:
        await session.api.logout()
    except errors.ApiError as exc:
        session.api.forget_session()
        return f"{LOGGED_OUT} (Le serveur n'a pas pu être prévenu : {exc.message})"
    return LOGGED_OUT
