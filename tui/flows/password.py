"""The password policy as the member types: the pure policy of `models.domain.password_policy` (the same
one the server applies), with what the client knows of the person. The server stays the judge (it adds
the history rule, and the personal data the client does not know)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from models.domain import password_policy
from models.schemas.auth import PolicyViolation

PolicyCheck = Callable[[str], list[PolicyViolation]]

RULES_SUMMARY = password_policy.RULES_SUMMARY


def default_policy(
    *,
    member_number: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    birth_date: date | None = None,
) -> PolicyCheck:
    personal = password_policy.PersonalData(
        member_number=member_number, first_name=first_name, last_name=last_name, birth_date=birth_date
    )

    def check(password: str) -> list[PolicyViolation]:
        return [PolicyViolation(code=v.code, message=v.message) for v in password_policy.check(password, personal)]

    return check
