"""Every reader of an encrypted NIR decrypts it (or masks it), and none shows the ciphertext: the carte de
tiers payant (JSON and PDF), the family list (masked), « Mes données », and the conseiller's NIR search
(keyed hash, also with a NIR typed without its key)."""

from __future__ import annotations

import json

from models.schemas.common import Role
from server.security.crypto import PREFIX, encrypt, nir_lookup_hash
from tests.conftest import bearer
from tests.server.test_profile import ME, _member, _step_up, pdf_text

NIR = "280057512345674"  # a valid key (python-stdnum)
CHILD_NIR = "112067512345612"


def _with_nir(make, settings, member) -> None:
    member.nir, member.nir_hash = encrypt(settings, NIR), nir_lookup_hash(settings, NIR)
    principal = make.principal(member)
    principal.nir = encrypt(settings, NIR)
    make.session.add_all([member, principal])
    make.session.commit()


async def test_card_family_and_my_data_decrypt_the_nir_and_never_show_the_ciphertext(
    client, make, db_session, settings
):
    member, _, _, headers = _member(make)
    _with_nir(make, settings, member)
    card = await client.get(f"{ME}/card", headers=headers)
    assert PREFIX not in card.text
    assert card.json()["beneficiaries"][0]["nir"] == NIR
    pdf = pdf_text((await client.get(f"{ME}/card/pdf", headers=headers)).content)
    assert "2 80 05 75 123 456 74" in pdf and PREFIX not in pdf
    family = await client.get(f"{ME}/family", headers=headers)
    assert PREFIX not in family.text and NIR not in family.text
    assert "2 80 05 ** *** *** 74" in family.text
    await _step_up(client, db_session, headers)
    export = await client.get(f"{ME}/data-export", headers=headers)
    assert export.status_code == 200
    dumped = json.dumps(export.json())
    assert NIR in dumped and PREFIX not in dumped and member.nir_hash not in dumped


async def test_the_conseillers_nir_search_finds_the_member_with_or_without_the_key(client, make, settings):
    member = make.member(email="nir@exemple.fr")
    make.account(member)
    _with_nir(make, settings, member)
    agent = bearer(make.session_token(make.account(role=Role.agent)))
    for q in (NIR, "2 80 05 75 123 456 74", "2800575123456", "2 80 05 75 123 456"):
        response = await client.get("/api/v1/agent/members", params={"q": q}, headers=agent)
        assert response.status_code == 200, response.text
        hits = response.json()["hits"]
        assert [(h["id"], h["matched_on"]) for h in hits] == [(member.id, "nir")], q
        assert PREFIX not in json.dumps(hits) and NIR not in json.dumps(hits)  # the hits never carry the NIR
