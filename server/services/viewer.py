"""Who is looking at a household's care (issue 21): the assuré principal, an adult beneficiary through their
own access, or a conseiller. Built once per request (``server.deps.CurrentViewer``) and handed to the services,
which filter every statement with it: a beneficiary sees only their own care; the assuré principal sees the
household's care except that of a beneficiary who asked for confidentiality; staff see the whole dossier
(confidentiality is towards the assuré principal, not the mutuelle)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from models.domain.vocabulary import care_hidden_by_me, care_hidden_from_principal
from models.tables import Account, Beneficiary, Claim, Member


@dataclass(frozen=True)
class Viewer:
    member: Member  # the household (the assuré principal's member row)
    beneficiary: Beneficiary | None = None  # set: an ayant droit's own access, who sees only their own care
    hidden: tuple[Beneficiary, ...] = ()  # the assuré principal: care hidden at these beneficiaries' request
    principal_name: str = ""  # for the beneficiary's sentence (« … plus visibles par Alice Durand »)
    staff: bool = False  # a conseiller's view of the dossier: every conversation of the household

    @property
    def member_id(self) -> int:
        assert self.member.id is not None
        return self.member.id

    @property
    def beneficiary_id(self) -> int | None:
        return self.beneficiary.id if self.beneficiary is not None else None

    @property
    def hidden_ids(self) -> tuple[int, ...]:
        return tuple(b.id for b in self.hidden if b.id is not None)

    def sees(self, beneficiary_id: int | None) -> bool:
        """Whether this viewer may see the care of that beneficiary of the household."""
        if self.beneficiary is not None:
            return beneficiary_id == self.beneficiary.id
        return beneficiary_id not in self.hidden_ids

    def claim_conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE of every statement over the household's claims."""
        conditions: list[ColumnElement[bool]] = [Claim.member_id == self.member_id]
        if self.beneficiary is not None:
            conditions.append(Claim.beneficiary_id == self.beneficiary.id)
        elif self.hidden:
            conditions.append(col(Claim.beneficiary_id).not_in(self.hidden_ids))
        return conditions

    def notices(self) -> list[str]:
        """The confidentiality said in words, on both sides."""
        if self.beneficiary is not None:
            if self.beneficiary.care_private_since is None:
                return []
            return [care_hidden_by_me(self.principal_name)]
        return [care_hidden_from_principal(b.first_name) for b in self.hidden]


def staff(member: Member) -> Viewer:
    """A conseiller's view of a dossier: everything."""
    return Viewer(member=member, staff=True)


def hidden_from_principal(session: Session, member_id: int) -> tuple[Beneficiary, ...]:
    rows = session.exec(
        select(Beneficiary)
        .where(Beneficiary.member_id == member_id, col(Beneficiary.care_private_since).is_not(None))
        .order_by(col(Beneficiary.birth_date), col(Beneficiary.id))
    ).all()
    return tuple(rows)


def principal(session: Session, member: Member, *, hides_care: bool = True) -> Viewer:
    """``hides_care`` False: the caller's statement found no beneficiary hiding their care (no lookup)."""
    assert member.id is not None
    return Viewer(member=member, hidden=hidden_from_principal(session, member.id) if hides_care else ())


def for_account(session: Session, account: Account, *, hides_care: bool = True) -> Viewer | None:
    """The viewer behind a member-side account, or None (staff, or an account without a household).
    ``hides_care``: as ``principal``."""
    if account.member_id is not None:
        member = session.get(Member, account.member_id)
        return principal(session, member, hides_care=hides_care) if member is not None else None
    if account.beneficiary_id is None:
        return None
    beneficiary = session.get(Beneficiary, account.beneficiary_id)
    member = session.get(Member, beneficiary.member_id) if beneficiary is not None else None
    if beneficiary is None or member is None:
        return None
    return Viewer(member=member, beneficiary=beneficiary, principal_name=f"{member.first_name} {member.last_name}")
