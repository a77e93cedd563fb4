"""One settings object (pydantic-settings), read from ``ESPACE_*`` environment variables.

The database URL also honours the plain ``DATABASE_URL`` variable (PostgreSQL in production);
``ESPACE_DATABASE_URL`` wins when both are set.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Self

from pydantic import AliasChoices, Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "demo-secret-key-change-me"
DEFAULT_DATABASE_URL = "sqlite:///./.demo/espace.db"


def normalise_database_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` (as hosting platforms give them) use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


SMS_PROVIDERS = ("outbox", "file")
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
# counts that make no sense at 0 (a pool of 0 connections, a batch of 0 mails, 0 allowed failures…)
AT_LEAST_ONE = frozenset(
    {
        "db_pool_size",
        "outbox_batch_size",
        "argon2_time_cost",
        "argon2_memory_cost",
        "argon2_parallelism",
        "upload_max_bytes",
        "upload_max_files",
        "login_max_failures",
        "login_ip_max_attempts",
        "activation_max_failures",
        "activation_identity_max_failures",
        "second_factor_max_wrong",
        "recovery_code_count",
    }
)


def check_database_url(url: str) -> str:
    """A URL SQLAlchemy can read, for SQLite or PostgreSQL (psycopg 3); a French message otherwise."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    url = normalise_database_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(
            f"adresse de base de données illisible ({url!r}) : attendu sqlite:///chemin/espace.db "
            "ou postgresql://utilisateur@hôte:5432/base"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"base de données non prise en charge ({backend}) : SQLite ou PostgreSQL seulement")
    if backend == "postgresql" and (parsed.get_driver_name() != "psycopg" or not parsed.database):
        raise ValueError(
            "adresse PostgreSQL incomplète ou pilote inconnu : attendu postgresql://utilisateur@hôte:5432/base "
            "(pilote psycopg 3)"
        )
    return url


def check_setting_range(name: str, value: object) -> object:
    """The checks shared by every setting of a kind: durations positive, counts not negative, ports valid."""
    variable = f"ESPACE_{name.upper()}"
    if isinstance(value, timedelta) and value <= timedelta(0):
        raise ValueError(f"{variable} doit être une durée strictement positive (reçu : {value.total_seconds():g} s)")
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if name in ("port", "smtp_port") and not 0 <= value <= 65535:
            raise ValueError(f"{variable} doit être un port entre 0 et 65535 (reçu : {value})")
        if name in AT_LEAST_ONE and value < 1:
            raise ValueError(f"{variable} doit valoir au moins 1 (reçu : {value})")
        if value < 0:
            raise ValueError(f"{variable} ne peut pas être négatif (reçu : {value})")
        if isinstance(value, float) and name.endswith("_seconds") and value <= 0:
            raise ValueError(f"{variable} doit être une durée strictement positive, en secondes (reçu : {value})")
    if name == "sms_provider" and value not in SMS_PROVIDERS:
        raise ValueError(f"{variable} inconnu ({value!r}) : choisissez parmi {', '.join(SMS_PROVIDERS)}")
    if name == "log_level" and str(value).upper() not in LOG_LEVELS:
        raise ValueError(f"{variable} inconnu ({value!r}) : choisissez parmi {', '.join(LOG_LEVELS)}")
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ESPACE_", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("ESPACE_DATABASE_URL", "DATABASE_URL"),
    )
    demo_mode: bool = False
    secret_key: str = DEFAULT_SECRET_KEY

    session_idle_timeout: timedelta = timedelta(minutes=15)
    session_absolute_lifetime: timedelta = timedelta(hours=12)

    host: str = "127.0.0.1"
    port: int = 8765

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "Espace Adhérent <ne-pas-repondre@mutuelle.example>"
    outbox_batch_size: int = 50
    outbox_retry_base: timedelta = timedelta(seconds=30)
    outbox_retry_max: timedelta = timedelta(hours=1)
    jobs_interval_seconds: float = 5.0

    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536  # KiB
    argon2_parallelism: int = 4

    log_level: str = "INFO"

    # --- issue 7: messagerie, démarches, uploads (README « Messagerie et démarches ») ---
    upload_max_bytes: int = 10 * 1024 * 1024  # PDF, JPEG, PNG: all the files of one request together (MESE)
    upload_max_files: int = 5
    message_answer_business_days: int = 2  # "réponse sous 48 h ouvrées" (jours ouvrés, Monday–Friday)
    complaint_acknowledge_business_days: int = 10  # ACPR 2022-R-01: jours ouvrables (Monday–Saturday)
    complaint_answer_months: int = 2  # ACPR 2022-R-01
    mediator_name: str = "Médiateur de la Mutualité française"
    mediator_address: str = "FNMF, Service du Médiateur, 255 rue de Vaugirard, 75719 Paris Cedex 15"
    mediator_website: str = "https://www.mediateur-mutualite.fr"
    demo_step: timedelta = timedelta(seconds=30)  # demo job: a request or claim moves on after this long
    # Messages wait longer: the conseiller console answers them (issue 9), so the demo job answers only a message
    # nobody has answered in that time — long enough to log in as a conseiller and answer it from the queue.
    demo_message_step: timedelta = timedelta(minutes=10)

    # --- issue 4: account security (docs: README « Sécurité », shared/design/security-rules.md) ---
    # AES-256-GCM key for TOTP secrets and NIR at rest: 32 bytes, base64 (urlsafe or standard).
    # Demo mode derives one from the secret key when it is missing; production refuses to start.
    encryption_key: str | None = None
    service_phone: str = "09 69 36 12 34"
    service_hours: str = "du lundi au vendredi de 8 h 30 à 18 h"
    public_base_url: str = "http://127.0.0.1:8765"  # links in mails point here
    # Lockout (per identifier, counted before the password check) and per-address limit.
    login_max_failures: int = 3
    login_lockout: timedelta = timedelta(minutes=15)
    login_ip_max_attempts: int = 30  # per client address and window; load tests raise it
    login_ip_window: timedelta = timedelta(minutes=15)
    activation_max_failures: int = 3  # activation by code, per member number
    activation_identity_max_failures: int = 2  # activation by identity: stricter than login
    activation_lockout: timedelta = timedelta(minutes=30)
    trusted_proxies: list[str] = Field(default_factory=list)  # addresses whose X-Forwarded-For is believed
    # Human check (text question).
    challenge_ttl: timedelta = timedelta(minutes=5)
    # Second factor.
    second_factor_code_ttl: timedelta = timedelta(minutes=10)
    # issue 8: a RIB change needs a second factor given within step_up_window; a step-up code lasts step_up_code_ttl
    step_up_window: timedelta = timedelta(minutes=5)
    step_up_code_ttl: timedelta = timedelta(minutes=10)
    second_factor_max_wrong: int = 5
    second_factor_max_resends: int = 3
    second_factor_resend_interval: timedelta = timedelta(seconds=30)
    # issue 16: step-up and contact-confirmation codes are limited like login codes: one code, then at most
    # second_factor_max_resends more in this window, each second_factor_resend_interval after the previous one
    code_request_window: timedelta = timedelta(minutes=15)
    totp_issuer: str = "Espace Adhérent"
    totp_valid_window: int = 1  # time-steps accepted on either side of now
    recovery_code_count: int = 10
    trusted_device_lifetime: timedelta = timedelta(days=90)
    # Mail links and codes.
    email_confirmation_ttl: timedelta = timedelta(hours=24)
    password_reset_ttl: timedelta = timedelta(hours=24)
    # issue 16: the « ce n'est pas moi » link and code sent to the old contact after a contact change
    contact_revert_ttl: timedelta = timedelta(days=30)
    # no reset link to an e-mail address on file for less than this (a contact change then a reset link is
    # the takeover path), unless a conseiller made the change under strong verification and this says so
    contact_reset_quarantine: timedelta = timedelta(hours=72)
    contact_quarantine_exempt_strong: bool = True
    # Passwords.
    password_history: int = 5
    member_password_max_age: timedelta | None = timedelta(days=180)  # None: no forced renewal (NIST, CNIL)
    staff_password_max_age: timedelta | None = timedelta(days=90)
    sms_provider: str = "outbox"  # outbox (demo: the mail sink shows it) | file
    sms_sink_domain: str = "sms.demo.invalid"
    sms_file: str = "./.demo/sms.log"
    # Housekeeping.
    idempotency_ttl: timedelta = timedelta(hours=24)
    purge_grace: timedelta = timedelta(days=1)  # expired rows are kept this long, then purged
    audit_retention: timedelta = timedelta(days=365)  # CNIL: 6 months to 1 year
    # issue 16: a conseiller's call (README « Console conseiller », the levels table). The verification level lasts
    # for the call and ends with it; a call nobody closed ends after agent_call_limit.
    agent_call_limit: timedelta = timedelta(hours=2)
    identity_questions: int = 3  # asked by the server: the date of birth and the strongest others available
    phone_channel_max_failures: int = 3  # failed identity checks on one member within phone_channel_window…
    phone_channel_window: timedelta = timedelta(hours=24)  # …close the phone channel until a supervisor reopens it
    strong_contact_min_age: timedelta = timedelta(days=30)  # the strong level's code goes only to an older contact
    call_code_ttl: timedelta = timedelta(minutes=10)  # the strong level's code by e-mail or SMS
    call_code_courier_ttl: timedelta = timedelta(days=15)  # …or posted, read back in a later call
    call_code_window: timedelta = timedelta(hours=1)  # one code, then second_factor_max_resends, per window
    # --- issue 11: production (README « Déploiement ») ---
    db_pool_size: int = 5  # PostgreSQL: connections kept open per server process
    db_max_overflow: int = 10  # PostgreSQL: extra connections opened under load, per process
    db_pool_timeout_seconds: float = 30.0  # wait for a free connection before answering 500
    # PostgreSQL: a pooled connection older than this is replaced at checkout (no ping before each request; a
    # read that meets a dropped connection is retried once on a fresh one, see server.db.retry_once_if_dropped)
    db_pool_recycle_seconds: int = 1800
    shutdown_grace_seconds: float = 30.0  # on SIGTERM: requests in flight get this long to finish
    # issue 16: /docs, /redoc and /openapi.json are served in demo mode, or when this is set (development)
    api_docs: bool = False

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return check_database_url(value)

    @field_validator("*", mode="after")
    @classmethod
    def _check_range(cls, value: object, info: ValidationInfo) -> object:
        return check_setting_range(info.field_name or "", value)

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Self:
        if not self.demo_mode and self.secret_key == DEFAULT_SECRET_KEY:
            raise ValueError(
                "La clé secrète par défaut n'est acceptée qu'en mode démonstration : définissez "
                'ESPACE_SECRET_KEY (une longue valeur aléatoire, par exemple `python -c "import secrets; '
                'print(secrets.token_urlsafe(48))"`), ou ESPACE_DEMO_MODE=1 pour une démonstration.'
            )
        if not self.demo_mode and not self.encryption_key:
            raise ValueError(
                "ESPACE_ENCRYPTION_KEY est obligatoire hors mode démonstration (32 octets en base64, par exemple "
                '`python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"`).'
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
