"""The client's typed errors. Each carries a French `message` that says what happened and what to do;
screens show it as is. The server's own French message is kept when it sent one (for instance the
lockout explanation on login)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pydantic is not loaded at start-up (issue 11)
    from models.schemas.errors import ErrorDetail

__all__ = [
    "UNEXPECTED",
    "AccountBlocked",
    "ApiError",
    "Forbidden",
    "InsecureServer",
    "InvalidCredentials",
    "NetworkError",
    "NotAuthenticated",
    "NotFound",
    "PasswordExpired",
    "ServerError",
    "SessionExpired",
    "Throttled",
    "TimeoutError",
    "UnexpectedResponse",
    "ValidationFailed",
]

# Said when the client itself fails (a bug): never a traceback on the screen.
UNEXPECTED = (
    "Une erreur inattendue est survenue dans le client. Réessayez ; si cela persiste, contactez le service adhérent."
)


class ApiError(Exception):
    """Base of every error the API client raises."""

    default_message = "La demande n'a pas abouti. Réessayez ; si cela persiste, contactez le service adhérent."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        details: Sequence[ErrorDetail] = (),
    ) -> None:
        self.message = message or self.default_message
        self.code = code
        self.status = status
        self.details = list(details)
        super().__init__(self.message)


class NetworkError(ApiError):
    default_message = "Le serveur ne répond pas. Vérifiez que le service est démarré (espace serve) puis réessayez."


class TimeoutError(ApiError):  # shadows the builtin on purpose: always used as errors.TimeoutError
    default_message = "Le serveur met trop de temps à répondre. Réessayez dans un instant."


class InsecureServer(ApiError):
    default_message = (
        "Adresse refusée : une connexion http:// n'est pas chiffrée. Utilisez une adresse https://, "
        "ou http:// seulement vers cette machine (127.0.0.1, ::1 ou localhost)."
    )


class InvalidCredentials(ApiError):
    default_message = "Identifiant ou mot de passe incorrect."


class AccountBlocked(ApiError):
    default_message = "L'accès à votre compte est bloqué. Contactez le service adhérent."


class NotAuthenticated(ApiError):
    default_message = "Aucune session ouverte : connectez-vous d'abord."


class SessionExpired(ApiError):
    default_message = "Votre session a expiré. Reconnectez-vous."


class Forbidden(ApiError):
    default_message = "Cette action ne vous est pas permise."


class PasswordExpired(Forbidden):
    """403 ``password_expired``: the session only allows the password change."""

    default_message = "Votre mot de passe a expiré : choisissez-en un nouveau pour continuer."


class NotFound(ApiError):
    default_message = "Élément introuvable : il a peut-être été supprimé. Actualisez l'écran."


class Throttled(ApiError):
    default_message = "Trop de demandes en peu de temps. Patientez quelques minutes puis réessayez."


class ValidationFailed(ApiError):
    default_message = "Certaines informations sont invalides : corrigez-les puis réessayez."


class ServerError(ApiError):
    default_message = (
        "Le service rencontre un problème. Réessayez dans quelques minutes ; "
        "si cela persiste, contactez le service adhérent."
    )


class UnexpectedResponse(ServerError):
    default_message = (
        "Le serveur a envoyé une réponse inattendue : le client et le serveur ne sont peut-être pas "
        "de la même version. Mettez à jour le client ou contactez le service adhérent."
    )
