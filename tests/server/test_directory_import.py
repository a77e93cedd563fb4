"""The directory import (issue 21) on the sample files of fixtures/ (the official formats), on this run's database
(SQLite, or PostgreSQL with ESPACE_TEST_DATABASE_URL: then the rows go by COPY): what is read, that a malformed
line is named and leaves the directory as it was, that a re-import replaces, and the `espace directory import`
command's words and exit codes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, delete, select

from espace.cli import main
from fixtures.demo import DIRECTORY_DATA
from models.domain.directory import RPPS_HEADER
from models.tables import DirectoryConvention, DirectoryEstablishment, DirectoryPractitioner
from server.services.directory_import import NOTHING_LOADED, DirectoryImportError, import_file, load

RPPS_SAMPLE = DIRECTORY_DATA / "PS_LibreAcces_Personne_activite_demo.txt"
FINESS_SAMPLE = DIRECTORY_DATA / "etalab-cs1100507-stock-demo.csv"
CONVENTIONS_SAMPLE = DIRECTORY_DATA / "conventions_demo.csv"


def _count(session: Session, table: type) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    target = tmp_path / name
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _refused(db_session: Session, path: Path) -> str:
    """The import's message; the savepoint it ran in is rolled back, as the command's transaction would be."""
    nested = db_session.begin_nested()
    with pytest.raises(DirectoryImportError) as refused:
        load(db_session.connection(), path)
    nested.rollback()
    return str(refused.value)


def test_the_rpps_sample_is_read_column_by_column(db_session: Session) -> None:
    report = load(db_session.connection(), RPPS_SAMPLE)
    assert (report.kind, report.rows) == ("rpps", len(_lines(RPPS_SAMPLE)) - 1)
    castellani = db_session.exec(
        select(DirectoryPractitioner).where(DirectoryPractitioner.last_name == "CASTELLANI")
    ).all()
    assert len(castellani) == 2  # two activities, two lines, as the RPPS file gives them
    first = castellani[0]
    assert (first.rpps, first.first_name, first.profession, first.speciality) == (
        "810009990037",
        "Hélène",
        "Médecin",
        "Cardiologie et maladies vasculaires",
    )
    assert (first.address, first.postcode) == ("3 Boulevard LONGCHAMP", "13001")
    assert first.town == "Marseille 1er Arrondissement"
    assert first.search_text.startswith("castellani helene medecin cardiologie")  # accents folded once, here
    assert first.town_key == "marseille 1er arrondissement"


def test_the_finess_sample_is_read_with_its_geolocation(db_session: Session) -> None:
    report = load(db_session.connection(), FINESS_SAMPLE)
    assert (report.kind, report.rows) == ("finess", 12)
    timone = db_session.exec(select(DirectoryEstablishment).where(DirectoryEstablishment.finess == "130990054")).one()
    assert (timone.name, timone.category, timone.postcode, timone.town) == (
        "CENTRE HOSPITALIER DE LA TIMONE (FICTIF)",
        "Centre Hospitalier (C.H.)",
        "13005",
        "MARSEILLE",
    )
    assert (timone.x, timone.y) == (895600.7, 6246900.4)  # Lambert 93, from its geolocalisation line


def test_the_conventions_list_is_read(db_session: Session) -> None:
    assert load(db_session.connection(), CONVENTIONS_SAMPLE).rows == 16
    assert db_session.get(DirectoryConvention, "810009990037").sector == "2-optam"


def test_the_progress_bar_says_what_is_imported(db_session: Session) -> None:
    shown = io.StringIO()
    load(db_session.connection(), FINESS_SAMPLE, progress=True, out=shown)
    assert "Import établissements (FINESS)" in shown.getvalue()


def test_a_reimport_replaces_the_rows_of_its_kind_only(db_session: Session, tmp_path: Path) -> None:
    load(db_session.connection(), RPPS_SAMPLE)
    load(db_session.connection(), FINESS_SAMPLE)
    smaller = _write(tmp_path, "rpps.txt", _lines(RPPS_SAMPLE)[:4])
    assert load(db_session.connection(), smaller).rows == 3
    names = db_session.exec(select(DirectoryPractitioner.last_name).order_by(DirectoryPractitioner.id)).all()
    assert names == ["ARNAUD", "BENSAÏD", "CASTELLANI"]
    assert _count(db_session, DirectoryEstablishment) == 12  # the establishments stay


@pytest.mark.parametrize(
    ("sample", "line", "broken", "said"),
    [
        (RPPS_SAMPLE, 6, "8|10009990060|810009990060|DR|coupée", "Ligne 6 : 5 champs au lieu de 53"),
        (RPPS_SAMPLE, 9, None, "Ligne 9 : identifiant « 81000999ABCD » non valable"),
        (FINESS_SAMPLE, 4, "structureet;130990054;trop court", "Ligne 4 : 3 champs au lieu de 32"),
        (FINESS_SAMPLE, 15, "geolocalisation;130990013;x;y;source;2026-10-01", "Ligne 15 : coordonnées « x ; y »"),
        (FINESS_SAMPLE, 7, "structurej;123", "Ligne 7 : type d'enregistrement « structurej » inconnu"),
        (CONVENTIONS_SAMPLE, 3, "810009990037;secteur 2", "Ligne 3 : secteur « secteur 2 » inconnu"),
    ],
)
def test_a_malformed_line_is_named_and_nothing_is_half_loaded(
    db_session: Session, tmp_path: Path, sample: Path, line: int, broken: str | None, said: str
) -> None:
    load(db_session.connection(), sample)
    table = {RPPS_SAMPLE: DirectoryPractitioner, FINESS_SAMPLE: DirectoryEstablishment}.get(sample, DirectoryConvention)
    before = db_session.exec(select(table)).all()
    lines = _lines(sample)
    # a line near the end is broken: every line before it was already written when it is read
    lines[line - 1] = broken if broken is not None else lines[line - 1].replace("|810009990086|", "|81000999ABCD|")
    message = _refused(db_session, _write(tmp_path, sample.name, lines))
    assert message.startswith(said), message
    assert message.endswith(NOTHING_LOADED)
    db_session.expire_all()
    assert db_session.exec(select(table)).all() == before  # the previous directory, untouched


def test_a_duplicate_establishment_names_both_lines(db_session: Session, tmp_path: Path) -> None:
    lines = _lines(FINESS_SAMPLE)
    lines.insert(5, lines[1])
    message = _refused(db_session, _write(tmp_path, "finess.csv", lines))
    assert message.startswith("Ligne 6 : l'établissement 130990013 figure déjà ligne 2.")


def test_a_header_without_a_kept_column_is_refused_at_line_1(db_session: Session, tmp_path: Path) -> None:
    header = "|".join(name for name in RPPS_HEADER if name != "Libellé savoir-faire") + "|"
    message = _refused(db_session, _write(tmp_path, "rpps.txt", [header]))
    assert message.startswith("Ligne 1 : l'en-tête du fichier RPPS ne contient pas les colonnes « Libellé savoir-faire")


def test_an_unknown_file_is_refused_before_anything(db_session: Session, tmp_path: Path) -> None:
    load(db_session.connection(), RPPS_SAMPLE)
    message = _refused(db_session, _write(tmp_path, "autre.csv", ["nom;prenom", "Martin;Anne"]))
    assert message.startswith("Format non reconnu")
    assert _count(db_session, DirectoryPractitioner) == len(_lines(RPPS_SAMPLE)) - 1


def test_a_latin_1_finess_line_is_read(db_session: Session, tmp_path: Path) -> None:
    """Older FINESS extractions were Latin-1: such a line is not refused, its accents are kept."""
    target = tmp_path / "finess.csv"
    target.write_bytes(FINESS_SAMPLE.read_text(encoding="utf-8").encode("latin-1"))
    load(db_session.connection(), target)
    hospital = db_session.exec(select(DirectoryEstablishment).where(DirectoryEstablishment.finess == "130990013")).one()
    assert hospital.category == "Etablissement de Santé Privé Autorisé en SSR"


def test_import_file_commits_or_leaves_the_directory_as_it_was(engine: Engine, tmp_path: Path) -> None:
    """The command's own transaction: committed when the file is right, rolled back when a line is wrong."""
    try:
        assert import_file(engine, RPPS_SAMPLE, progress=False).rows == 29
        lines = _lines(RPPS_SAMPLE)
        lines[-1] = lines[-1][:40]
        with pytest.raises(DirectoryImportError, match=r"^Ligne 30 : "):
            import_file(engine, _write(tmp_path, "rpps.txt", lines), progress=False)
        with Session(engine) as session:
            assert _count(session, DirectoryPractitioner) == 29
    finally:
        with Session(engine) as session:
            session.exec(delete(DirectoryPractitioner))  # type: ignore[call-overload]
            session.commit()


def test_the_command_says_what_it_did_or_why_not(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ESPACE_DATABASE_URL", f"sqlite:///{tmp_path / 'annuaire.db'}")
    assert main(["directory", "import", str(FINESS_SAMPLE)]) == 0
    assert "Annuaire : 12 établissements (FINESS) importés" in capsys.readouterr().err
    assert main(["directory", "import", str(tmp_path / "absent.csv")]) == 1
    assert capsys.readouterr().err.startswith("Erreur : Fichier introuvable : ")
    lines = _lines(FINESS_SAMPLE)
    head, rest = lines[2].split(";", 1)
    lines[2] = head + ";" + rest.replace(";", ",", 3)  # three separators typed as commas
    assert main(["directory", "import", str(_write(tmp_path, "finess.csv", lines))]) == 1
    assert capsys.readouterr().err.startswith("Erreur : Ligne 3 : 29 champs au lieu de 32")
