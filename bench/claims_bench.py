"""Mes remboursements, measured (prints figures; not a test).

On a generated database (`fixtures.generator`, ~50 claim lines per member), for a mix of filters:
- the real route GET /api/v1/me/claims (authentication, validation, service, serialisation), through the
  app in process (httpx ASGI transport: no socket, so the figures are the server's own time);
- the service alone (`server.services.claims.list_claims` on an open session);
- a bare FastAPI route with hand-written SQL for the same first page and totals, on the same engine;
and the ratio real route / bare route; on SQLite and on PostgreSQL (when reachable). Then, in the client,
the time from a key press that changes a filter to the new list on screen (Textual Pilot, against the
real app on the same database).

    python -m bench.claims_bench                    # 10 000 members (generated on first run)
    python -m bench.claims_bench --members 100000   # the issue's size (~6 min to generate on SQLite)
    python -m bench.claims_bench --no-postgres --no-client
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI, Query
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

DEFAULT_DIR = Path(os.environ.get("ESPACE_BENCH_DIR", "/tmp/espace-bench"))
DEFAULT_POSTGRES = os.environ.get("ESPACE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MEMBER_BASE = 60_000_000

# The mix of filters: (name, query string). Each is one first page (50 rows) with its totals.
MIX: tuple[tuple[str, dict[str, Any]], ...] = (
    ("défaut (24 mois)", {}),
    ("statut remboursé", {"status": "paid"}),
    ("texte « consult »", {"text": "consult"}),
    ("tiers payant ≥ 20 €", {"payee": "provider", "amount_min": "20"}),
    ("régularisations", {"regularisation": "true"}),
    (
        "12 mois, pharmacie, tri montant",
        {"care_category": "pharmacie", "sort": "charged", "order": "asc", "months": 12},
    ),
    ("7 ans, reste à charge ≥ 50 €", {"amount_min": "50", "sort": "out_of_pocket", "years": 7}),
)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Figures:
    p50: float
    p95: float

    @classmethod
    def of(cls, samples: list[float]) -> Figures:
        return cls(statistics.median(samples), percentile(samples, 95))

    def __str__(self) -> str:
        return f"{self.p50:6.2f} / {self.p95:6.2f}"


def load() -> str:
    """The machine's load beside the figures: on a shared machine they mean little without it."""
    one, five, _fifteen = os.getloadavg()
    return f"charge {one:.1f} (5 min : {five:.1f}) sur {os.cpu_count()} cœurs"


# -- databases ------------------------------------------------------------------------------------------


def sqlite_url(members: int, directory: Path) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / f'claims-{members}.db'}"


def postgres_url(members: int, base: str, name: str | None = None) -> str | None:
    name = name or f"espace_bench_{members}"
    try:
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL injoignable ({base}) : {exc.orig}", file=sys.stderr)
        return None
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def prepare(url: str, members: int, *, generate_missing: bool, analyze: bool = True) -> Engine:
    from server.db import create_db_engine
    from server.migrate import upgrade

    upgrade(url)
    engine = create_db_engine(url)
    with engine.connect() as connection:
        have = connection.execute(
            text(f"SELECT count(*) FROM member WHERE member_number >= '{MEMBER_BASE}' AND length(member_number) = 8")
        ).scalar_one()
    if have < members:
        if not generate_missing:
            raise SystemExit(f"{url} : {have} adhérents générés sur {members} ; relancez avec --generate")
        from fixtures.generator import generate

        print(f"Génération de {members} adhérents dans {url} (une fois)…", file=sys.stderr)
        generate(engine, members=members, seed=1)
    if not analyze:
        return engine
    if engine.dialect.name == "postgresql":
        # after a bulk load: the visibility map lets the covering index answer alone (index-only scans)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    return engine


def sample_members(engine: Engine, count: int) -> list[tuple[int, int]]:
    """(member id, account id) of ``count`` generated members with an account, spread over the ids."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT m.id, a.id FROM member m JOIN account a ON a.member_id = m.id "
                f"WHERE m.member_number >= '{MEMBER_BASE}' AND a.state = 'active' ORDER BY m.id"
            )
        ).all()
    step = max(1, len(rows) // count)
    return [(int(m), int(a)) for m, a in rows[::step][:count]]


def busiest_member(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT c.member_id, a.id FROM claim c JOIN account a ON a.member_id = c.member_id "
                "WHERE a.state = 'active' GROUP BY c.member_id, a.id ORDER BY count(*) DESC, c.member_id LIMIT 1"
            )
        ).one()
    return int(row[0]), int(row[1])


def session_tokens(engine: Engine, account_ids: list[int]) -> dict[int, str]:
    from models.tables import AuthSession
    from server.clock import SystemClock
    from server.security.tokens import hash_token, new_token

    now = SystemClock().now()
    tokens = {}
    with Session(engine) as session:
        for account_id in account_ids:
            token = new_token()
            session.add(
                AuthSession(
                    token_hash=hash_token(token),
                    account_id=account_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + timedelta(hours=12),
                )
            )
            tokens[account_id] = token
        session.commit()
    return tokens


# -- the bare route ----------------------------------------------------------------------------------------


def _window(params: dict[str, Any], today: date) -> date:
    from server.services.claims import months_before

    if "years" in params:
        return date(today.year - params["years"] + 1, 1, 1)
    return months_before(today, params.get("months", 24))


def bare_app(engine: Engine) -> FastAPI:
    """One route, hand-written SQL: the same first page and totals, no auth, no ORM, no schema."""
    app = FastAPI()
    postgres = engine.dialect.name == "postgresql"
    text_match = "lower(l.label) LIKE :text" if not postgres else "l.label ILIKE :text"

    @app.get("/bare/claims")
    def claims(
        member_id: int,
        date_from: date,
        status: str | None = None,
        text_: str | None = Query(None, alias="text"),
        payee: str | None = None,
        regularisation: bool | None = None,
        care_category: str | None = None,
        amount_min: float | None = None,
        sort: str = "care_date",
        order: str = "desc",
    ) -> dict[str, Any]:
        where = ["c.member_id = :member_id", "c.care_date >= :date_from"]
        args: dict[str, Any] = {"member_id": member_id, "date_from": date_from}
        if status:
            where.append("c.status = :status")
            args["status"] = status
        if care_category:
            where.append("c.care_category = :category")
            args["category"] = care_category
        if payee:
            where.append("EXISTS (SELECT 1 FROM payment p WHERE p.claim_id = c.id AND p.payee = :payee)")
            args["payee"] = payee
        if regularisation:
            where.append(
                "EXISTS (SELECT 1 FROM payment p WHERE p.claim_id = c.id "
                "AND (p.kind = 'overpayment_recovery' OR p.amount < 0))"
            )
        if text_:
            where.append(f"EXISTS (SELECT 1 FROM claim_line l WHERE l.claim_id = c.id AND {text_match})")
            args["text"] = f"%{text_.lower()}%"
        having = ""
        if amount_min is not None:
            having = "HAVING coalesce(sum(cl.charged), 0) >= :amount_min"
            args["amount_min"] = amount_min
        columns = {"care_date": "c.care_date", "charged": "charged", "out_of_pocket": "out_of_pocket"}
        direction = "ASC" if order == "asc" else "DESC"
        base = f"""
            SELECT c.id, c.reference, c.care_date, c.label, c.status, b.first_name, b.last_name,
                   coalesce(sum(cl.charged), 0) AS charged, coalesce(sum(cl.amo_paid), 0) AS amo_paid,
                   coalesce(sum(cl.amc_paid), 0) AS amc_paid, coalesce(sum(cl.out_of_pocket), 0) AS out_of_pocket
            FROM claim c JOIN beneficiary b ON b.id = c.beneficiary_id
            LEFT JOIN claim_line cl ON cl.claim_id = c.id
            WHERE {" AND ".join(where)}
            GROUP BY c.id, b.id {having}"""
        with engine.connect() as connection:
            totals = connection.execute(
                text(
                    f"SELECT count(*), sum(charged), sum(amo_paid), sum(amc_paid), sum(out_of_pocket) FROM ({base}) f"
                ),
                args,
            ).one()
            rows = connection.execute(
                text(f"{base} ORDER BY {columns.get(sort, 'c.care_date')} {direction}, c.id {direction} LIMIT 50"),
                args,
            ).all()
        return {
            "totals": [str(v) for v in totals],
            "items": [
                {
                    "id": r.id,
                    "reference": r.reference,
                    "care_date": str(r.care_date),
                    "label": r.label,
                    "status": r.status,
                    "beneficiary": f"{r.first_name} {r.last_name}",
                    "charged": str(r.charged),
                    "amo_paid": str(r.amo_paid),
                    "amc_paid": str(r.amc_paid),
                    "out_of_pocket": str(r.out_of_pocket),
                }
                for r in rows
            ],
        }

    return app


# -- measuring --------------------------------------------------------------------------------------------


def _route_params(params: dict[str, Any], today: date) -> dict[str, Any]:
    out = {k: v for k, v in params.items() if k not in ("months", "years")}
    if "months" in params or "years" in params:
        out["date_from"] = _window(params, today).isoformat()
    return out


async def _time(client: httpx.AsyncClient, url: str, params: dict[str, Any], headers: dict[str, str]) -> float:
    started = time.perf_counter()
    response = await client.get(url, params=params, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} {params} : {response.status_code} {response.text[:300]}")
    return elapsed


async def measure_backend(label: str, engine: Engine, url: str, members: int, rounds: int) -> list[str]:
    from models.schemas.claims import ClaimQuery
    from models.tables import Member
    from server.app import create_app
    from server.clock import SystemClock, paris_today
    from server.services.claims import list_claims
    from server.settings import Settings

    today = paris_today(SystemClock())
    sample = sample_members(engine, 40)
    tokens = session_tokens(engine, [a for _m, a in sample])
    settings = Settings(database_url=url, demo_mode=True, log_level="WARNING", member_password_max_age=None)
    app = create_app(settings, engine=engine)
    bare = bare_app(engine)
    lines = [
        f"== {label} : {members} adhérents, première page (50) et totaux, p50 / p95 en ms ; {load()} ==",
        f"{'filtre':34} {'route réelle':>15} {'service seul':>15} {'route nue SQL':>15} {'ratio p50/p95':>14}",
    ]
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as real,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=bare), base_url="http://bench") as plain,
    ):
        # Filters interleaved (each member runs the whole mix, round after round): on a shared machine a
        # burst of load then falls on every filter alike, not on whichever filter was being measured.
        # Before, one filter after the other: « statut remboursé » once had p95 23.7 ms against 12.6-17.5
        # for the others, though EXPLAIN ANALYZE gives it the same plan and cost as the default filter.
        prepared = []
        for name, params in MIX:
            query_params = _route_params(params, today)
            date_from = query_params.get("date_from", _window(params, today).isoformat())
            service_query = ClaimQuery.model_validate({k: [v] if k == "status" else v for k, v in query_params.items()})
            prepared.append((name, query_params, {**query_params, "date_from": date_from}, service_query))
        route: dict[str, list[float]] = {name: [] for name, *_ in prepared}
        service: dict[str, list[float]] = {name: [] for name, *_ in prepared}
        raw: dict[str, list[float]] = {name: [] for name, *_ in prepared}
        for round_number in range(rounds + 1):  # the first round warms caches up and is not counted
            for member_id, account_id in sample:
                headers = {"Authorization": f"Bearer {tokens[account_id]}"}
                for name, query_params, bare_params, service_query in prepared:
                    r = await _time(real, "/api/v1/me/claims", query_params, headers)
                    b = await _time(plain, "/bare/claims", {**bare_params, "member_id": member_id}, {})
                    started = time.perf_counter()
                    # a session per call, closed at once: on SQLite every transaction of the server takes
                    # BEGIN IMMEDIATE (server.db), so a session left open here would lock the app out
                    with Session(engine) as session:
                        member = session.get(Member, member_id)
                        assert member is not None
                        list_claims(session, member, service_query, today)
                    s = (time.perf_counter() - started) * 1000
                    if round_number:
                        route[name].append(r)
                        raw[name].append(b)
                        service[name].append(s)
        all_real: list[float] = []
        for name, *_ in prepared:
            fr, fs, fb = Figures.of(route[name]), Figures.of(service[name]), Figures.of(raw[name])
            all_real.extend(route[name])
            ratio = f"{fr.p50 / fb.p50:4.2f} / {fr.p95 / fb.p95:4.2f}"
            lines.append(f"{name:34} {fr!s:>15} {fs!s:>15} {fb!s:>15} {ratio:>14}")
        overall = Figures.of(all_real)
        lines.append(f"{'ensemble (route réelle)':34} {overall!s:>15}   ({len(all_real)} requêtes ; {load()})")
    return lines


async def measure_client(engine: Engine, url: str, presses: int, *, separate: bool = False) -> list[str]:
    """Key press that changes a filter -> the new list on screen, with Pilot, against the real app: in the
    client's process (ASGI transport) or, ``separate``, a local server process over loopback HTTP, as the
    client is used (then the server's work and its thread hops no longer share the client's event loop
    and GIL: measured, one request alone takes ~6 ms, but 27-40 ms in process while Textual paints)."""
    from bench.live import start_server, stop_server
    from server.app import create_app
    from server.settings import Settings
    from tui.api.client import ApiClient
    from tui.api.token_store import MemoryTokenStore
    from tui.app import EspaceApp
    from tui.screens.claims import ClaimsScreen

    member_id, account_id = busiest_member(engine)
    token = session_tokens(engine, [account_id])[account_id]
    app = create_app(
        Settings(database_url=url, demo_mode=True, log_level="WARNING", member_password_max_age=None), engine=engine
    )
    server = start_server(url, keep_log=False, ESPACE_MEMBER_PASSWORD_MAX_AGE="P36500D") if separate else None
    api = (
        ApiClient(server.base, timeout=30)
        if server
        else ApiClient("http://bench", transport=httpx.ASGITransport(app=app))
    )
    store = MemoryTokenStore()
    store.set(api.base_url, token)
    client_app = EspaceApp(api, token_store=store, freeze_heap=True)  # as tui.main runs it
    samples: list[float] = []
    keys = ("s", "p", "o", "v", "x")
    shown: list[float] = []
    original_fill = ClaimsScreen._fill

    def fill(self: ClaimsScreen, result: Any) -> None:
        # the rows are in the table; the callback runs once the screen has been painted with them
        original_fill(self, result)
        self.call_after_refresh(lambda: shown.append(time.perf_counter()))

    ClaimsScreen._fill = fill  # type: ignore[method-assign]
    try:
        async with client_app.run_test(size=(120, 40)) as pilot:

            async def settle() -> None:
                for _ in range(3):
                    await client_app.workers.wait_for_complete()
                    await pilot.pause()

            await settle()
            await pilot.press("r")
            await settle()
            screen = client_app.screen
            assert isinstance(screen, ClaimsScreen), screen
            for n in range(presses + 3):
                count = len(shown)
                started = time.perf_counter()
                await pilot.press(keys[n % len(keys)])
                while len(shown) == count:
                    await pilot.pause()
                if n >= 3:  # the first presses warm up
                    samples.append((shown[count] - started) * 1000)
    finally:
        ClaimsScreen._fill = original_fill  # type: ignore[method-assign]
        if server:
            stop_server(server)
    figures = Figures.of(samples)
    where = "serveur local dans son propre processus (HTTP)" if separate else "serveur réel dans le processus du client"
    return [
        f"== Client : touche de filtre -> nouvelle liste peinte à l'écran (Pilot, 120×40, adhérent {member_id}, "
        f"le plus de remboursements ; {where}), p50 / p95 en ms ==",
        f"{figures}   ({len(samples)} appuis : s, p, o, v, x ; {load()})",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=10_000, help="adhérents générés (100000 : la taille du sujet)")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="dossier des bases SQLite de mesure")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="serveur PostgreSQL (une base par taille)")
    parser.add_argument("--pg-database", help="nom de la base PostgreSQL de mesure (défaut : espace_bench_N)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-client", action="store_true")
    parser.add_argument("--no-generate", action="store_true", help="ne pas générer une base qui manque")
    parser.add_argument("--no-analyze", action="store_true", help="base déjà analysée : sans ANALYZE")
    parser.add_argument("--rounds", type=int, default=3, help="tours de mesure par filtre (40 adhérents par tour)")
    parser.add_argument("--presses", type=int, default=30, help="appuis de touche mesurés dans le client")
    args = parser.parse_args(argv)

    targets: list[tuple[str, str]] = []
    if not args.no_sqlite:
        targets.append(("SQLite", sqlite_url(args.members, args.dir)))
    if not args.no_postgres:
        pg = postgres_url(args.members, args.postgres, args.pg_database)
        if pg:
            targets.append(("PostgreSQL", pg))
    client_done = False
    for label, url in targets:
        engine = prepare(url, args.members, generate_missing=not args.no_generate, analyze=not args.no_analyze)
        for line in asyncio.run(measure_backend(label, engine, url, args.members, args.rounds)):
            print(line, flush=True)
        if not args.no_client and not client_done:
            for separate in (False, True):
                for line in asyncio.run(measure_client(engine, url, args.presses, separate=separate)):
                    print(line, flush=True)
            client_done = True
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
