"""The account flows of issue 4, shared by both front ends (no Textual): Première connexion (Mes infos →
Validation → Bienvenue), Renvoyer l'e-mail de confirmation, Mot de passe oublié, Retrouver mon identifiant,
Changer mon mot de passe, the session-expiry warning, Mes appareils de confiance and the open sessions, and
the enrolment of an authenticator app.

Their forms are declared once, at the end of this module (issue 18): the fields' words, order and checks,
asked by the linear mode through a ``Face`` (``run_form``…) and laid out by the full-screen account screens.

Each flow checks locally what can be checked (an early French message: the NIR key, a date, the
password policy as the member types), then calls the API and says in words what happened. Anonymous
requests that could reveal whether an account exists always get the same answer from the server; the
flows repeat it as is.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from models.domain.dates import format_date_long
from models.domain.dates import parse_date as parse_birth_date
from models.domain.identifiers import NirError, validate_nir
from models.schemas import auth as schemas
from models.schemas.auth import (
    Accepted,
    HumanChallenge,
    PolicyViolation,
    SessionListItem,
    Terms,
    TotpEnrollment,
    TrustedDeviceOut,
)
from tui.api import errors
from tui.api.client import ApiClient
from tui.clock import paris
from tui.flows import forms
from tui.flows import login as login_flow
from tui.flows.forms import CHOICE, CODE, SECRET, Ask, Face, Form, Problem, Values
from tui.flows.login import FieldError, clock_time
from tui.flows.password import RULES_SUMMARY, PolicyCheck, default_policy

# -- shared checks -------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_member_number(value: str) -> str | None:
    if not value.strip():
        return "Indiquez votre n° adhérent."
    if not value.strip().isdigit():
        return "Le n° adhérent ne contient que des chiffres (exemple : 1234567)."
    return None


def check_nir(value: str) -> str | None:
    if not value.strip():
        return "Indiquez votre n° de sécurité sociale (15 caractères avec la clé)."
    try:
        validate_nir(value)
    except NirError as exc:
        message = str(exc)
        return f"N° de sécurité sociale : {message[0].upper()}{message[1:]}."
    return None


def check_birth_date(value: str, today: date | None = None) -> str | None:
    parsed = parse_birth_date(value)
    if parsed is None:
        return "Indiquez votre date de naissance au format JJ/MM/AAAA (exemple : 18/04/1979)."
    if today is not None and parsed > today:
        return "La date de naissance ne peut pas être dans le futur."
    return None


def check_email(value: str) -> str | None:
    if not _EMAIL_RE.match(value.strip()):
        return "Indiquez une adresse e-mail valide (exemple : prenom.nom@example.fr)."
    return None


def policy_lines(violations: Sequence[PolicyViolation]) -> list[str]:
    """Every broken rule in words (never a colour alone)."""
    if not violations:
        return ["Le mot de passe respecte toutes les règles."]
    return [f"À corriger : {v.message}" for v in violations]


def check_new_password(
    password: str, confirmation: str, policy: PolicyCheck, field_name: str = "new_password"
) -> list[FieldError]:
    problems = []
    if not password:
        problems.append(FieldError(field_name, "Choisissez un mot de passe."))
    else:
        violations = policy(password)
        if violations:
            problems.append(
                FieldError(
                    field_name,
                    "Le mot de passe ne respecte pas les règles : " + " ".join(v.message for v in violations),
                )
            )
    if password and confirmation != password:
        problems.append(FieldError("confirmation", "Les deux mots de passe ne sont pas identiques."))
    return problems


def _server_problems(exc: errors.ApiError) -> list[FieldError]:
    details = [FieldError(d.field or "form", d.message) for d in exc.details if d.message]
    return details or [FieldError("form", exc.message)]


@dataclass
class Result:
    """What a step said: a confirmation, or the problems (field, French message) to correct."""

    message: str = ""
    problems: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        return self.message if self.ok else " ".join(p.message for p in self.problems)


# -- Première connexion ----------------------------------------------------------------------------------


class ActivationMode(Enum):
    CODE = "code"
    IDENTITY = "identity"


class ActivationStep(Enum):
    INFOS = 1
    VALIDATION = 2
    WELCOME = 3


STEP_NAMES = {
    ActivationStep.INFOS: "Mes infos",
    ActivationStep.VALIDATION: "Validation",
    ActivationStep.WELCOME: "Bienvenue",
}
ACTIVATION_TITLE = "Première connexion"
ACTIVATION_INTRO = (
    "Pour votre première connexion, nous avons besoin de quelques informations pour créer votre compte. "
    "Elles figurent sur votre carte de tiers payant et sur le courrier de bienvenue."
)
TERMS_ACCEPT_LABEL = "J'ai lu et j'accepte les conditions générales d'utilisation"
TERMS_MISSING = "Pour créer votre compte, acceptez les conditions générales d'utilisation."
CONFIRM_CODE_LABEL = "Code reçu par e-mail"
WELCOME = (
    "Votre compte est activé. Vous pouvez maintenant vous connecter avec votre n° adhérent ou votre "
    "adresse e-mail et le mot de passe choisi. L'accès personnel d'un ayant droit se connecte avec son "
    "adresse e-mail."
)


def activation_heading(step: ActivationStep) -> str:
    return f"{ACTIVATION_TITLE} – étape {step.value} sur 3 : {STEP_NAMES[step]}"


@dataclass
class ActivationInfos:
    member_number: str = ""
    access_code: str = ""
    last_name: str = ""
    first_name: str = ""
    birth_date: str = ""
    nir: str = ""
    email: str = ""
    password: str = ""
    confirmation: str = ""
    accept_terms: bool = False
    challenge_answer: str = ""


class ActivationFlow:
    def __init__(
        self,
        api: ApiClient,
        mode: ActivationMode = ActivationMode.CODE,
        *,
        policy: PolicyCheck | None = None,
        today: date | None = None,
    ) -> None:
        self.api = api
        self.mode = mode
        self.step = ActivationStep.INFOS
        self.terms: Terms | None = None
        self.challenge: HumanChallenge | None = None
        self.email = ""
        self.member_number = ""
        self._policy = policy
        self.today = today

    @property
    def heading(self) -> str:
        return activation_heading(self.step)

    def policy_for(self, infos: ActivationInfos) -> PolicyCheck:
        if self._policy is not None:
            return self._policy
        return default_policy(
            member_number=infos.member_number.strip() or None,
            last_name=infos.last_name.strip() or None,
            first_name=infos.first_name.strip() or None,
            birth_date=parse_birth_date(infos.birth_date),
        )

    async def load(self) -> Result:
        """The CGU and the human-check question, before the form is shown."""
        try:
            self.terms = await self.api.terms()
            self.challenge = await self.api.challenge()
        except errors.ApiError as exc:
            return Result(problems=[FieldError("form", exc.message)])
        return Result()

    async def new_challenge(self) -> None:
        try:
            self.challenge = await self.api.challenge()
        except errors.ApiError:
            self.challenge = None

    def check(self, infos: ActivationInfos) -> list[FieldError]:
        problems: list[FieldError] = []

        def add(field_name: str, message: str | None) -> None:
            if message:
                problems.append(FieldError(field_name, message))

        add("member_number", check_member_number(infos.member_number))
        if self.mode is ActivationMode.CODE:
            code = infos.access_code.strip()
            if not code:
                add("access_code", "Indiquez le code d'accès reçu par courrier (8 lettres).")
            elif not code.isalpha():
                add("access_code", "Le code d'accès ne contient que des lettres (exemple : abcdefgh).")
        else:
            if not infos.last_name.strip():
                add("last_name", "Indiquez votre nom.")
            if not infos.first_name.strip():
                add("first_name", "Indiquez votre prénom.")
            add("birth_date", check_birth_date(infos.birth_date, self.today))
            add("nir", check_nir(infos.nir))
        add("email", check_email(infos.email))
        problems.extend(check_new_password(infos.password, infos.confirmation, self.policy_for(infos), "password"))
        if not infos.accept_terms:
            add("accept_terms", TERMS_MISSING)
        if self.challenge is not None and not infos.challenge_answer.strip():
            add("challenge", "Répondez à la question de vérification de sécurité.")
        return problems

    async def submit(self, infos: ActivationInfos) -> Result:
        problems = self.check(infos)
        if problems:
            return Result(problems=problems)
        challenge = self.challenge
        common = {
            "member_number": infos.member_number.strip(),
            "email": infos.email.strip(),
            "password": infos.password,
            "accept_terms": infos.accept_terms,
            "challenge_id": challenge.id if challenge else None,
            "challenge_answer": infos.challenge_answer.strip() or None,
        }
        try:
            if self.mode is ActivationMode.CODE:
                body_code = schemas.ActivationByCode(access_code=infos.access_code.strip().lower(), **common)
                accepted = await self.api.activate_by_code(body_code)
            else:
                birth = parse_birth_date(infos.birth_date)
                assert birth is not None
                body_identity = schemas.ActivationByIdentity(
                    last_name=infos.last_name.strip(),
                    first_name=infos.first_name.strip(),
                    birth_date=birth,
                    nir=validate_nir(infos.nir),
                    **common,
                )
                accepted = await self.api.activate_by_identity(body_identity)
        except errors.ApiError as exc:
            await self.new_challenge()  # a challenge is single use
            return Result(problems=_server_problems(exc))
        self.member_number = infos.member_number.strip()
        self.email = infos.email.strip()
        self.step = ActivationStep.VALIDATION
        return Result(message=self.sent_message(accepted.message))

    def sent_message(self, server_message: str = "") -> str:
        told = f"Un e-mail de confirmation vous a été envoyé à {self.email}."
        rest = (
            " Il contient un lien et un code, valables 24 heures : collez le code ci-dessous "
            "pour confirmer votre adresse."
        )
        return told + rest + (f" ({server_message})" if server_message and server_message not in told else "")

    async def confirm(self, code: str) -> Result:
        value = "".join(code.split())
        if not value:
            return Result(problems=[FieldError("code", "Collez le code reçu par e-mail.")])
        try:
            # the address just given names the very account, also an ayant droit's own access (issue 21),
            # whose n° adhérent is the assuré principal's; « Renvoyer l'e-mail » knows only the identifier
            await self.api.confirm_email(self.email or self.member_number, value)
        except errors.ApiError as exc:
            return Result(problems=[FieldError("code", exc.message)])
        self.step = ActivationStep.WELCOME
        return Result(message=WELCOME)


class _ChallengedRequest:
    """An identifier and the human check, sent once to the server: the first step shared by « Renvoyer
    l'e-mail de confirmation » and « Mot de passe oublié ». A question is single use: a new one is loaded
    after any refusal."""

    api: ApiClient
    challenge: HumanChallenge | None

    async def load(self) -> Result:
        try:
            self.challenge = await self.api.challenge()
        except errors.ApiError as exc:
            return Result(problems=[FieldError("form", exc.message)])
        return Result()

    def check_request(self, identifier: str, challenge_answer: str) -> list[FieldError]:
        problems = []
        if not identifier.strip():
            problems.append(FieldError("identifier", "Indiquez votre n° adhérent ou votre adresse e-mail."))
        if self.challenge is not None and not challenge_answer.strip():
            problems.append(FieldError("challenge", "Répondez à la question de vérification de sécurité."))
        return problems

    async def _send(
        self, identifier: str, challenge_answer: str, call: Callable[..., Awaitable[Accepted]]
    ) -> Accepted | Result:
        """``call(identifier, challenge_id=…, challenge_answer=…)``'s answer, or a Result with the problems."""
        problems = self.check_request(identifier, challenge_answer)
        if problems:
            return Result(problems=problems)
        challenge, self.challenge = self.challenge, None  # single use
        try:
            return await call(
                identifier.strip(),
                challenge_id=challenge.id if challenge else None,
                challenge_answer=challenge_answer.strip() or None,
            )
        except errors.ApiError as exc:
            await self.load()
            return Result(problems=_server_problems(exc))


# -- Renvoyer l'e-mail de confirmation -------------------------------------------------------------------

RESEND_CONFIRMATION_TITLE = "Renvoyer l'e-mail de confirmation"
RESEND_CONFIRMATION_INTRO = (
    "Votre compte est créé mais votre adresse e-mail n'est pas encore confirmée ? Indiquez votre n° adhérent "
    "ou votre adresse e-mail : un nouvel e-mail de confirmation (un lien et un code, valables 24 heures) "
    "vous sera envoyé."
)
RESEND_CONFIRMATION_PASTE = (
    "Collez ci-dessous le code à 8 chiffres de l'e-mail pour confirmer votre adresse (ou ouvrez son lien)."
)


class ResendConfirmationStep(Enum):
    IDENTIFIER = 1
    CODE = 2
    DONE = 3


class ResendConfirmationFlow(_ChallengedRequest):
    """Identifier and human check, then the server's message (the same whether the account exists or
    not), then the code pasted: the confirm-email step of `ActivationFlow`, reused as is."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api
        self.step = ResendConfirmationStep.IDENTIFIER
        self.challenge: HumanChallenge | None = None
        self.confirmation = ActivationFlow(api)  # only its confirm step (member_number = the identifier)
        self.server_message = ""

    @property
    def identifier(self) -> str:
        return self.confirmation.member_number

    async def request(self, identifier: str, challenge_answer: str) -> Result:
        accepted = await self._send(identifier, challenge_answer, self.api.resend_confirmation)
        if isinstance(accepted, Result):
            return accepted
        self.confirmation.member_number = identifier.strip()
        self.confirmation.step = ActivationStep.VALIDATION
        self.server_message = accepted.message
        self.step = ResendConfirmationStep.CODE
        return Result(message=accepted.message)

    async def confirm(self, code: str) -> Result:
        result = await self.confirmation.confirm(code)
        if result.ok:
            self.step = ResendConfirmationStep.DONE
        return result


# -- Mot de passe oublié ---------------------------------------------------------------------------------

FORGOT_TITLE = "Mot de passe oublié"
FORGOT_INTRO = (
    "Indiquez votre n° adhérent ou votre adresse e-mail : si un compte correspond, un e-mail vous est "
    "envoyé avec un code valable 24 heures. Changer votre mot de passe débloque aussi votre compte."
)
FORGOT_SENT = "Si un compte correspond, un e-mail vous a été envoyé. Collez ci-dessous le code qu'il contient."
RESET_DONE = (
    "Votre mot de passe est changé et votre compte débloqué. Connectez-vous avec votre nouveau mot de "
    "passe ; le code de connexion vous sera demandé."
)


class ResetStep(Enum):
    IDENTIFIER = 1
    CODE = 2
    DONE = 3


class ResetFlow(_ChallengedRequest):
    def __init__(self, api: ApiClient, *, policy: PolicyCheck | None = None) -> None:
        self.api = api
        self.step = ResetStep.IDENTIFIER
        self.identifier = ""
        self.challenge: HumanChallenge | None = None
        self._policy = policy

    @property
    def policy(self) -> PolicyCheck:
        return self._policy or default_policy(member_number=self.identifier if self.identifier.isdigit() else None)

    async def request(self, identifier: str, challenge_answer: str) -> Result:
        sent = await self._send(identifier, challenge_answer, self.api.forgot_password)
        if isinstance(sent, Result):
            return sent
        self.identifier = identifier.strip()
        self.step = ResetStep.CODE
        return Result(message=FORGOT_SENT)

    def check_reset(self, code: str, new_password: str, confirmation: str) -> list[FieldError]:
        problems = [] if "".join(code.split()) else [FieldError("code", "Collez le code reçu par e-mail.")]
        return problems + check_new_password(new_password, confirmation, self.policy)

    async def reset(self, code: str, new_password: str, confirmation: str) -> Result:
        value = "".join(code.split())
        problems = self.check_reset(code, new_password, confirmation)
        if problems:
            return Result(problems=problems)
        try:
            await self.api.reset_password(self.identifier, value, new_password)
        except errors.ApiError as exc:
            return Result(problems=_server_problems(exc))
        self.step = ResetStep.DONE
        return Result(message=RESET_DONE)


# -- Retrouver mon identifiant ---------------------------------------------------------------------------

RECOVER_TITLE = "Retrouver mon identifiant"
RECOVER_INTRO = (
    "Indiquez votre nom, votre prénom, votre date de naissance et votre n° de sécurité sociale : si un "
    "compte correspond, votre n° adhérent vous est envoyé par e-mail (jamais affiché ici)."
)
RECOVER_SENT = "Si un compte correspond, votre identifiant vous a été envoyé par e-mail."


class RecoverFlow:
    def __init__(self, api: ApiClient, *, today: date | None = None) -> None:
        self.api = api
        self.today = today
        self.done = False

    def check(self, last_name: str, first_name: str, birth_date: str, nir: str) -> list[FieldError]:
        problems = []
        if not last_name.strip():
            problems.append(FieldError("last_name", "Indiquez votre nom."))
        if not first_name.strip():
            problems.append(FieldError("first_name", "Indiquez votre prénom."))
        message = check_birth_date(birth_date, self.today)
        if message:
            problems.append(FieldError("birth_date", message))
        message = check_nir(nir)
        if message:
            problems.append(FieldError("nir", message))
        return problems

    async def submit(self, last_name: str, first_name: str, birth_date: str, nir: str) -> Result:
        problems = self.check(last_name, first_name, birth_date, nir)
        if problems:
            return Result(problems=problems)
        born = parse_birth_date(birth_date)
        assert born is not None
        body = schemas.RecoverIdentifierRequest(
            last_name=last_name.strip(), first_name=first_name.strip(), birth_date=born, nir=validate_nir(nir)
        )
        try:
            await self.api.recover_identifier(body)
        except errors.ApiError as exc:
            return Result(problems=_server_problems(exc))
        self.done = True
        return Result(message=RECOVER_SENT)


# -- Ce n'est pas moi (issue 16) ---------------------------------------------------------------------------

NOT_ME_TITLE = "Ce n'est pas moi"
NOT_ME_INTRO = (
    "Vous avez reçu le message « Ce changement vient-il de vous ? » alors que vous n'avez rien demandé ? "
    "Indiquez votre n° adhérent et le code à 8 chiffres de ce message : le changement d'e-mail ou de mobile "
    "sera annulé, toutes les connexions à votre espace seront fermées, et l'accès restera bloqué jusqu'au choix "
    "d'un nouveau mot de passe (« Mot de passe oublié »)."
)
NOT_ME_CODE_LABEL = "Code du message (8 chiffres)"
NOT_ME_BUTTON = "Annuler le changement"
NOT_ME_NEXT = "Choisissez maintenant « Mot de passe oublié ? » pour débloquer votre accès."


class NotMeFlow:
    """The n° adhérent and the code of the message sent to the old contact, sent once to the server; the
    server's sentence says what happened. The code is refused in words when it cannot be one."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api
        self.identifier = ""
        self.done = False

    def check(self, identifier: str, code: str) -> list[FieldError]:
        problems = []
        message = check_member_number(identifier)
        if message:
            problems.append(FieldError("identifier", message))
        digits = "".join(code.split())
        if not digits:
            problems.append(FieldError("code", "Indiquez le code à 8 chiffres du message reçu."))
        elif not (digits.isdigit() and len(digits) == 8):
            problems.append(FieldError("code", "Le code du message compte 8 chiffres (exemple : 12345678)."))
        return problems

    async def submit(self, identifier: str, code: str) -> Result:
        problems = self.check(identifier, code)
        if problems:
            return Result(problems=problems)
        try:
            accepted = await self.api.contact_revert(identifier.strip(), "".join(code.split()))
        except errors.ApiError as exc:
            return Result(problems=[FieldError("code", exc.message)])
        self.identifier = identifier.strip()
        self.done = True
        return Result(message=f"{accepted.message} {NOT_ME_NEXT}")


# -- Changer mon mot de passe ----------------------------------------------------------------------------

CHANGE_TITLE = "Changer mon mot de passe"
CHANGE_FORCED = (
    "Votre mot de passe a expiré : pour accéder à votre espace, choisissez-en un nouveau. "
    "Tant qu'il n'est pas changé, rien d'autre n'est possible."
)
CHANGE_DONE = "Votre mot de passe est changé. Vos appareils de confiance ont été oubliés."


class ChangePasswordFlow:
    def __init__(self, api: ApiClient, *, policy: PolicyCheck | None = None, forced: bool = False) -> None:
        self.api = api
        self.forced = forced
        self._policy = policy
        self.done = False

    @property
    def policy(self) -> PolicyCheck:
        return self._policy or default_policy()

    def check(self, current: str, new_password: str, confirmation: str) -> list[FieldError]:
        problems = [] if current else [FieldError("current_password", "Indiquez votre mot de passe actuel.")]
        if current and current == new_password:  # before the confirmation: the field order, both faces
            problems.append(FieldError("new_password", "Le nouveau mot de passe doit être différent de l'actuel."))
        return problems + check_new_password(new_password, confirmation, self.policy)

    async def submit(self, current: str, new_password: str, confirmation: str) -> Result:
        problems = self.check(current, new_password, confirmation)
        if problems:
            return Result(problems=problems)
        try:
            await self.api.change_password(current, new_password)
        except errors.ApiError as exc:
            return Result(problems=_server_problems(exc))
        self.done = True
        return Result(message=CHANGE_DONE)


# -- the session-expiry warning --------------------------------------------------------------------------

WARN_AHEAD_SECONDS = 90.0
"""At least 60 s ahead (the guide); 90 s leaves time to read the warning and press the key."""
EXPIRY_TITLE = "Votre session va bientôt expirer"
EXTEND_LABEL = "Prolonger"
EXTENDED = "Session prolongée jusqu'à {time}, faute d'activité d'ici là."


def expiry_warning(api: ApiClient) -> str:
    """Said once: the time the session ends, never a countdown."""
    left = api.seconds_before_idle_expiry() or 0.0
    ends = api.clock.now().timestamp() + max(left, 0.0)
    at = datetime.fromtimestamp(ends, tz=paris())
    return (
        f"Sans activité, votre session se terminera à {clock_time(at)}. "
        "Choisissez « Prolonger » pour garder votre session ouverte ; ce que vous avez saisi est conservé."
    )


class ExpiryWatch:
    """Decides, from the client's clock, when to warn; the front end only calls `due()` regularly."""

    def __init__(self, api: ApiClient, ahead: float = WARN_AHEAD_SECONDS) -> None:
        self.api = api
        self.ahead = ahead
        self.warned = False

    def due(self) -> bool:
        """True once when the idle expiry is less than `ahead` seconds away."""
        left = self.api.seconds_before_idle_expiry()
        if left is None:
            return False
        if left > self.ahead:
            self.warned = False
            return False
        if self.warned:
            return False
        self.warned = True
        return True

    async def extend(self) -> Result:
        try:
            extended = await self.api.extend_session()
        except errors.ApiError as exc:
            return Result(problems=[FieldError("form", exc.message)])
        self.warned = False
        return Result(message=EXTENDED.format(time=clock_time(extended.idle_expires_at)))


# -- Mes appareils de confiance, mes sessions ------------------------------------------------------------

DEVICES_TITLE = "Mes appareils de confiance"
SESSIONS_TITLE = "Mes sessions ouvertes"
NO_DEVICES = "Aucun appareil de confiance : le code vous est demandé à chaque connexion."
DEVICE_REVOKED = "Appareil « {name} » retiré : le code lui sera de nouveau demandé."
SESSION_REVOKED = "Session fermée."


def _day(value: datetime) -> str:
    return format_date_long(value.astimezone(paris()).date())


def device_line(device: TrustedDeviceOut) -> str:
    used = f" ; Dernière utilisation : {_day(device.last_used_at)}" if device.last_used_at else ""
    return (
        f"Appareil : {device.name} ; Ajouté le : {_day(device.created_at)} ; "
        f"Valable jusqu'au : {_day(device.expires_at)}{used}"
    )


def session_line(item: SessionListItem) -> str:
    where = item.user_agent or "client inconnu"
    current = " (cette session)" if item.current else ""
    return (
        f"Session : {where}{current} ; Ouverte le : {_day(item.created_at)} à {clock_time(item.created_at)} ; "
        f"Dernière activité : {clock_time(item.last_seen_at)}"
    )


@dataclass
class SecurityView:
    devices: list[TrustedDeviceOut] = field(default_factory=list)
    sessions: list[SessionListItem] = field(default_factory=list)
    error: str | None = None


async def load_security(api: ApiClient) -> SecurityView:
    try:
        return SecurityView(devices=await api.trusted_devices(), sessions=await api.sessions())
    except errors.ApiError as exc:
        return SecurityView(error=exc.message)


async def revoke_device(api: ApiClient, device: TrustedDeviceOut) -> Result:
    try:
        await api.revoke_trusted_device(device.id)
    except errors.ApiError as exc:
        return Result(problems=[FieldError("form", exc.message)])
    return Result(message=DEVICE_REVOKED.format(name=device.name))


async def revoke_session(api: ApiClient, item: SessionListItem) -> Result:
    try:
        await api.revoke_session(item.id)
    except errors.ApiError as exc:
        return Result(problems=[FieldError("form", exc.message)])
    return Result(message=SESSION_REVOKED)


# -- application d'authentification ----------------------------------------------------------------------

TOTP_TITLE = "Application d'authentification"
TOTP_INTRO = (
    "Scannez ce QR code avec votre application d'authentification (ou saisissez le secret ci-dessous), "
    "puis indiquez le code à 6 chiffres qu'elle affiche."
)
TOTP_CODES_WARNING = (
    "Voici vos 10 codes de secours. Notez-les et gardez-les en lieu sûr : ils ne seront plus jamais "
    "affichés. Chacun remplace une seule fois le code de l'application si vous perdez votre téléphone."
)
TOTP_DONE = "Application d'authentification activée : elle vous donnera désormais le code de connexion."
TOTP_CODE_PROBLEM = "Le code de l'application compte 6 chiffres."


def group_secret(secret: str) -> str:
    """The base32 secret in groups of four, easier to type: "JBSW Y3DP …"."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class TotpFlow:
    def __init__(self, api: ApiClient) -> None:
        self.api = api
        self.enrollment: TotpEnrollment | None = None
        self.recovery_codes: list[str] = []

    async def start(self) -> Result:
        try:
            self.enrollment = await self.api.totp_enroll()
        except errors.ApiError as exc:
            return Result(problems=[FieldError("form", exc.message)])
        return Result(message=TOTP_INTRO)

    @staticmethod
    def check(code: str) -> list[FieldError]:
        value = "".join(code.split())
        return [] if value.isdigit() and len(value) == 6 else [FieldError("code", TOTP_CODE_PROBLEM)]

    async def confirm(self, code: str) -> Result:
        value = "".join(code.split())
        if problems := self.check(code):
            return Result(problems=problems)
        try:
            self.recovery_codes = (await self.api.totp_confirm(value)).recovery_codes
        except errors.ApiError as exc:
            return Result(problems=[FieldError("code", exc.message)])
        return Result(message=TOTP_DONE)


# -- the forms, declared once (issue 18) -----------------------------------------------------------------
# Each field's words, order and checks, for both faces: the linear mode asks them through a `Face` (the
# runners below), the full-screen account screens lay out the same fields with the same labels
# (`label_of`) and send them to the same flow methods, whose checks (`ActivationFlow.check`…) are the
# forms' checks. A refusal by the server asks again only the field it names, the other answers kept.

YES_NO = (("oui", "Oui"), ("non", "Non"))
RULES_BEFORE = f"Règles du mot de passe : {RULES_SUMMARY}"

MEMBER_NUMBER = Ask("member_number", "N° adhérent", hint="chiffres seulement")
ACCESS_CODE = Ask("access_code", "Code d'accès", hint="8 lettres, sur le courrier de bienvenue")
LAST_NAME = Ask("last_name", "Nom")
FIRST_NAME = Ask("first_name", "Prénom")
BIRTH_DATE = Ask("birth_date", "Date de naissance", hint="JJ/MM/AAAA")
NIR = Ask("nir", "N° de sécurité sociale", hint="15 caractères avec la clé")
EMAIL = Ask("email", "Adresse e-mail", hint="elle servira aussi d'identifiant")
PASSWORD = Ask("password", "Choisissez votre mot de passe", SECRET, before=RULES_BEFORE)
CONFIRMATION = Ask("confirmation", "Confirmez le mot de passe", SECRET)
EMAILED_CODE = Ask("code", CONFIRM_CODE_LABEL, CODE)
IDENTIFIER = Ask("identifier", login_flow.IDENTIFIER_LABEL)
NEW_PASSWORD = Ask("new_password", "Nouveau mot de passe", SECRET, before=RULES_BEFORE)
NEW_CONFIRMATION = Ask("confirmation", "Confirmez le nouveau mot de passe", SECRET)
CURRENT_PASSWORD = Ask("current_password", "Mot de passe actuel", SECRET)
NOT_ME_NUMBER = Ask("identifier", "N° adhérent")
NOT_ME_CODE = Ask("code", NOT_ME_CODE_LABEL, CODE)
TOTP_CODE = Ask("code", "Code affiché par l'application", CODE, hint="6 chiffres")
IDENTITY = (LAST_NAME, FIRST_NAME, BIRTH_DATE, NIR)
LATER = "Entrée pour plus tard"
FORGOT_CODE_TITLE = f"{FORGOT_TITLE} : nouveau mot de passe"
CHANGE_GIVEN_UP = "Mot de passe inchangé : votre mot de passe actuel reste valable."


def label_of(ask: Ask) -> str:
    """The words over a field on the full screen, the question in the linear mode: « N° adhérent (chiffres
    seulement) »."""
    return f"{ask.label} ({ask.hint})" if ask.hint else ask.label


def challenge_ask(challenge: HumanChallenge) -> Ask:
    """The human check: its question said first, then the answer asked (the question changes each time)."""
    return Ask("challenge", login_flow.CHALLENGE_LABEL, before=f"{login_flow.CHALLENGE_INTRO} {challenge.question}")


def terms_ask(terms: Terms | None) -> Ask:
    text = f"{terms.title} (version {terms.version})\n{terms.text}" if terms else ""
    return Ask("accept_terms", TERMS_ACCEPT_LABEL, CHOICE, YES_NO, before=text)


def first_problem_of(problems: Sequence[FieldError]) -> Problem | None:
    """A flow's first problem as the form model says it (the field named as the form's field)."""
    return Problem(problems[0].message, ask_name(problems[0].field)) if problems else None


def ask_name(field_name: str, password: str = "password") -> str | None:
    """The form field a problem belongs to: the server says « password.min_length » and
    « challenge_answer »; « form » is the form as a whole (None)."""
    if field_name.startswith("password."):
        return password
    if field_name == "challenge_answer":
        return "challenge"
    return None if field_name == "form" else field_name


def infos_of(values: Values) -> ActivationInfos:
    text = {name: str(values.get(name) or "") for name in ("member_number", "access_code", "email", "challenge")}
    return ActivationInfos(
        member_number=text["member_number"],
        access_code=text["access_code"],
        last_name=str(values.get("last_name") or ""),
        first_name=str(values.get("first_name") or ""),
        birth_date=str(values.get("birth_date") or ""),
        nir=str(values.get("nir") or ""),
        email=text["email"],
        password=str(values.get("password") or ""),
        confirmation=str(values.get("confirmation") or ""),
        accept_terms=values.get("accept_terms") == "oui",
        challenge_answer=text["challenge"],
    )


def activation_form(flow: ActivationFlow, given: Values | None = None) -> Form:
    """Mes infos: the n° adhérent, the code d'accès or the identity, the e-mail, the password twice, the CGU
    and the human check, in the order of the full-screen form."""
    identity = flow.mode is ActivationMode.IDENTITY
    asks = (
        MEMBER_NUMBER,
        *(IDENTITY if identity else (ACCESS_CODE,)),
        EMAIL,
        PASSWORD,
        CONFIRMATION,
        terms_ask(flow.terms),
        *((challenge_ask(flow.challenge),) if flow.challenge is not None else ()),
    )
    return Form(
        flow.heading,
        () if given else (ACTIVATION_INTRO,),
        asks,
        check=lambda values: first_problem_of(flow.check(infos_of(values))),
        submit="Créer mon compte",
        given=given or {},
    )


def request_form(flow: ResendConfirmationFlow | ResetFlow, title: str, intro: str, given: Values | None) -> Form:
    """The identifier and the human check (Mot de passe oublié, Renvoyer l'e-mail de confirmation). No recap:
    as at the login, nothing is changed yet, an e-mail is only asked for."""
    asks = (IDENTIFIER, *((challenge_ask(flow.challenge),) if flow.challenge is not None else ()))
    return Form(
        title,
        () if given else (intro,),
        asks,
        check=lambda v: first_problem_of(flow.check_request(v.get("identifier", ""), v.get("challenge", ""))),
        submit="Recevoir un e-mail",
        recap=False,
        given=given or {},
    )


def reset_form(flow: ResetFlow, given: Values | None = None) -> Form:
    """The code of the e-mail and the new password twice. No recap: a code and two passwords, all masked,
    read back would say nothing."""
    return Form(
        FORGOT_CODE_TITLE,
        () if given else (FORGOT_SENT,),
        (EMAILED_CODE, NEW_PASSWORD, NEW_CONFIRMATION),
        check=lambda v: first_problem_of(
            flow.check_reset(v.get("code", ""), v.get("new_password", ""), v.get("confirmation", ""))
        ),
        submit="Changer mon mot de passe",
        recap=False,
        given=given or {},
    )


def recover_form(flow: RecoverFlow, given: Values | None = None) -> Form:
    def check(v: Values) -> Problem | None:
        names = ("last_name", "first_name", "birth_date", "nir")
        return first_problem_of(flow.check(*(str(v.get(name, "")) for name in names)))

    return Form(
        RECOVER_TITLE,
        () if given else (RECOVER_INTRO,),
        IDENTITY,
        check=check,
        submit="Recevoir mon identifiant par e-mail",
        given=given or {},
    )


def not_me_form(flow: NotMeFlow, given: Values | None = None) -> Form:
    return Form(
        NOT_ME_TITLE,
        () if given else (NOT_ME_INTRO,),
        (NOT_ME_NUMBER, NOT_ME_CODE),
        check=lambda v: first_problem_of(flow.check(v.get("identifier", ""), v.get("code", ""))),
        submit="Valider",  # not the button's « Annuler le changement »: « annuler » leaves a linear form
        given=given or {},
    )


def change_form(flow: ChangePasswordFlow, given: Values | None = None) -> Form:
    """No recap: three masked answers read back would say nothing; « annuler » leaves at any question."""
    return Form(
        CHANGE_TITLE,
        (CHANGE_FORCED,) if flow.forced and not given else (),
        (CURRENT_PASSWORD, NEW_PASSWORD, NEW_CONFIRMATION),
        check=lambda v: first_problem_of(
            flow.check(v.get("current_password", ""), v.get("new_password", ""), v.get("confirmation", ""))
        ),
        submit="Changer mon mot de passe",
        recap=False,
        given=given or {},
    )


def totp_form(intro: tuple[str, ...]) -> Form:
    """``intro``: what the face shows of the secret (a QR code on the full screen, the secret in words)."""
    return Form(TOTP_TITLE, intro, (TOTP_CODE,), check=lambda v: first_problem_of(TotpFlow.check(v.get("code", ""))))


def code_form(title: str, intro: tuple[str, ...], ask: Ask) -> Form:
    return Form(title, intro, (ask,))


def resend_code_form(server_message: str) -> Form:
    """The code of the e-mail sent again; Entrée leaves it for later (the link of the e-mail works too)."""
    later = dataclasses.replace(EMAILED_CODE, required=False, hint=LATER)
    return code_form(RESEND_CONFIRMATION_TITLE, (server_message, RESEND_CONFIRMATION_PASTE), later)


# -- the runners: a form asked through a face until the server accepts it --------------------------------


def kept_answers(
    face: Face,
    result: Result,
    values: Values,
    *,
    password: str = "password",
    whole: str | None = None,
) -> Values:
    """The server refused: its problems said, the answers kept but the wrong ones (a wrong password with
    its confirmation, and the human check, whose question is single use). ``whole``: the field a problem
    of the whole form belongs to (a refused code)."""
    wrong = {"challenge"}
    for found in result.problems:
        face.error(found.message)
        name = ask_name(found.field, password) or whole
        if name is not None:
            wrong.add(name)
    if wrong & {"password", "new_password"}:
        wrong.add("confirmation")
    return {name: value for name, value in values.items() if name not in wrong}


def asks_something(form: Form) -> bool:
    """Whether the face has anything to ask or read back: a field not answered yet, or a recap."""
    return forms.wants_recap(form, form.given) or any(a.name not in form.given for a in forms.asked(form, form.given))


async def run_form(
    face: Face,
    build: Callable[[Values], Form],
    send: Callable[[Values], Awaitable[Result]],
    *,
    password: str = "password",
    whole: str | None = None,
    tries: int = 0,
    say_done: bool = True,
) -> Result | None:
    """``build(given)`` asked through ``face`` and sent until the server takes it: the accepted Result (its
    sentence said unless ``say_done`` is off: the next step's form says it). After a refusal, only the
    wrong fields are asked again (``kept_answers``). None when the member gives up, or when the server
    refused the form as a whole and there is nothing to ask again (no loop against a server that is down);
    the last refusal after ``tries`` of them."""
    given: Values = {}
    refused = 0
    while True:
        form = build(given)
        if refused and not asks_something(form):
            return None
        values = await face.form(form)
        if values is None:
            return None
        result = await send(values)
        if result.ok:
            if say_done:
                face.say(result.message)
            return result
        refused += 1
        given = kept_answers(face, result, values, password=password, whole=whole)
        if tries and refused >= tries:
            return result


async def run_activation_infos(flow: ActivationFlow, face: Face) -> bool:
    """Mes infos until the server takes them (its sentence said); False when the member gives up."""
    done = await run_form(face, lambda given: activation_form(flow, given), lambda v: flow.submit(infos_of(v)))
    return done is not None


async def run_code(face: Face, form: Form, confirm: Callable[[str], Awaitable[Result]]) -> bool:
    """A one-code form asked until ``confirm`` takes the code (its sentence said); False when given up (or,
    for a code that is not required, left empty: « plus tard »)."""
    name = form.asks[0].name
    while True:
        values = await face.form(form)
        if values is None or not str(values.get(name) or "").strip():
            return False
        result = await confirm(values[name])
        if result.ok:
            face.say(result.message)
            return True
        for found in result.problems:
            face.error(found.message)
        form = dataclasses.replace(form, intro=())  # said once


async def run_request(flow: ResendConfirmationFlow | ResetFlow, face: Face, title: str, intro: str) -> bool:
    """The identifier and the human check until the server takes them (said by the next step); False when
    given up."""
    done = await run_form(
        face,
        lambda given: request_form(flow, title, intro, given),
        lambda v: flow.request(v["identifier"], v.get("challenge", "")),
        say_done=False,
    )
    return done is not None


async def run_reset(flow: ResetFlow, face: Face) -> bool:
    """The code and the new password until the server takes them (only the wrong one asked again)."""
    done = await run_form(
        face,
        lambda given: reset_form(flow, given),
        lambda v: flow.reset(v["code"], v["new_password"], v["confirmation"]),
        password="new_password",
        whole="code",  # « ce code n'est pas valable »: the code typed again, the new password kept
    )
    return done is not None


async def run_recover(flow: RecoverFlow, face: Face) -> bool:
    done = await run_form(
        face,
        lambda given: recover_form(flow, given),
        lambda v: flow.submit(v["last_name"], v["first_name"], v["birth_date"], v["nir"]),
    )
    return done is not None


async def run_not_me(flow: NotMeFlow, face: Face) -> bool:
    done = await run_form(
        face, lambda given: not_me_form(flow, given), lambda v: flow.submit(v["identifier"], v["code"]), whole="code"
    )
    return done is not None


CHANGE_TRIES = 3
"""Refusals by the server before the form is left (a wrong current password guessed at)."""
CHANGE_TRIES_OVER = "Mot de passe inchangé : après 3 essais, retour au menu ; votre mot de passe actuel reste valable."


async def run_change_password(flow: ChangePasswordFlow, face: Face) -> bool:
    done = await run_form(
        face,
        lambda given: change_form(flow, given),
        lambda v: flow.submit(v["current_password"], v["new_password"], v["confirmation"]),
        password="new_password",
        tries=CHANGE_TRIES,
    )
    if done is None or not done.ok:
        face.say(CHANGE_GIVEN_UP if done is None else CHANGE_TRIES_OVER)
    return done is not None and done.ok
