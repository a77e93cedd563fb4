"""The login flow, shared by both front ends: what to ask (identifier, then password), what to check
locally, what to say for each failure, and the result: an authenticated session.

The full-screen client fills both fields at once (`check` then `submit`); the linear mode walks the
steps with `prompt` and `answer`. Either way the identifier typed is kept after a failure and the
password is forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from models.schemas.auth import SessionOut
from tui.api import errors
from tui.api.client import ApiClient
from tui.api.token_store import TokenStore

IDENTIFIER_LABEL = "N° adhérent ou adresse e-mail"
PASSWORD_LABEL = "Mot de passe"
IDENTIFIER_MISSING = "Indiquez votre n° adhérent ou votre adresse e-mail."
PASSWORD_MISSING = "Indiquez votre mot de passe."
IDENTIFIER_TOO_LONG = "Cet identifiant est trop long : 254 caractères au plus."
SUBMITTING = "Connexion en cours…"
LOGGED_IN = "Vous êtes connecté·e."
LOGGED_OUT = "Vous êtes déconnecté·e."
UNEXPECTED = (
    "Une erreur inattendue est survenue dans le client. Réessayez ; si cela persiste, "
    "contactez le service adhérent."
)


class Step(Enum):
    IDENTIFIER = "identifier"
    PASSWORD = "password"
    SUBMIT = "submit"
    DONE = "done"


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
class AuthenticatedSession:
    """The result of the flow: the API client, now holding the token, and the session's facts."""

    api: ApiClient
    session: SessionOut | None
    """None when the session was resumed from the token store (the server knows the rest)."""


@dataclass(frozen=True)
class LoginOutcome:
    session: AuthenticatedSession | None = None
    message: str = ""
    """French: the confirmation, or what went wrong and what to do."""
    field: str | None = None
    """The field to go back to (the password after wrong credentials)."""
    retry_possible: bool = True

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
    def __init__(self, api: ApiClient) -> None:
        self.api = api
        self.step = Step.IDENTIFIER
        self.identifier = ""
        self._password = ""

    # -- step by step (linear mode) -----------------------------------------------------------------

    def prompt(self) -> Prompt:
        if self.step is Step.IDENTIFIER:
            return Prompt("identifier", IDENTIFIER_LABEL, secret=False, default=self.identifier or None)
        if self.step is Step.PASSWORD:
            return Prompt("password", PASSWORD_LABEL, secret=True)
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
            self.step = Step.SUBMIT
            return None
        raise RuntimeError(f"no answer expected at step {self.step}")

    # -- both fields at once (full-screen) ----------------------------------------------------------

    def fill(self, identifier: str, password: str) -> list[FieldError]:
        problems = check(identifier, password)
        self.identifier = identifier.strip()
        if problems:
            self._password = ""
            self.step = Step.PASSWORD if self.identifier else Step.IDENTIFIER
            return problems
        self._password = password
        self.step = Step.SUBMIT
        return []

    async def submit(self) -> LoginOutcome:
        """Send the credentials; on failure go back to the step to correct, keeping the identifier."""
        if self.step is not Step.SUBMIT:
            raise RuntimeError("fill or answer the fields before submitting")
        password, self._password = self._password, ""
        try:
            session = await self.api.login(self.identifier, password)
        except (errors.InvalidCredentials, errors.ValidationFailed) as exc:
            self.step = Step.IDENTIFIER  # the identifier is offered again as the default
            return LoginOutcome(message=exc.message, field="password")
        except errors.AccountBlocked as exc:
            self.step = Step.IDENTIFIER
            return LoginOutcome(message=exc.message, field="identifier")
        except errors.ApiError as exc:  # network, timeout, throttled, server error, insecure address
            self.step = Step.IDENTIFIER
            return LoginOutcome(message=exc.message, field="password")
        self.step = Step.DONE
        return LoginOutcome(session=AuthenticatedSession(self.api, session), message=LOGGED_IN)

    async def run(self, identifier: str, password: str) -> LoginOutcome:
        """Check locally, then submit: what the full-screen form does on Enter."""
        problems = self.fill(identifier, password)
        if problems:
            return LoginOutcome(message=" ".join(p.message for p in problems), field=problems[0].field)
        return await self.submit()


async def resume(api: ApiClient, store: TokenStore) -> AuthenticatedSession | None:
    """Pick up the session kept by the token store, if the server still honours it."""
    token = store.get(api.base_url)
    if not token:
        return None
    api.use_token(token)
    try:
        await api.dashboard()
    except errors.SessionExpired:
        store.delete(api.base_url)
        return None
    except errors.ApiError:
        api.forget_session()  # server unreachable or failing: the login screen will say so
        return None
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
