"""Every refusal of the engine reaches a member (or a conseiller) in French words only: through the member
simulator route, the 422 says what is wrong and what to do without any field name, JSON value or enum
code of the contract; `espace simulate` and the stateless form keep the contract's wording."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.domain.refusals import WORDING, member_words
from models.domain.request import _FIELDS, InvalidRequest, Refusal, parse_request
from models.domain.simulation import run_simulation_json
from models.domain.tariffs import BASKETS, SECTORS, known_act_codes
from tests.conftest import TEST_NOW, bearer
from tests.server.test_simulation_member import SIMULATIONS, _line, build_family, run_cli

TODAY = TEST_NOW.date()
# What only the JSON contract says: snake_case field names and enum values, the other field names as
# written in JSON (whole words, lower case: « br », « act »), JSON words, the act codes of 3+ letters.
_API_WORDS = sorted(
    (
        set(_FIELDS)
        | {"guarantees", "age", "2-optam", "100-sante", "maitrise", "participation_forfaitaire"}
        | {"true", "false", "null", "JSON", "exemptions", "beneficiary"}
        | {code for code in known_act_codes() if len(code) >= 3}
    )
    - {"patient", "date"},  # French words too
    key=len,
    reverse=True,
)
API_SPELLING = re.compile("|".join(rf"(?<![\w-]){re.escape(word)}(?![\w-])" for word in _API_WORDS))


def assert_member_words(text: str) -> None:
    found = API_SPELLING.findall(text)
    assert not found, f"API spelling {found} in: {text}"


@pytest.fixture
def family(make, db_session):
    world = build_family(make, db_session)
    # lines that let the member form reach the engine's last refusals: an act priced on the base the
    # caller gives (SC), an act the oldest tariffs do not know (FPU, before 2022), a 100 % Santé line that
    # names no panier (AUDIO); and a contract old enough to pay care of 2021
    t = world["base"].guarantee_table_id
    _line(db_session, t, "dentaire", ["SC"], "100% BR", "Soins dentaires", position=6)
    _line(db_session, t, "hospitalisation", ["FPU"], "100% BR", "Urgences", position=7)
    _line(db_session, t, "aides_auditives", ["AUDIO"], "100% Santé", "Aides auditives", position=8)
    world["base"].start_date = date(2019, 1, 1)
    db_session.add(world["base"])
    db_session.commit()
    return world


# (refusal, the member form's fields besides beneficiary_id, the field path the 422 names, a fragment of
# its French words)
ROUTE_REFUSALS = [
    (Refusal.MALFORMED, {"act": "CS", "charged": "60", "colour": "bleu"}, "colour", "n'a pas pu être lue"),
    (Refusal.AMOUNT, {"act": "CS", "charged": "-3"}, "charged", "Le montant facturé doit être"),
    (Refusal.BOOLEAN, {"act": "CS", "charged": "60", "pathway": "oui"}, "pathway", "parcours de soins"),
    (Refusal.INTEGER, {"act": "CS", "charged": "60", "quantity": 0}, "quantity", "La quantité doit être"),
    (Refusal.DATE_FORMAT, {"act": "CS", "charged": "60", "date": "15/06/2026"}, "date", "15/06/2026"),
    (Refusal.CHOICE, {"act": "CS", "charged": "60", "sector": "4"}, "sector", "dépassements d'honoraires"),
    (Refusal.PATIENT, {"act": "CS", "charged": "60", "patient": "adulte"}, "patient", "personne soignée"),
    (
        Refusal.ALREADY_USED,
        {"act": "CS", "charged": "60", "already_used": ["1", "2", "3"]},
        "already_used",
        "une fois par contrat",
    ),
    (Refusal.ACT_MISSING, {"charged": "60"}, "act", "choisissez-le dans la liste"),
    (Refusal.ACT_UNKNOWN, {"act": "ZZ", "charged": "60"}, "act", "n'est pas connu"),
    (Refusal.CHARGED_MISSING, {"act": "CS"}, "charged", "montant facturé"),
    (Refusal.NO_TARIFF, {"act": "CS", "charged": "60", "date": "2001-01-01"}, "date", "à partir du 01/01/2019"),
    (Refusal.BASKET_NOT_FOR_ACT, {"act": "CS", "charged": "60", "basket": "libre"}, "basket", "pour « Consultation"),
    (
        Refusal.MAITRISE_ONLY_PROTHESE,
        {"act": "MONTURE", "charged": "150", "basket": "maitrise"},
        "basket",
        "« Monture de lunettes »",
    ),
    (
        Refusal.SANTE_100_OUTSIDE_BASKET,
        {"act": "AUDIO", "charged": "1200", "basket": "libre"},
        "guarantee",
        "panier 100 % Santé",
    ),
    (
        Refusal.LAST_EQUIPMENT_NOT_FOR_ACT,
        {"act": "CS", "charged": "60", "last_equipment": "2025-01-01"},
        "last_equipment",
        "l'optique et les aides auditives",
    ),
    (
        Refusal.LAST_EQUIPMENT_AFTER_CARE,
        {"act": "MONTURE", "charged": "150", "basket": "libre", "date": "2026-01-05", "last_equipment": "2026-02-01"},
        "last_equipment",
        "vérifiez ces deux dates",
    ),
    (Refusal.BR_REQUIRED, {"act": "SC", "charged": "50"}, "br", "colonne « Base de remboursement »"),
    (Refusal.ACT_NOT_ON_DATE, {"act": "FPU", "charged": "20", "date": "2021-06-01"}, "act", "le 01/06/2021"),
]

# What the member form cannot send (no guarantee, a beneficiary checked before the engine; every panier
# the request accepts exists for its act in the tariff data): worded from the engine's own refusal.
OTHER_REFUSALS = {
    Refusal.GUARANTEE: lambda: run_simulation_json({"act": "G", "charged": "30", "guarantee": "150 BR"}, TODAY),
    Refusal.BENEFICIARY: lambda: parse_request({"act": "G", "charged": "30", "beneficiary_id": 7}, TODAY),
    Refusal.BASKET_UNKNOWN_FOR_ACT: None,  # no act of the tariff data lacks a panier the request accepts
}


def test_every_refusal_has_member_words_and_a_case():
    assert set(WORDING) == set(Refusal)
    assert {case[0] for case in ROUTE_REFUSALS} | set(OTHER_REFUSALS) == set(Refusal)


@pytest.mark.parametrize(("refusal", "fields", "path", "words"), ROUTE_REFUSALS, ids=[c[0] for c in ROUTE_REFUSALS])
async def test_each_engine_refusal_reaches_the_member_in_french_words(client, family, refusal, fields, path, words):
    payload = {**fields, "beneficiary_id": str(family["lea"].id)}
    response = await client.post(SIMULATIONS, json=payload, headers=bearer(family["token"]))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "invalid_request"
    assert [d["field"] for d in body["details"]] == [path]  # the path stays, for programs
    assert body["message"].startswith("La simulation n'a pas pu être faite. ")
    assert words in body["message"]
    for text in (body["message"], *(d["message"] for d in body["details"])):
        assert_member_words(text)


async def test_a_refused_line_of_a_care_event_is_named_by_its_number(client, family):
    lea = str(family["lea"].id)
    lines = [
        {"act": "CS", "charged": "60", "beneficiary_id": lea},
        {"act": "CS", "charged": "x", "beneficiary_id": lea},
    ]
    response = await client.post(SIMULATIONS, json=lines, headers=bearer(family["token"]))
    assert response.status_code == 422
    assert response.json()["message"].startswith("La simulation n'a pas pu être faite. Ligne 2 : Le montant facturé")
    assert response.json()["details"][0]["field"] == "[1].charged"


@pytest.mark.parametrize("refusal", [r for r, make in OTHER_REFUSALS.items() if make is not None])
def test_the_refusals_the_member_form_cannot_send_are_worded_too(refusal):
    with pytest.raises(InvalidRequest) as caught:
        OTHER_REFUSALS[refusal]()
    assert caught.value.code is refusal
    assert_member_words(member_words(caught.value))


def test_a_panier_an_act_lacks_is_worded_with_the_act_s_label():
    refusal = InvalidRequest(
        "basket", "…", Refusal.BASKET_UNKNOWN_FOR_ACT, {"act": "AUDIO", "basket": "maitrise", "date": "2026-03-01"}
    )
    words = member_words(refusal)
    assert words.startswith("Le tarif maîtrisé n'existe pas pour « ")
    assert_member_words(words)


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 400),
    st.sampled_from(["", "x", "-3", "60", "60.005", "2001-01-01", "2026-02-30", "2031-01-01", "15/06/2026"]),
    st.sampled_from([*BASKETS, *SECTORS, "maternite", "c2s", "premium"]),
    st.sampled_from(sorted(known_act_codes())),
    st.lists(st.sampled_from(["0", "5", "x"]), max_size=3),
    st.fixed_dictionaries({}, optional={"age": st.integers(-1, 140), "exemptions": st.just(["c2s", "c2s"])}),
)


@settings(max_examples=300, deadline=None)
@given(
    base=st.fixed_dictionaries(
        {"act": st.sampled_from(sorted(known_act_codes())), "charged": st.sampled_from(["0", "60", "1200"])}
    ),
    changes=st.dictionaries(st.sampled_from(sorted(_FIELDS - {"guarantee", "guarantees"})), _VALUES, max_size=3),
    as_list=st.booleans(),
)
def test_whatever_the_engine_refuses_its_member_words_name_no_api_value(base, changes, as_list):
    request = {**base, **changes, "guarantees": ["150% BR", "forfait 100 € RO inclus /an"]}
    request.pop("beneficiary_id", None)
    try:
        run_simulation_json([request, request] if as_list else request, TODAY)
    except InvalidRequest as refusal:
        assert_member_words(member_words(refusal))


def _cli_error(payload: object) -> str:
    code, out, err = run_cli(payload)
    assert (code, out) == (2, "")
    return err


CONTRACT_WORDING = [
    (
        {"act": "SC", "charged": "50", "guarantee": "100% BR"},
        "br : la base de remboursement est obligatoire pour l'acte SC (Soins dentaires)",
    ),
    (
        {"act": "AUDIO", "charged": "1200", "basket": "libre", "guarantee": "100% Santé"},
        "guarantee : « 100% Santé » ne s'applique qu'aux soins et équipements du panier 100 % Santé "
        "(basket « 100-sante »)",
    ),
    (
        {"act": "MONTURE", "charged": "150", "basket": "maitrise", "guarantee": "100% BR"},
        "basket : le panier « maitrise »",
    ),
    ([{"act": "G", "charged": "30", "guarantee": "100% BR"}, {"act": "G", "charged": "-1"}], "[1].charged : "),
]


@pytest.mark.parametrize(("payload", "wording"), CONTRACT_WORDING)
async def test_espace_simulate_and_the_stateless_form_keep_the_contract_s_wording(client, payload, wording):
    assert f"Erreur : demande refusée : {wording}" in _cli_error(payload)
    response = await client.post(SIMULATIONS, json=payload)
    assert response.status_code == 422
    assert wording in response.json()["message"]
