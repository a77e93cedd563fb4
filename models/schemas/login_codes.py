"""The login's vocabulary, apart from the other enumerations of `models.schemas.common` (which re-exports it).

The client's first screen, the login form, needs these four names and none of the forty others: building
those enumerations took 3 to 4 ms of a 270 ms start (issue 11, bench.startup_bench).
"""

from enum import StrEnum

# ErrorDetail.field that tells the client to fetch a challenge before the next attempt.
CHALLENGE_REQUIRED_FIELD = "challenge"
# ErrorResponse.code of every route refused in the restricted session of an expired password.
PASSWORD_EXPIRED_CODE = "password_expired"


class SecondFactorMethod(StrEnum):
    email = "email"
    sms = "sms"
    totp = "totp"  # an authenticator app (a recovery code is accepted in its place)


class LoginStatus(StrEnum):
    authenticated = "authenticated"
    second_factor_required = "second_factor_required"
