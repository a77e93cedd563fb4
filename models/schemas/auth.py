"""Login and session schemas."""

from datetime import datetime

from pydantic import BaseModel, Field

from models.schemas.common import Role


class LoginRequest(BaseModel):
    identifier: str = Field(min_length=1, max_length=254, description="N° adhérent ou adresse e-mail")
    password: str = Field(min_length=1, max_length=1024)


class SessionOut(BaseModel):
    """An opaque server-side session: the token means nothing by itself and can be revoked."""

    token: str
    role: Role
    display_name: str
    expires_at: datetime = Field(description="Expiration absolue de la session (UTC)")
    idle_expires_at: datetime = Field(description="Expiration faute d'activité (UTC), repoussée à chaque requête")


class SessionInfo(BaseModel):
    """Who am I: the account behind the bearer token and its session's deadlines."""

    account_id: int
    role: Role
    display_name: str
    member_number: str | None = Field(default=None, description="N° adhérent (adhérents seulement)")
    expires_at: datetime = Field(description="Expiration absolue de la session (UTC)")
    idle_expires_at: datetime = Field(description="Expiration faute d'activité (UTC)")
