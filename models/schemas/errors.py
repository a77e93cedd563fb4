"""The one error model of the API: every 4xx/5xx answers with it, and every route declares it."""

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    field: str | None = Field(default=None, description="Champ concerné (chemin JSON), s'il y en a un")
    message: str = Field(description="Ce qui ne va pas, en français")


class ErrorResponse(BaseModel):
    code: str = Field(description="Identifiant stable de l'erreur, pour les programmes (ex. invalid_credentials)")
    message: str = Field(description="Message en français : ce qui s'est passé et quoi faire")
    details: list[ErrorDetail] = Field(default_factory=list)
