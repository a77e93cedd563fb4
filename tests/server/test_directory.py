"""The care finder's search (issue 21), through HTTP as members and conseillers call it, on the sample files of
fixtures/ loaded in the test's transaction: accents and case ignored, by name, speciality, town, postcode or
département, a page at a time, with the sector and 100 % Santé where known; refused in French without a
criterion."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event

from fixtures.demo import DIRECTORY_SAMPLES
from models.domain.directory import NO_CRITERION, TOO_SHORT
from models.schemas.common import Role
from server.services.directory_import import load
from tests.conftest import bearer


@pytest.fixture
def member_headers(make: Any, db_session: Any) -> dict[str, str]:
    for sample in DIRECTORY_SAMPLES:
        load(db_session.connection(), sample)
    return bearer(make.session_token(make.account(make.member())))


async def _search(client: Any, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/directory", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _names(page: dict[str, Any]) -> list[str]:
    return [item["name"] for item in page["items"]]


async def test_a_name_is_found_whatever_its_accents_and_case(client: Any, member_headers: dict[str, str]) -> None:
    assert _names(await _search(client, member_headers, q="bensaid")) == ["Karim BENSAÏD"]
    assert _names(await _search(client, member_headers, q="HÉLÈNE castellani")) == ["Hélène CASTELLANI"] * 2


async def test_a_speciality_in_a_town(client: Any, member_headers: dict[str, str]) -> None:
    page = await _search(client, member_headers, q="cardio", where="Marseille")
    assert _names(page) == ["Hélène CASTELLANI"] * 2  # her two activities; Paris's cardiologist is not there
    assert {item["site"] for item in page["items"]} == {
        "CABINET DE CARDIOLOGIE CASTELLANI",
        "HOPITAL EUROPEEN DE MARSEILLE (FICTIF)",
    }
    everywhere = await _search(client, member_headers, q="cardiologie")
    assert _names(everywhere) == ["Hélène CASTELLANI", "Hélène CASTELLANI", "Bertrand ROUSSEAU"]


async def test_a_member_s_words_find_the_rpps_labels(client: Any, member_headers: dict[str, str]) -> None:
    """« cardiologue » finds « Cardiologie… », « généraliste » finds « Médecine générale »."""
    assert _names(await _search(client, member_headers, q="cardiologue", where="75")) == ["Bertrand ROUSSEAU"]
    generalists = await _search(client, member_headers, q="médecin généraliste", where="13")
    assert _names(generalists) == ["Céline ARNAUD", "Karim BENSAÏD", "Jeanne OLIVIER"]


async def test_a_postcode_or_a_departement(client: Any, member_headers: dict[str, str]) -> None:
    in_75011 = await _search(client, member_headers, where="75011", page_size=50)
    assert {item["postcode"] for item in in_75011["items"]} == {"75011"} and in_75011["total"] == 5
    in_13 = await _search(client, member_headers, q="medecine generale", where="13")
    assert _names(in_13) == ["Céline ARNAUD", "Karim BENSAÏD", "Jeanne OLIVIER"]  # Aubagne is in the 13 too
    assert _names(await _search(client, member_headers, where="aubagne")) == ["Jeanne OLIVIER"]


async def test_the_sector_optam_and_100_sante_when_known(client: Any, member_headers: dict[str, str]) -> None:
    castellani = (await _search(client, member_headers, q="castellani"))["items"][0]
    assert (castellani["sector"], castellani["optam"]) == ("2-optam", True)
    assert castellani["sector_words"].startswith("Secteur 2, adhérent OPTAM")
    girard = (await _search(client, member_headers, q="giraud"))["items"][0]
    assert (girard["sector"], girard["optam"], girard["sector_words"]) == (None, None, "Secteur non renseigné")
    optician = (await _search(client, member_headers, q="opticien", where="13"))["items"][0]
    assert optician["cent_pour_cent_sante"] == "propose le 100 % Santé (lunettes sans reste à charge)"
    assert girard["cent_pour_cent_sante"] is None


async def test_establishments_by_name_or_category(client: Any, member_headers: dict[str, str]) -> None:
    page = await _search(client, member_headers, kind="etablissement", q="clinique", where="13")
    assert _names(page) == ["CLINIQUE CHIRURGICALE DU PRADO (FICTIVE)", "CLINIQUE MEDICALE D'AUBAGNE (FICTIVE)"]
    assert page["items"][0]["identifier"] == "130990039" and page["items"][0]["sector"] is None
    assert _names(await _search(client, member_headers, kind="etablissement", q="centre hospitalier")) == [
        "CENTRE HOSPITALIER DE LA TIMONE (FICTIF)",
        "HOPITAL DE LA NATION (FICTIF)",
    ]


async def test_pages(client: Any, member_headers: dict[str, str]) -> None:
    first = await _search(client, member_headers, where="13", page_size=5)
    second = await _search(client, member_headers, where="13", page_size=5, page=2)
    assert first["total"] == second["total"] == 17 and len(first["items"]) == 5
    assert not set(_names(first)) & set(_names(second))


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({}, "directory_no_criterion", NO_CRITERION),
        ({"q": "   ", "where": ""}, "directory_no_criterion", NO_CRITERION),
        ({"q": "a"}, "directory_too_short", TOO_SHORT),
        ({"q": "%"}, "directory_too_short", TOO_SHORT),  # no wildcard reaches the database
    ],
)
async def test_no_criterion_is_refused_in_french(
    client: Any, member_headers: dict[str, str], params: dict[str, str], code: str, message: str
) -> None:
    response = await client.get("/api/v1/directory", params=params, headers=member_headers)
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["message"]) == (code, message)


async def test_a_conseiller_searches_too(client: Any, make: Any, member_headers: dict[str, str]) -> None:
    agent = bearer(make.session_token(make.account(role=Role.agent)))
    assert _names(await _search(client, agent, q="fabre")) == ["Olivier FABRE"]


async def test_without_a_session_the_directory_is_closed(client: Any, member_headers: dict[str, str]) -> None:
    response = await client.get("/api/v1/directory", params={"q": "fabre"})
    assert response.status_code == 401


# --- the words' index (issue 21's leftover: a search by name read the whole table) --------------------------------


async def test_a_searched_word_begins_a_word_of_the_row(client: Any, member_headers: dict[str, str]) -> None:
    """Each word typed is looked for at the start of the words shown — name, first name, profession, speciality,
    site — accents and case ignored (the words' index holds whole words: the middle of a word is not a start)."""
    assert _names(await _search(client, member_headers, q="castel")) == ["Hélène CASTELLANI"] * 2
    assert _names(await _search(client, member_headers, q="CASTELLANI Hél")) == ["Hélène CASTELLANI"] * 2
    assert _names(await _search(client, member_headers, q="européen")) == ["Hélène CASTELLANI", "Marc PEYRON"]  # a site
    assert (await _search(client, member_headers, q="tellani"))["total"] == 0
    assert (await _search(client, member_headers, q="castellani bensaid"))["total"] == 0  # every word, one row


@contextmanager
def _statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "directory_practitioner" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.mark.parametrize("params", [{"q": "castellani"}, {"q": "cardio", "where": "Marseille"}])
async def test_the_searched_words_go_through_their_index(
    client: Any, engine: Engine, db_session: Any, member_headers: dict[str, str], params: dict[str, str]
) -> None:
    """The plan of the search's statements (the count and the page), not a timing: on SQLite the words are read
    from their FTS5 table and the practitioners by id, never by reading the whole table; on PostgreSQL the GIN index
    of the words answers the words' condition (sequential scans turned off to ask whether it can: on a sample of
    29 rows the planner rightly prefers to read them all)."""
    with _statements(engine) as seen:
        assert (await _search(client, member_headers, **params))["total"] > 0
    assert len(seen) == 2, seen  # the count, the page
    connection = db_session.connection()
    for statement, parameters in seen:
        if engine.dialect.name == "sqlite":
            plan = [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
            assert any("directory_practitioner_fts VIRTUAL TABLE INDEX" in step for step in plan), plan
            assert not any(step.startswith("SCAN directory_practitioner") and "fts" not in step for step in plan), plan
        else:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
            assert any("ix_directory_practitioner_words" in step for step in plan), plan
            assert not any("Seq Scan on directory_practitioner" in step for step in plan), plan
