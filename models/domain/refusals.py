"""The engine's refusals as a member or a conseiller reads them.

The engine words a refusal for its JSON contract (`espace simulate`, the stateless endpoint): it names
the field and the value as they are written in JSON (« br : … », « basket « 100-sante » »), which is
right for a developer. The simulator's readers get this wording instead, the one table for every path
that shows them a refusal (member simulator, saved simulations, devis, the console): French words
only, the act's label rather than its code, and what to do. It is built from the refusal's code and
parameters, never from the contract's message, so the two wordings cannot drift into each other.
"""

from __future__ import annotations

import re
from datetime import date

from models.domain.dates import format_date
from models.domain.request import InvalidRequest, Refusal
from models.domain.tariffs import act_label

# What each request field is, for a person (the last name of the field path).
FIELD_WORDS = {
    "act": "l'acte",
    "charged": "le montant facturé",
    "quantity": "la quantité",
    "date": "la date des soins",
    "br": "la base de remboursement",
    "sector": "la réponse sur les dépassements d'honoraires du médecin",
    "pathway": "la réponse sur le parcours de soins",
    "setting": "le lieu des soins",
    "basket": "le panier",
    "ald": "la réponse sur l'affection de longue durée",
    "at_mp": "la réponse sur l'accident du travail",
    "patient": "la personne soignée",
    "age": "l'âge de la personne soignée",
    "exemptions": "l'exonération",
    "guarantee": "la garantie",
    "guarantees": "les garanties",
    "already_used": "le montant déjà remboursé sur le plafond",
    "last_equipment": "la date du dernier équipement",
    "beneficiary_id": "la personne soignée",
}
# The possible answers of a choice, in the simulator's words.
CHOICE_WORDS = {
    "sector": "choisissez Oui, Non ou Je ne sais pas à la question sur les dépassements d'honoraires",
    "basket": "choisissez le panier : 100 % Santé, tarif maîtrisé ou tarif libre",
    "setting": "choisissez le lieu des soins : en ville (cabinet, centre de santé) ou pendant un séjour à l'hôpital",
    "exemptions": "les exonérations possibles sont la maternité et la complémentaire santé solidaire",
}
BASKET_WORDS = {"100-sante": "le panier 100 % Santé", "maitrise": "le tarif maîtrisé", "libre": "le tarif libre"}
AGAIN = "refaites la simulation depuis le simulateur"

# One sentence per refusal: what is wrong, then what to do. Placeholders: {what} (the field in words),
# {act} (the act's label, in « »), {date}, {earliest}, {low}, {high}, {basket}, {choices}.
WORDING: dict[Refusal, str] = {
    Refusal.MALFORMED: "la demande n'a pas pu être lue ; " + AGAIN + ".",
    Refusal.AMOUNT: (
        "{what} doit être un montant en euros de 0 à 100\u00a0000\u00a0€, avec au plus deux chiffres après "
        "la virgule : écrivez-le par exemple 60 ou 60,50."
    ),
    Refusal.BOOLEAN: "{what} n'a pas pu être lue ; répondez par oui ou par non.",
    Refusal.INTEGER: "{what} doit être un nombre entier de {low} à {high} : corrigez cette valeur.",
    Refusal.DATE_FORMAT: "{what} n'est pas une date valide : écrivez-la par exemple 15/06/2026.",
    Refusal.CHOICE: "{what} n'est pas une réponse possible : {choices}.",
    Refusal.PATIENT: (
        "les informations sur la personne soignée n'ont pas pu être lues : choisissez-la dans la liste, puis "
        + AGAIN
        + "."
    ),
    Refusal.GUARANTEE: (
        "les garanties de votre contrat n'ont pas pu être lues pour ce calcul : écrivez-nous dans la "
        "messagerie, un conseiller fera la simulation avec vous."
    ),
    Refusal.ALREADY_USED: (
        "{what} doit être indiqué une fois par contrat : laissez-le vide, le simulateur le calcule d'après "
        "vos remboursements."
    ),
    Refusal.ACT_MISSING: "l'acte n'est pas indiqué : choisissez-le dans la liste du simulateur.",
    Refusal.ACT_UNKNOWN: "cet acte n'est pas connu du simulateur : choisissez-le dans la liste du simulateur.",
    Refusal.CHARGED_MISSING: "le montant facturé n'est pas indiqué : écrivez-le en euros, par exemple 60 ou 60,50.",
    Refusal.NO_TARIFF: (
        "les tarifs de la Sécurité sociale ne sont connus qu'à partir du {earliest} (soins du {date}) : "
        "indiquez une date de soins à partir du {earliest}."
    ),
    Refusal.BASKET_NOT_FOR_ACT: (
        "un panier ne se choisit que pour les prothèses dentaires, l'optique et les aides auditives : "
        "ne choisissez pas de panier pour {act}."
    ),
    Refusal.MAITRISE_ONLY_PROTHESE: (
        "le tarif maîtrisé n'existe que pour les prothèses dentaires : pour {act}, choisissez 100 % Santé ou "
        "tarif libre."
    ),
    Refusal.BASKET_UNKNOWN_FOR_ACT: "{basket} n'existe pas pour {act} le {date} : choisissez un autre panier.",
    Refusal.SANTE_100_OUTSIDE_BASKET: (
        "la garantie 100 % Santé ne s'applique qu'aux soins et équipements du panier 100 % Santé : pour {act}, "
        "choisissez ce panier, ou simulez avec le tarif libre."
    ),
    Refusal.LAST_EQUIPMENT_NOT_FOR_ACT: (
        "la date du dernier équipement ne concerne que l'optique et les aides auditives : ne l'indiquez pas pour {act}."
    ),
    Refusal.LAST_EQUIPMENT_AFTER_CARE: (
        "la date du dernier équipement est après la date des soins : vérifiez ces deux dates."
    ),
    Refusal.BENEFICIARY: "la personne soignée n'a pas pu être reconnue : choisissez-la dans la liste.",
    Refusal.BR_REQUIRED: (
        "le remboursement de {act} se calcule sur sa base de remboursement, qui dépend de l'acte réalisé : "
        "indiquez-la (elle figure sur la feuille de soins ou le devis, colonne « Base de remboursement »)."
    ),
    Refusal.ACT_NOT_ON_DATE: (
        "{act} n'est pas au barème de la Sécurité sociale le {date} : vérifiez la date des soins, ou "
        "choisissez un autre acte."
    ),
}

_INDEX = re.compile(r"\[(\d+)\]")


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _field_name(path: str) -> str:
    """The field a path ends with: "[1].patient.exemptions[0]" -> "exemptions"."""
    return _INDEX.sub("", path).rsplit(".", 1)[-1]


def line_number(path: str) -> int | None:
    """The line of a list request the refusal is about (1 for "[0].charged"), None for one request."""
    found = re.match(r"^\[(\d+)\]", path)
    return int(found.group(1)) + 1 if found else None


def _capitalized(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def member_words(exc: InvalidRequest) -> str:
    """The refusal as a member or a conseiller reads it: one French sentence, capitalized, no field
    name, code or JSON value."""
    name = _field_name(exc.field)
    params = exc.params
    day = _iso(params.get("date"))
    label = act_label(params["act"], day or date.max) if params.get("act") else None
    values = {
        "what": FIELD_WORDS.get(name, "une information de la demande"),
        "act": f"« {label} »" if label else "cet acte",
        "date": format_date(day) if day else "",
        "earliest": format_date(_iso(params.get("earliest")) or date.min),
        "low": params.get("low", ""),
        "high": params.get("high", ""),
        "basket": BASKET_WORDS.get(params.get("basket", ""), "ce panier"),
        "choices": CHOICE_WORDS.get(name, AGAIN),
    }
    return _capitalized(WORDING[exc.code].format(**values))
