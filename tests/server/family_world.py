"""Issue 21's household: Alice (assurée principale), Samuel (conjoint, 44), Léa (enfant, 16, her own carte
Vitale), each with a claim; Samuel may have his own access."""

from __future__ import annotations

from datetime import date
from typing import Any

from models.schemas.common import AccountState, ContractKind, Relationship, Role, Sex
from models.tables import Account, Beneficiary, Claim, ContractBeneficiary
from server.security.passwords import hash_password
from tests.conftest import PASSWORD

SAMUEL_EMAIL = "samuel@exemple.fr"


def household(make: Any) -> dict[str, Any]:
    alice = make.member(first_name="Alice", address_line1="3 rue des Lilas", postal_code="13001", city="Marseille")
    contract = make.contract(alice, kind=ContractKind.individual, employer=None)
    samuel = Beneficiary(
        member_id=alice.id,
        relationship=Relationship.spouse,
        first_name="Samuel",
        last_name="Durand",
        birth_date=date(1982, 3, 4),
        sex=Sex.male,
    )
    lea = Beneficiary(
        member_id=alice.id,
        relationship=Relationship.child,
        first_name="Léa",
        last_name="Durand",
        birth_date=date(2010, 6, 1),  # 16 on the tests' day (23 November 2026)
        sex=Sex.female,
    )
    make.session.add_all([samuel, lea])
    make.session.commit()
    make.session.add_all([ContractBeneficiary(contract_id=contract.id, beneficiary_id=b.id) for b in (samuel, lea)])
    claims = {
        "alice": make.claim(alice, contract=contract, care_date=date(2026, 11, 2)),
        "samuel": _claim_of(make, alice, contract, samuel, date(2026, 11, 5)),
        "lea": _claim_of(make, alice, contract, lea, date(2026, 11, 9)),
    }
    return {"alice": alice, "contract": contract, "samuel": samuel, "lea": lea, "claims": claims}


def _claim_of(make: Any, member: Any, contract: Any, beneficiary: Beneficiary, day: date) -> Claim:
    claim = make.claim(member, contract=contract, care_date=day, label=f"Consultation de {beneficiary.first_name}")
    claim.beneficiary_id = beneficiary.id
    make.session.add(claim)
    make.session.commit()
    return claim


def own_access(make: Any, beneficiary: Beneficiary, email: str = SAMUEL_EMAIL) -> Account:
    """An ayant droit's own access, already activated (the activation test goes through the routes)."""
    account = Account(
        role=Role.member,
        beneficiary_id=beneficiary.id,
        login_email=email,
        password_hash=hash_password(make.settings, PASSWORD),
        state=AccountState.active,
        display_name=f"{beneficiary.first_name} {beneficiary.last_name}",
        created_at=make.clock.now(),
    )
    make.session.add(account)
    make.session.commit()
    return account
