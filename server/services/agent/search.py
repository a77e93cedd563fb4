"""« Qui appelle ? » — search as you type, by n° adhérent, nom + prénom (+ date de naissance), NIR, email or
phone. Each kind of query reads one index: member_number; search_last_name/search_first_name (the names
folded by ``fold_name``: lower case, accents stripped, so « muller » finds MÜLLER and « helene » Hélène);
nir_hash; email; mobile. The NIR is never decrypted: its keyed hash is compared. Results carry what tells
homonyms apart (birth year and age, département, contracts), never what answers the identity questions: not the
birth date, not the town nor the postal code (a question), not an amount."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.domain.identifiers import fold_name
from models.domain.vocabulary import inline_words
from models.schemas.agent import MemberHit, MemberSearch
from models.schemas.common import Role
from models.tables import Account, Contract, Member
from server.security.crypto import nir_lookup_hash
from server.services.guarantees import age_on
from server.settings import Settings

LIMIT = 20
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def _prefix_range(column: sa.ColumnElement[str], prefix: str) -> sa.ColumnElement[bool]:
    """``column`` starts with ``prefix``: a range the index answers, and a LIKE for the exact rule."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return sa.and_(column >= prefix, column < upper, column.like(f"{escaped}%", escape="\\"))


def _fold_query(text: str) -> str:
    return fold_name(text)


MAX_WORDS = 4  # « jean pierre de la » already narrows to a few; more words only multiply the readings
# How the words of a compound name may be joined in the dossier: « LE GOFF », « LE-GOFF », « LEGOFF ».
_JOINERS = (" ", "-", "")


def _spellings(words: list[str]) -> set[str]:
    """Every way ``words`` may be written as one name (a space, a hyphen or nothing between two words)."""
    spellings = {words[0]}
    for word in words[1:]:
        spellings = {f"{s}{joiner}{word}" for s in spellings for joiner in _JOINERS}
    return spellings


def _starts_with_any(column: sa.ColumnElement[str], words: list[str]) -> sa.ColumnElement[bool]:
    return sa.or_(*(_prefix_range(column, spelling) for spelling in sorted(_spellings(words))))


def _name_readings(words: list[str]) -> list[sa.ColumnElement[bool]]:
    """The words typed are « nom prénom » or « prénom nom », and either may be compound (« le goff gaëlle »,
    « jean pierre de la tour »): each cut of the words into a name then a first name, in both orders, is
    one reading; a member matches if one reading does. Every part is a prefix, so results come as you type."""
    last = col(Member.search_last_name)
    first = col(Member.search_first_name)
    readings = [_starts_with_any(last, words)]
    for cut in range(1, len(words)):
        head, tail = words[:cut], words[cut:]
        readings.append(sa.and_(_starts_with_any(last, head), _starts_with_any(first, tail)))
        readings.append(sa.and_(_starts_with_any(first, head), _starts_with_any(last, tail)))
    return readings


def _conditions(settings: Settings, query: str) -> tuple[str, sa.ColumnElement[bool]] | None:
    q = query.strip()
    compact = q.replace(" ", "").replace(".", "")
    digits = re.sub(r"\D", "", q)
    if "@" in q:
        return "email", col(Member.email) == q.lower()
    if len(compact) in (13, 15) and compact[:5].isdigit() and compact[7:].isdigit():  # NIR (2A/2B allowed)
        return "nir", col(Member.nir_hash) == nir_lookup_hash(settings, compact)
    if compact.startswith("+") or (compact.isdigit() and len(compact) == 10 and compact.startswith("0")):
        national = "0" + digits[2:] if digits.startswith("33") else digits
        spaced = " ".join(national[i : i + 2] for i in range(0, len(national), 2))
        return "phone", col(Member.mobile).in_({national, spaced, "+33" + national[1:], q})
    if compact.isdigit():
        if len(compact) < 3:
            return None
        return "member_number", _prefix_range(col(Member.member_number), compact)
    birth: date | None = None
    found = _DATE.search(q)
    if found:
        day, month, year = (int(x) for x in found.groups())
        try:
            birth = date(year, month, day)
        except ValueError:
            birth = None
        q = _DATE.sub(" ", q)
    words = [w for w in re.split(r"[\s,-]+", _fold_query(q)) if w][:MAX_WORDS]
    if not words or len(words[0]) < 2:
        return None
    condition = sa.or_(*_name_readings(words))
    if birth is not None:
        condition = sa.and_(condition, col(Member.birth_date) == birth)
    return "name", condition


def _contracts(session: Session, member_ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not member_ids:
        return out
    for c in session.exec(
        select(Contract).where(col(Contract.member_id).in_(member_ids)).order_by(col(Contract.id))
    ).all():
        out.setdefault(c.member_id, []).append(
            f"{c.name} ({inline_words(c.kind, 'console')}, {inline_words(c.state, 'console')})"
        )
    return out


def department_of(postal_code: str) -> str:
    """The département of a French postal code: « 63 », « 2A » / « 2B » in Corsica, « 974 » overseas."""
    code = postal_code.replace(" ", "")
    if len(code) != 5 or not code.isdigit():
        return "?"
    if code.startswith("20"):
        return "2A" if code < "20200" else "2B"
    return code[:3] if code.startswith("97") else code[:2]


def hits_for(session: Session, members: Sequence[Member], matched_on: str, today: date) -> list[MemberHit]:
    """What tells these members apart on the phone (the search results, and the call before any check)."""
    ids = [m.id for m in members if m.id is not None]
    contracts = _contracts(session, ids)
    states = (
        dict(
            session.exec(
                select(Account.member_id, Account.state).where(
                    col(Account.member_id).in_(ids), Account.role == Role.member
                )
            ).all()
        )
        if ids
        else {}
    )
    return [
        MemberHit(
            id=m.id or 0,
            member_number=m.member_number,
            last_name=m.last_name,
            first_name=m.first_name,
            birth_year=m.birth_date.year,
            age=age_on(m.birth_date, today),
            department=department_of(m.postal_code),
            contracts=contracts.get(m.id or 0, []),
            account_state=states.get(m.id),
            matched_on=matched_on,
        )
        for m in members
    ]


def search(session: Session, settings: Settings, query: str, today: date) -> MemberSearch:
    found = _conditions(settings, query)
    if found is None:
        return MemberSearch(query=query, hits=[])
    matched_on, condition = found
    rows = session.exec(
        select(Member)
        .where(condition)
        .order_by(col(Member.search_last_name), col(Member.search_first_name), col(Member.birth_date))
        .limit(LIMIT + 1)
    ).all()
    truncated = len(rows) > LIMIT
    rows = rows[:LIMIT]
    hits = hits_for(session, rows, matched_on, today)
    return MemberSearch(query=query, hits=hits, truncated=truncated)
