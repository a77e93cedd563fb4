"""How often a code may be sent, for the codes sent outside a login: the step-up (a second factor given again
during a session) and the code that confirms a new e-mail or mobile. The login's rule (security-rules.md,
« Second facteur »): one code, then at most ``second_factor_max_resends`` more, each at least
``second_factor_resend_interval`` after the previous one. A login's codes belong to one pending login; these
belong to the account (or the member and channel), so the rule holds over a window (``code_request_window``):
a flood of requests (each a new code with its own wrong-code allowance) is refused with a 429 that says when to
try again. A request replayed with its Idempotency-Key is not a new code and never reaches this."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from server.clock import PARIS
from server.errors import ApiError
from server.settings import Settings


def window_start(settings: Settings, now: datetime) -> datetime:
    return now - settings.code_request_window


def _time(moment: datetime) -> str:
    """The minute from which it is true (10:14:20 is said « 10 h 15 »: « 10 h 14 » would be refused)."""
    local = moment.astimezone(PARIS)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"{local.hour} h {local:%M}"


def check(settings: Settings, now: datetime, sent: Sequence[datetime]) -> None:
    """``sent``: when the codes of this window were sent. Raises 429 (with Retry-After) when another may not
    be sent now; the French message says from when it may."""
    recent = sorted(t for t in sent if t > window_start(settings, now))
    allowed = 1 + settings.second_factor_max_resends
    if len(recent) >= allowed:
        free_at = recent[-allowed] + settings.code_request_window
        raise ApiError(
            429,
            "too_many_codes",
            f"Vous avez déjà demandé {allowed} codes en peu de temps : pour votre sécurité, vous pourrez en "
            f"demander un nouveau à partir de {_time(free_at)}. Utilisez en attendant le dernier code reçu.",
            headers={"Retry-After": str(max(1, math.ceil((free_at - now).total_seconds())))},
        )
    if recent and now < recent[-1] + settings.second_factor_resend_interval:
        wait = math.ceil((recent[-1] + settings.second_factor_resend_interval - now).total_seconds())
        raise ApiError(
            429,
            "code_too_soon",
            f"Un code vient d'être envoyé : patientez encore {wait} seconde{'s' if wait > 1 else ''} avant d'en "
            "demander un autre (il peut mettre un peu de temps à arriver).",
            headers={"Retry-After": str(wait)},
        )
