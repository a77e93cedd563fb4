"""The care finder's open-data files, read line by line (no I/O here: the importer hands the lines in).

Two official extractions, in the formats they are published in:

- **RPPS** — annuaire.sante.fr, « Extractions en libre accès », file ``PS_LibreAcces_Personne_activite``: one
  line per activity of a health professional (a person practising in two places has two lines), fields
  separated by ``|``, a header line naming the 52 columns, and a ``|`` closing every line (so 53 fields).
  The columns are found by their header names, so a reordering by the publisher does not mislead the import.
- **FINESS** — data.gouv.fr, « FINESS Extraction du Fichier des établissements », file
  ``etalab-cs1100507-stock-AAAAMMJJ-HHMM.csv``: no header; an optional first line ``finess;etalab;…``, then
  ``structureet;…`` lines (32 fields, by position) and ``geolocalisation;…`` lines (6 fields: the
  establishment's Lambert 93 coordinates), separated by ``;``.

Neither file says a doctor's convention sector nor whether the OPTAM is signed (that is the ameli annuaire's,
which is not open data): the mutuelle's own list gives them (``read_convention``; the sectors in words are
the vocabulary's ``SECTOR_WORDS``), and ``None`` is said « Secteur non renseigné ». 100 % Santé follows from the
profession: opticians, audioprothésistes and conventionned dentists must offer its baskets (arrêté du 24 mai
2019, convention dentaire 2018), so it is derived, not read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import ClassVar

from models.domain.vocabulary import SECTOR_UNKNOWN, SECTOR_WORDS

RPPS = "rpps"
FINESS = "finess"
CONVENTIONS = "conventions"
KINDS = (RPPS, FINESS, CONVENTIONS)
# The mutuelle's own list of the sectors it knows (not open data): « rpps;secteur » then one line each.
CONVENTIONS_HEADER = "rpps;secteur"

RPPS_SEPARATOR = "|"
RPPS_FIRST_COLUMN = "Type d'identifiant PP"
# The header of PS_LibreAcces_Personne_activite, as published (52 names; every line ends with a ``|``).
RPPS_HEADER: tuple[str, ...] = (
    "Type d'identifiant PP",
    "Identifiant PP",
    "Identification nationale PP",
    "Code civilité d'exercice",
    "Libellé civilité d'exercice",
    "Code civilité",
    "Libellé civilité",
    "Nom d'exercice",
    "Prénom d'exercice",
    "Code profession",
    "Libellé profession",
    "Code catégorie professionnelle",
    "Libellé catégorie professionnelle",
    "Code type savoir-faire",
    "Libellé type savoir-faire",
    "Code savoir-faire",
    "Libellé savoir-faire",
    "Code mode exercice",
    "Libellé mode exercice",
    "Numéro SIRET site",
    "Numéro SIREN site",
    "Numéro FINESS site",
    "Numéro FINESS établissement juridique",
    "Identifiant technique de la structure",
    "Raison sociale site",
    "Enseigne commerciale site",
    "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)",
    "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)",
    "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)",
    "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)",
    "Bureau cedex (coord. structure)",
    "Code postal (coord. structure)",
    "Code commune (coord. structure)",
    "Libellé commune (coord. structure)",
    "Code pays (coord. structure)",
    "Libellé pays (coord. structure)",
    "Téléphone (coord. structure)",
    "Téléphone 2 (coord. structure)",
    "Télécopie (coord. structure)",
    "Adresse e-mail (coord. structure)",
    "Code Département (structure)",
    "Libellé Département (structure)",
    "Ancien identifiant de la structure",
    "Autorité d'enregistrement",
    "Code secteur d'activité",
    "Libellé secteur d'activité",
    "Code section tableau pharmaciens",
    "Libellé section tableau pharmaciens",
)

FINESS_SEPARATOR = ";"
FINESS_PREAMBLE = "finess;etalab;"
FINESS_STRUCTURE = "structureet"
FINESS_GEOLOCATION = "geolocalisation"
FINESS_STRUCTURE_FIELDS = 32  # the record type, 30 named columns (nofinesset … datemaj), numuai
FINESS_GEOLOCATION_FIELDS = 6  # geolocalisation;nofinesset;coordxet;coordyet;sourcecoordet;datemaj
# Positions in a ``structureet`` line (0 is the record type).
F_NUMBER, F_LEGAL_NUMBER, F_NAME, F_LONG_NAME = 1, 2, 3, 4
F_STREET_NUMBER, F_STREET_TYPE, F_STREET, F_STREET_MORE, F_PLACE = 7, 8, 9, 10, 11
F_ROUTING, F_PHONE, F_CATEGORY, F_CATEGORY_LABEL = 15, 16, 18, 19

_FINESS_NUMBER = re.compile(r"^(\d{2}|2[AB])\d{7}$")
_RPPS_NUMBER = re.compile(r"^\d{11,12}$")  # 8 + the 11-digit RPPS, or 0 + the 9-digit ADELI: 11 or 12 digits
_POSTCODE = re.compile(r"^\d{5}$")

# Professions (RPPS « Code profession ») that must offer the 100 % Santé baskets, said in words: « classe A »,
# « classe I » are the regulation's names, not a member's (issue 19).
CENT_POUR_CENT_SANTE = {
    "26": "propose le 100 % Santé (aides auditives sans reste à charge)",
    "28": "propose le 100 % Santé (lunettes sans reste à charge)",
    "40": "propose le 100 % Santé (prothèses dentaires du panier sans reste à charge)",
}


NO_CRITERION = (
    "Indiquez au moins un critère : un nom, une profession ou une spécialité, ou une ville ou un code postal."
)
TOO_SHORT = "Tapez au moins 2 lettres ou chiffres par critère (par exemple « cardio » ou « 13008 »)."


# How members name a practitioner, to the words of the RPPS labels (« cardiologue » -> « Cardiologie et maladies
# vasculaires », « généraliste » -> « Médecine générale »): a folded word's ending, then a few whole words.
_ENDINGS = (("logues", "logi"), ("logue", "logi"), ("iatres", "iatri"), ("iatre", "iatri"))
_WORDS = {
    "generaliste": "general",
    "generalistes": "general",
    "kine": "kinesi",
    "kines": "kinesi",
    "infirmiere": "infirmier",
    "infirmieres": "infirmier",
    "orthodontiste": "dento faciale",
    "gyneco": "gynecologi",
    "ophtalmo": "ophtalmologi",
}


def search_words(what: str) -> list[str]:
    """The words a search looks for in ``search_text`` (each must appear), from what the member typed."""
    found = []
    for word in fold(what).split():
        word = _WORDS.get(word, word)
        for ending, stem in _ENDINGS:
            if word.endswith(ending):
                word = word[: -len(ending)] + stem
                break
        found.extend(word.split())
    return found


def criteria_problem(what: str, where: str | None) -> str | None:
    """Why a search cannot be made, in French; None when it can. ``where`` None: not asked yet (a form asks
    the criteria one by one), so only the length of ``what`` is checked."""
    given = [fold(text) for text in (what, where or "") if text.strip()]
    if any(len(text.replace(" ", "")) < 2 for text in given):
        return TOO_SHORT
    if where is not None and not given:
        return NO_CRITERION
    return None


class DirectoryLineError(ValueError):
    """A line that is not in the published format; the message says what is wrong, in French."""


def _plain(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Latin letters with accents to their plain letters, as one translation table (``str.translate`` is one pass in
# C: a million lines are folded in seconds, where decomposing each character took most of the import's time).
_PLAIN = str.maketrans({chr(code): _plain(chr(code)) for code in range(0xC0, 0x250)} | {"œ": "oe", "æ": "ae"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, no accents, words separated by one space: what searches compare (« Saint-Étienne » ->
    « saint etienne »)."""
    plain = text.casefold().translate(_PLAIN)
    if not plain.isascii():  # a letter beyond Latin Extended-A/B: decompose it the long way
        plain = _plain(plain)
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def detect(first_line: str) -> str | None:
    """Which file this is, from its first line; None when it is neither."""
    if first_line.startswith(RPPS_FIRST_COLUMN + RPPS_SEPARATOR):
        return RPPS
    if first_line.startswith((FINESS_PREAMBLE, FINESS_STRUCTURE + FINESS_SEPARATOR)):
        return FINESS
    if first_line.strip().casefold() == CONVENTIONS_HEADER:
        return CONVENTIONS
    return None


@dataclass(frozen=True)
class Practitioner:
    rpps: str
    last_name: str
    first_name: str
    profession_code: str
    profession: str
    speciality: str
    practice: str
    site: str
    address: str
    postcode: str
    town: str
    phone: str
    finess: str

    @property
    def search_text(self) -> str:
        return fold(" ".join((self.last_name, self.first_name, self.profession, self.speciality, self.site)))


@dataclass(frozen=True)
class Establishment:
    finess: str
    legal_finess: str
    name: str
    category: str
    address: str
    postcode: str
    town: str
    phone: str

    @property
    def search_text(self) -> str:
        return fold(f"{self.name} {self.category}")


def _column_key(name: str) -> str:
    return name.strip().casefold()


class RppsHeader:
    """The positions of the columns the directory keeps, read from the file's header line."""

    KEPT: ClassVar[dict[str, str]] = {
        "rpps": "Identification nationale PP",
        "last_name": "Nom d'exercice",
        "first_name": "Prénom d'exercice",
        "profession_code": "Code profession",
        "profession": "Libellé profession",
        "speciality": "Libellé savoir-faire",
        "practice": "Libellé mode exercice",
        "site": "Raison sociale site",
        "number": "Numéro Voie (coord. structure)",
        "repeat": "Indice répétition voie (coord. structure)",
        "street_type": "Libellé type de voie (coord. structure)",
        "street": "Libellé Voie (coord. structure)",
        "cedex": "Bureau cedex (coord. structure)",
        "postcode": "Code postal (coord. structure)",
        "town": "Libellé commune (coord. structure)",
        "phone": "Téléphone (coord. structure)",
        "finess": "Numéro FINESS site",
    }

    def __init__(self, line: str):
        names = [_column_key(n) for n in line.rstrip("\r\n").split(RPPS_SEPARATOR)]
        self.fields = len(names)
        missing = [column for column in self.KEPT.values() if _column_key(column) not in names]
        if missing:
            raise DirectoryLineError(
                "Ligne 1 : l'en-tête du fichier RPPS ne contient pas les colonnes "
                + ", ".join(f"« {m} »" for m in missing)
                + " : est-ce bien le fichier PS_LibreAcces_Personne_activite ?"
            )
        self.at = {key: names.index(_column_key(column)) for key, column in self.KEPT.items()}

    def read(self, line: str, number: int) -> Practitioner:
        fields = line.rstrip("\r\n").split(RPPS_SEPARATOR)
        if len(fields) != self.fields:
            raise DirectoryLineError(
                f"Ligne {number} : {len(fields)} champs au lieu de {self.fields} (séparés par « | ») ; "
                "la ligne est peut-être coupée ou contient un « | » de trop."
            )
        value = {key: fields[index].strip() for key, index in self.at.items()}
        if not _RPPS_NUMBER.match(value["rpps"]):
            raise DirectoryLineError(
                f"Ligne {number} : identifiant « {value['rpps']} » non valable "
                "(Identification nationale PP : 11 ou 12 chiffres)."
            )
        if not value["last_name"]:
            raise DirectoryLineError(f"Ligne {number} : le nom d'exercice est vide.")
        postcode, town = value["postcode"], value["town"]
        cedex_code, _, cedex_town = value["cedex"].partition(" ")
        if not postcode and _POSTCODE.match(cedex_code):
            postcode = cedex_code
        if not town:
            town = cedex_town
        street = " ".join(
            part for part in (value["number"], value["repeat"], value["street_type"], value["street"]) if part
        )
        return Practitioner(
            rpps=value["rpps"],
            last_name=value["last_name"],
            first_name=value["first_name"],
            profession_code=value["profession_code"],
            profession=value["profession"],
            speciality=value["speciality"],
            practice=value["practice"],
            site=value["site"],
            address=street,
            postcode=postcode if _POSTCODE.match(postcode) else "",
            town=town,
            phone=value["phone"],
            finess=value["finess"],
        )


def read_structure(line: str, number: int) -> Establishment:
    fields = line.rstrip("\r\n").split(FINESS_SEPARATOR)
    if len(fields) != FINESS_STRUCTURE_FIELDS:
        raise DirectoryLineError(
            f"Ligne {number} : {len(fields)} champs au lieu de {FINESS_STRUCTURE_FIELDS} pour un établissement "
            "(séparés par « ; ») ; la ligne est peut-être coupée ou contient un « ; » de trop."
        )
    finess = fields[F_NUMBER].strip()
    if not _FINESS_NUMBER.match(finess):
        raise DirectoryLineError(f"Ligne {number} : n° FINESS « {finess} » non valable (9 caractères).")
    routing = fields[F_ROUTING].strip()
    postcode, _, town = routing.partition(" ")
    if not _POSTCODE.match(postcode):
        postcode, town = "", routing
    street = " ".join(
        part.strip()
        for part in (fields[F_STREET_NUMBER], fields[F_STREET_TYPE], fields[F_STREET], fields[F_STREET_MORE])
        if part.strip()
    )
    return Establishment(
        finess=finess,
        legal_finess=fields[F_LEGAL_NUMBER].strip(),
        name=fields[F_LONG_NAME].strip() or fields[F_NAME].strip(),
        category=fields[F_CATEGORY_LABEL].strip(),
        address=street or fields[F_PLACE].strip(),
        postcode=postcode,
        town=town.strip(),
        phone=fields[F_PHONE].strip(),
    )


def read_geolocation(line: str, number: int) -> tuple[str, float | None, float | None]:
    """(n° FINESS, x, y) in Lambert 93 metres; an establishment without coordinates has empty fields."""
    fields = line.rstrip("\r\n").split(FINESS_SEPARATOR)
    if len(fields) != FINESS_GEOLOCATION_FIELDS:
        raise DirectoryLineError(
            f"Ligne {number} : {len(fields)} champs au lieu de {FINESS_GEOLOCATION_FIELDS} pour une "
            "géolocalisation (séparés par « ; »)."
        )
    try:
        x = float(fields[2]) if fields[2].strip() else None
        y = float(fields[3]) if fields[3].strip() else None
    except ValueError:
        raise DirectoryLineError(
            f"Ligne {number} : coordonnées « {fields[2]} ; {fields[3]} » illisibles (nombres attendus)."
        ) from None
    return fields[1].strip(), x, y


def read_convention(line: str, number: int) -> tuple[str, str]:
    """(identification nationale PP, sector) from a line of the conventions list."""
    fields = [field.strip() for field in line.rstrip("\r\n").split(";")]
    if len(fields) != 2:
        raise DirectoryLineError(f"Ligne {number} : 2 champs attendus (rpps;secteur), {len(fields)} trouvés.")
    rpps, sector = fields
    if not _RPPS_NUMBER.match(rpps):
        raise DirectoryLineError(f"Ligne {number} : identifiant « {rpps} » non valable (11 ou 12 chiffres).")
    if sector not in SECTOR_WORDS:
        raise DirectoryLineError(
            f"Ligne {number} : secteur « {sector} » inconnu (" + ", ".join(SECTOR_WORDS) + " attendu)."
        )
    return rpps, sector


def cent_pour_cent_sante(profession_code: str | None) -> str | None:
    return CENT_POUR_CENT_SANTE.get(profession_code or "")


def sector_words(sector: str | None) -> str:
    return SECTOR_WORDS.get(sector or "", SECTOR_UNKNOWN)
