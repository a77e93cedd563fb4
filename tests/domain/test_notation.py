from decimal import Decimal as D

import pytest

from models.domain.notation import Guarantee, Kind, NotationError, Period, describe, parse

NB = "\u00a0"


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("150% BR", "150% BR"),
        ("  150 %  br ", "150% BR"),
        ("tm+100%BR", "TM + 100% BR"),
        ("100 % FR", "100% FR"),
        ("Forfait 62,50 € RO inclus par équipement", "forfait 62,50 € RO inclus par équipement"),
        ("forfait 50 EUR hors ro /an", "forfait 50 € hors RO /an"),
        ("forfait 20 euros hors RO par jour", "forfait 20 € hors RO par jour"),
        ("forfait 850 € RO inclus par oreille", "forfait 850 € RO inclus par oreille"),
        ("100 % sante", "100% Santé"),
        ("62,5% BR", "62,5% BR"),
    ],
)
def test_tolerant_parsing_and_canonical_printing(written, canonical):
    assert str(parse(written)) == canonical
    assert parse(canonical) == parse(written)


def test_parsed_model():
    assert parse("forfait 62,50 € RO inclus par équipement") == Guarantee(
        Kind.FORFAIT_INCLUDED, D("62.50"), Period.EQUIPMENT
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("150 BR", "« 150 BR » : il manque le signe % après 150"),
        ("150% XX", "indiquez BR (base de remboursement) ou FR"),
        ("forfait 50 RO inclus", "il manque le signe € après 50"),
        ("forfait 50 €", "précisez « RO inclus »"),
        ("forfait RO inclus", "il manque le montant du forfait"),
        ("50% Santé", "seul « 100% Santé » existe"),
        ("150% BR /an", "ne s'applique qu'à un forfait"),
        ("1,234% BR", "plus de deux décimales"),
        ("2000% BR", "compris entre 0"),
        ("", "la garantie est vide"),
        ("n'importe quoi", "notation de garantie non reconnue"),
    ],
)
def test_malformed_lines_say_what_is_wrong(line, message):
    with pytest.raises(NotationError) as error:
        parse(line)
    assert message in str(error.value)


def test_describe_in_plain_french():
    assert describe("150% BR") == f"jusqu'à 150{NB}% de la base de remboursement, Sécurité sociale incluse"
    assert describe("forfait 50 € hors RO /an") == f"jusqu'à 50,00{NB}€ par an en plus de la Sécurité sociale"
    assert "ticket modérateur" in describe("TM + 100% BR")
    assert "frais réels" in describe("100% FR")
    # « 100 % Santé » once: said by the description alone, not after a label that already says it
    assert describe("100% Santé") == "100 % Santé : prise en charge jusqu'au prix limite, sans reste à charge"
    assert describe("100% Santé", label="Prothèses dentaires — panier 100 % Santé") == (
        "prise en charge jusqu'au prix limite, sans reste à charge"
    )
