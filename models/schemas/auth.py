"""Authentication contract between the server and the client (issue 4).

Every refusal of a login is the same 401 ``invalid_credentials`` (see ``ErrorResponse``); when the
next attempt needs a human check, its ``details`` hold an ``ErrorDetail`` whose ``field`` is
``CHALLENGE_REQUIRED_FIELD``. Anonymous requests that could reveal whether an account exists
(activation, reset, identifier recovery) always answer 202 with ``Accepted``.
"""

from datetime import date, datetime

from pydantic import BaseModel, Field

# Re-exported: they live with the enumerations (no Pydantic), so the client starts without Pydantic.
from models.schemas.common import CHALLENGE_REQUIRED_FIELD as CHALLENGE_REQUIRED_FIELD
from models.schemas.common import PASSWORD_EXPIRED_CODE as PASSWORD_EXPIRED_CODE
from models.schemas.common import LoginStatus as LoginStatus
from models.schemas.common import Role
from models.schemas.common import SecondFactorMethod as SecondFactorMethod

# --- human check ---------------------------------------------------------------------------------


class HumanChallenge(BaseModel):
    """A text question a screen reader can read; single use, short-lived, kept by the server."""

    id: str
    question: str = Field(description="Question à poser telle quelle, en français")
    expires_at: datetime


class ChallengeAnswer(BaseModel):
    challenge_id: str | None = Field(default=None, max_length=64)
    challenge_answer: str | None = Field(default=None, max_length=100)


# --- login ---------------------------------------------------------------------------------------


class LoginRequest(ChallengeAnswer):
    identifier: str = Field(min_length=1, max_length=254, description="N° adhérent ou adresse e-mail")
    password: str = Field(min_length=1, max_length=1024)
    trusted_device_token: str | None = Field(
        default=None, max_length=200, description="Jeton d'appareil de confiance reçu lors d'une connexion précédente"
    )


class SessionOut(BaseModel):
    """An opaque server-side session: the token means nothing by itself and can be revoked."""

    token: str
    role: Role
    display_name: str
    expires_at: datetime = Field(description="Expiration absolue de la session (UTC)")
    idle_expires_at: datetime = Field(description="Expiration faute d'activité (UTC), repoussée à chaque requête")
    password_expired: bool = Field(
        default=False,
        description="Session restreinte : seul le changement de mot de passe est permis (403 ailleurs)",
    )


class PendingLogin(BaseModel):
    """A login whose password was right, waiting for its second factor."""

    id: str
    methods: list[SecondFactorMethod] = Field(description="Moyens possibles pour ce compte")
    method: SecondFactorMethod = Field(description="Moyen utilisé pour le code en cours")
    destination: str | None = Field(
        default=None, description="Destination masquée (l****y@hotmail.fr, 06 ** ** ** 12) ; absente pour totp"
    )
    code_expires_at: datetime
    resends_left: int
    resend_available_at: datetime | None = Field(default=None, description="Pas de renvoi avant cet instant")
    trust_device_allowed: bool = Field(
        description="« Se fier à cet appareil ? » a un sens : le serveur retiendra l'appareil (adhérents seulement)"
    )


class LoginResult(BaseModel):
    status: LoginStatus
    session: SessionOut | None = None
    pending: PendingLogin | None = None


class SecondFactorRequest(BaseModel):
    pending_id: str = Field(min_length=1, max_length=64)
    code: str = Field(min_length=1, max_length=32, description="Code à 6 chiffres, ou code de secours (totp)")
    trust_device: bool = False
    device_name: str | None = Field(default=None, max_length=100)


class SecondFactorResult(BaseModel):
    session: SessionOut
    trusted_device_token: str | None = Field(default=None, description="À garder côté client ; jamais affiché")
    trusted_device_expires_at: datetime | None = None


class TrustDeviceRequest(BaseModel):
    """« Se fier à cet appareil ? » answered yes, once the code was accepted (issue 19: the question comes
    after the code is checked): the pending login whose code opened this session."""

    pending_id: str = Field(min_length=1, max_length=64)
    device_name: str | None = Field(default=None, max_length=100)


class TrustedDeviceToken(BaseModel):
    trusted_device_token: str = Field(description="À garder côté client ; jamais affiché")
    trusted_device_expires_at: datetime


class ResendRequest(BaseModel):
    pending_id: str = Field(min_length=1, max_length=64)
    method: SecondFactorMethod | None = Field(default=None, description="Autre moyen ; par défaut le même")


# --- activation, confirmation, terms -------------------------------------------------------------


class Accepted(BaseModel):
    """The same body whatever happened (no enumeration)."""

    message: str


class ActivationByCode(ChallengeAnswer):
    member_number: str = Field(min_length=1, max_length=16)
    access_code: str = Field(min_length=1, max_length=32)
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
    accept_terms: bool


class ActivationByIdentity(ChallengeAnswer):
    member_number: str = Field(min_length=1, max_length=16)
    last_name: str = Field(min_length=1, max_length=100)
    first_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    nir: str = Field(min_length=13, max_length=21, description="N° de sécurité sociale, 15 caractères avec la clé")
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
    accept_terms: bool


class ConfirmEmailRequest(BaseModel):
    """Either the token of the link, or the identifier and the code of the mail."""

    token: str | None = Field(default=None, max_length=200)
    identifier: str | None = Field(default=None, max_length=254)
    code: str | None = Field(default=None, max_length=32)


class ContactRevertRequest(ConfirmEmailRequest):
    """« Ce n'est pas moi »: the token of the link sent to the old contact, or the identifier and the code."""


class Terms(BaseModel):
    version: str
    title: str
    text: str


# --- password ------------------------------------------------------------------------------------


class ForgotPasswordRequest(ChallengeAnswer):
    identifier: str = Field(min_length=1, max_length=254)


class ResendConfirmationRequest(ChallengeAnswer):
    """Renvoyer l'e-mail de confirmation: n° adhérent or the email given at activation."""

    identifier: str = Field(min_length=1, max_length=254)


class ResetPasswordRequest(BaseModel):
    """Either the token of the link, or the identifier and the code of the mail."""

    token: str | None = Field(default=None, max_length=200)
    identifier: str | None = Field(default=None, max_length=254)
    code: str | None = Field(default=None, max_length=32)
    new_password: str = Field(min_length=1, max_length=1024)


class RecoverIdentifierRequest(BaseModel):
    last_name: str = Field(min_length=1, max_length=100)
    first_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    nir: str = Field(min_length=13, max_length=21)


class ChangePasswordRequest(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class PasswordCheckRequest(BaseModel):
    password: str = Field(max_length=1024)


class PolicyViolation(BaseModel):
    code: str = Field(description="too_short, missing_upper, missing_lower, missing_digit, missing_special, …")
    message: str = Field(description="Phrase en français")


class PasswordCheckResult(BaseModel):
    ok: bool
    violations: list[PolicyViolation]


# --- sessions, devices, TOTP ---------------------------------------------------------------------


class SessionInfo(BaseModel):
    """Who am I: the account behind the bearer token and its session's deadlines."""

    account_id: int
    role: Role
    display_name: str
    member_number: str | None = Field(default=None, description="N° adhérent (adhérents seulement)")
    expires_at: datetime = Field(description="Expiration absolue de la session (UTC)")
    idle_expires_at: datetime = Field(description="Expiration faute d'activité (UTC)")
    password_expired: bool = False
    # issue 21: set for an ayant droit's own access (the client opens their reduced menu)
    beneficiary_id: int | None = Field(default=None, description="Accès personnel d'un ayant droit")


class SessionExtended(BaseModel):
    expires_at: datetime
    idle_expires_at: datetime


class SessionListItem(BaseModel):
    id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    user_agent: str | None = None
    ip: str | None = None
    current: bool


class TrustedDeviceOut(BaseModel):
    id: int
    name: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = None


class TotpEnrollment(BaseModel):
    secret: str = Field(description="Secret en base32, à saisir à la main si le QR code ne peut être lu")
    otpauth_uri: str
    qr_lines: list[str] = Field(description="QR code dessiné en demi-blocs (▀▄█ et espaces), une ligne par élément")


class TotpConfirmRequest(BaseModel):
    code: str = Field(min_length=6, max_length=6)


class RecoveryCodes(BaseModel):
    recovery_codes: list[str] = Field(description="10 codes de secours, montrés une seule fois")
