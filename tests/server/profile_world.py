"""Member A's bodies for the access-matrix rows of « Mon profil » (issue 8).

Member A has a collective contract (the matrix's world): family requests, the direct-debit RIB and the
résiliation are refused (403); member B, without contract, gets 404 for A's beneficiary or contract."""

from __future__ import annotations

from typing import Any

from tests.server.issue7_world import upload

IBAN = "FR7630006000011234567890189"
ME = "/api/v1/me"

PROFILE_ROWS: dict[tuple[str, str], tuple[int, int, int, int, int]] = {
    ("GET", f"{ME}/profile"): (401, 200, 200, 403, 403),
    ("PUT", f"{ME}/profile/address"): (401, 200, 200, 403, 403),
    # issue 16: a new login e-mail or mobile needs a fresh second factor (none given here: 403 step_up_required)
    ("POST", f"{ME}/profile/email"): (401, 403, 403, 403, 403),
    ("POST", f"{ME}/profile/email/confirm"): (401, 422, 422, 403, 403),  # no pending change
    ("POST", f"{ME}/profile/mobile"): (401, 403, 403, 403, 403),
    ("POST", f"{ME}/profile/mobile/confirm"): (401, 422, 422, 403, 403),
    ("PUT", f"{ME}/profile/preferences"): (401, 200, 200, 403, 403),
    ("POST", f"{ME}/step-up"): (401, 200, 200, 403, 403),
    ("POST", f"{ME}/step-up/verify"): (401, 422, 422, 403, 403),  # no code asked
    ("GET", f"{ME}/bank-accounts"): (401, 200, 200, 403, 403),
    # A: no recent second factor (403); B: A's beneficiary (404)
    ("PUT", f"{ME}/bank-accounts/reimbursement"): (401, 403, 404, 403, 403),
    ("PUT", f"{ME}/bank-accounts/direct-debit"): (401, 403, 403, 403, 403),  # no individual contract
    ("GET", f"{ME}/family"): (401, 200, 200, 403, 403),
    ("POST", f"{ME}/family/additions"): (401, 403, 403, 403, 403),  # A: collective; B: no contract
    ("POST", f"{ME}/family/removals"): (401, 403, 404, 403, 403),
    ("POST", f"{ME}/noemie/activations"): (401, 201, 404, 403, 403),
    ("GET", f"{ME}/contributions"): (401, 200, 200, 403, 403),
    ("GET", f"{ME}/card"): (401, 200, 200, 403, 403),
    ("GET", f"{ME}/card/pdf"): (401, 200, 200, 403, 403),
    ("POST", f"{ME}/card/duplicates"): (401, 201, 403, 403, 403),
    ("GET", f"{ME}/certificate/pdf"): (401, 200, 200, 403, 403),
    ("GET", f"{ME}/contract-documents"): (401, 200, 200, 403, 403),
    ("GET", f"{ME}/contract-documents/reglement-mutualiste"): (401, 200, 200, 403, 403),
    ("GET", f"{ME}/contract-life"): (401, 200, 200, 403, 403),
    ("POST", f"{ME}/contract-life/terminations"): (401, 403, 404, 403, 403),
    ("POST", f"{ME}/contract-life/retirement-questions"): (401, 201, 404, 403, 403),
    ("GET", f"{ME}/data-export"): (401, 200, 200, 403, 403),
}


def profile_bodies(principal_id: int, contract_id: int) -> dict[tuple[str, str], Any]:
    return {
        ("PUT", f"{ME}/profile/address"): {
            "address": {"line1": "3 rue de la Loge", "postal_code": "13002", "city": "Marseille"},
            "proof": upload("facture.pdf"),
        },
        ("POST", f"{ME}/profile/email"): {"email": "nouvelle.adresse@exemple.fr"},
        ("POST", f"{ME}/profile/email/confirm"): {"code": "000000"},
        ("POST", f"{ME}/profile/mobile"): {"mobile": "07 45 67 89 01"},
        ("POST", f"{ME}/profile/mobile/confirm"): {"code": "000000"},
        ("PUT", f"{ME}/profile/preferences"): {"statements": "post", "channels": ["portal", "email"]},
        ("POST", f"{ME}/step-up/verify"): {"code": "000000"},
        ("PUT", f"{ME}/bank-accounts/reimbursement"): {
            "iban": IBAN,
            "bic": "AGRIFRPP",
            "holder": "Alice Durand",
            "beneficiary_id": principal_id,
        },
        ("PUT", f"{ME}/bank-accounts/direct-debit"): {"iban": IBAN, "bic": "AGRIFRPP", "holder": "Alice Durand"},
        ("POST", f"{ME}/family/additions"): {
            "relationship": "child",
            "first_name": "Léo",
            "last_name": "Durand",
            "birth_date": "2026-10-01",
            "sex": "M",
            "justificatifs": [{"type": "birth_certificate", "file": upload("acte.pdf")}],
        },
        ("POST", f"{ME}/family/removals"): {"beneficiary_id": principal_id, "reason": "départ"},
        ("POST", f"{ME}/noemie/activations"): {
            "beneficiary_id": principal_id,
            "attestation": upload("attestation.pdf"),
        },
        ("POST", f"{ME}/contract-life/terminations"): {"contract_id": contract_id, "reason": "changement"},
        ("POST", f"{ME}/contract-life/retirement-questions"): {"contract_id": contract_id, "question": "Que faire ?"},
    }
