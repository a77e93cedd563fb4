"""Load on N server processes, measured (prints figures; not a test).

A throwaway PostgreSQL database with a generated population (`fixtures.generator`, cheap argon2 hashes
like the tests), then for each N: `espace serve --workers N` on a loopback port, rate limits raised
through the environment (ESPACE_LOGIN_IP_MAX_ATTEMPTS), and for a fixed time, ~20 concurrent simulated
members (asyncio + httpx) each logging in with the second factor (code read from mail_outbox), then a
mix: dashboard, remboursements with filters, détail, garanties, simulation, messages; then logging out,
and the next member. One conseiller searches members meanwhile. Prints requests/s, p50/p95/p99 per
operation and errors by status (must be 0). Processes and database are removed at the end.

    python -m bench.load_bench                          # N = 1, 2, 4; 500 members; 15 s per N
    python -m bench.load_bench --workers 2 --seconds 5 --members 200
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from bench.claims_bench import percentile
from bench.live import start_server, stop_server, throwaway_postgres

DEFAULT_POSTGRES = os.environ.get("ESPACE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
AGENT_EMAIL = "charge.bench@mutuelle.example"
CODE = re.compile(r"\b(\d{6})\b")
TODAY = date.today()
FILTERS: tuple[dict[str, str], ...] = (
    {},
    {"status": "paid"},
    {"text": "consult"},
    {"payee": "provider", "amount_min": "20"},
    {"care_category": "pharmacie", "sort": "charged", "order": "asc"},
    {"date_from": (TODAY - timedelta(days=365)).isoformat(), "sort": "out_of_pocket"},
)
SIMULATIONS: tuple[dict[str, Any], ...] = (
    {"act": "CS", "charged": "60", "guarantee": "100% BR"},
    {"act": "CS", "charged": "60", "sector": "2", "guarantee": "200% BR"},
    {"act": "AMK", "charged": "20", "guarantee": "100% BR"},
)
# The member's mix after logging in: (operation, weight).
MIX = (("dashboard", 2), ("claims", 4), ("claim_detail", 2), ("guarantees", 1), ("simulation", 1), ("threads", 1))
ACTIONS_PER_SESSION = 8


class Stats:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[tuple[str, int | str]] = Counter()

    async def call(
        self, op: str, client: httpx.AsyncClient, method: str, path: str, **kw: Any
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await client.request(method, path, **kw)
        except httpx.HTTPError as error:
            self.errors[(op, type(error).__name__)] += 1
            return None
        self.samples[op].append(time.perf_counter() - started)
        if response.status_code >= 400:
            self.errors[(op, response.status_code)] += 1
            return None
        return response


# -- database ------------------------------------------------------------------------------------------


def prepare(url: str, members: int) -> tuple[list[str], str]:
    """Migrate, generate, add one conseiller; return the activated member numbers and the password."""
    from sqlmodel import Session

    from fixtures.generator import generate
    from fixtures.world import DEMO_PASSWORD
    from models.schemas.common import AccountState, Role
    from models.tables import Account
    from server.db import create_db_engine
    from server.migrate import upgrade
    from server.security.passwords import hash_password
    from server.settings import Settings

    settings = Settings(
        database_url=url, demo_mode=True, argon2_time_cost=1, argon2_memory_cost=8, argon2_parallelism=1
    )
    engine = create_db_engine(url)
    with engine.begin() as connection:
        upgrade(connection=connection)
    generate(engine, members=members, seed=1, progress=False, hasher=lambda s: hash_password(settings, s))
    now = datetime.now(UTC)
    with Session(engine) as session:
        session.add(
            Account(
                role=Role.agent, login_email=AGENT_EMAIL, password_hash=hash_password(settings, DEMO_PASSWORD),
                state=AccountState.active, display_name="Charge Bench", created_at=now, password_changed_at=now,
            )
        )  # fmt: skip
        from sqlalchemy import text

        # generated passwords date from the generation's "created" day: not expired during the run
        session.connection().execute(text("UPDATE account SET password_changed_at = :now"), {"now": now})
        session.commit()

        numbers = [
            row[0]
            for row in session.connection().execute(
                text(
                    "SELECT m.member_number FROM member m JOIN account a ON a.member_id = m.id"
                    " WHERE a.login_email IS NOT NULL AND a.state = 'active' ORDER BY m.member_number"
                )
            )
        ]
    engine.dispose()
    return numbers, DEMO_PASSWORD


class Codes:
    """Reads second-factor codes from mail_outbox (a small pool of its own, off the event loop)."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, text

        self.engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), pool_size=4)
        self.query = text('SELECT body FROM mail_outbox WHERE "to" = :to ORDER BY id DESC LIMIT 1')

    def _read(self, to: str) -> str | None:
        with self.engine.connect() as connection:
            body = connection.execute(self.query, {"to": to}).scalar()
        m = CODE.search(body or "")
        return m[1] if m else None

    async def code(self, to: str) -> str | None:
        return await asyncio.to_thread(self._read, to)


# -- simulated users -----------------------------------------------------------------------------------


async def login(
    stats: Stats, client: httpx.AsyncClient, codes: Codes, identifier: str, email: str, pw: str
) -> str | None:
    first = await stats.call(
        "login", client, "POST", "/api/v1/auth/login", json={"identifier": identifier, "password": pw}
    )
    if first is None:
        return None
    body = first.json()
    if body["status"] == "authenticated":
        return str(body["session"]["token"])
    code = await codes.code(email)
    if code is None:
        stats.errors[("second_factor", "no code in mail_outbox")] += 1
        return None
    second = await stats.call(
        "second_factor",
        client,
        "POST",
        "/api/v1/auth/second-factor",
        json={"pending_id": body["pending"]["id"], "code": code},
    )
    return None if second is None else str(second.json()["session"]["token"])


async def member_loop(
    stats: Stats, base: str, codes: Codes, queue: asyncio.Queue[str], pw: str, deadline: float
) -> None:
    rng = random.Random()
    ops, weights = zip(*MIX, strict=True)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.monotonic() < deadline:
            number = await queue.get()
            try:
                token = await login(stats, client, codes, number, f"adherent{number}@exemple-genere.fr", pw)
                if token is None:
                    continue
                auth = {"Authorization": f"Bearer {token}"}
                claim_ids: list[int] = []
                for op in rng.choices(ops, weights, k=ACTIONS_PER_SESSION):
                    if time.monotonic() >= deadline:
                        break
                    if op == "dashboard":
                        await stats.call(op, client, "GET", "/api/v1/me/dashboard", headers=auth)
                    elif op == "claims" or (op == "claim_detail" and not claim_ids):
                        r = await stats.call(
                            "claims", client, "GET", "/api/v1/me/claims", params=rng.choice(FILTERS), headers=auth
                        )
                        if r is not None:
                            claim_ids = [item["id"] for item in r.json()["items"]] or claim_ids
                    elif op == "claim_detail":
                        await stats.call(op, client, "GET", f"/api/v1/me/claims/{rng.choice(claim_ids)}", headers=auth)
                    elif op == "guarantees":
                        await stats.call(op, client, "GET", "/api/v1/me/guarantees", headers=auth)
                    elif op == "simulation":
                        await stats.call(
                            op, client, "POST", "/api/v1/simulations", json=rng.choice(SIMULATIONS), headers=auth
                        )
                    elif op == "threads":
                        await stats.call(op, client, "GET", "/api/v1/me/threads", headers=auth)
                await stats.call("logout", client, "POST", "/api/v1/auth/logout", headers=auth)
            finally:
                queue.put_nowait(number)


async def agent_loop(stats: Stats, base: str, codes: Codes, pw: str, deadline: float) -> None:
    rng = random.Random()
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        token = await login(stats, client, codes, AGENT_EMAIL, AGENT_EMAIL, pw)
        if token is None:
            return
        auth = {"Authorization": f"Bearer {token}"}
        while time.monotonic() < deadline:
            q = rng.choice(("martin", "bernard", "dubois", "600001", "thomas", "petit"))
            await stats.call("agent_search", client, "GET", "/api/v1/agent/members", params={"q": q}, headers=auth)


async def drive(
    base: str, url: str, numbers: list[str], pw: str, concurrency: int, seconds: float
) -> tuple[Stats, float]:
    stats = Stats()
    codes = Codes(url)
    queue: asyncio.Queue[str] = asyncio.Queue()
    for number in random.sample(numbers, len(numbers)):
        queue.put_nowait(number)
    started = time.monotonic()
    deadline = started + seconds
    try:
        await asyncio.gather(
            agent_loop(stats, base, codes, pw, deadline),
            *(member_loop(stats, base, codes, queue, pw, deadline) for _ in range(concurrency)),
        )
    finally:
        codes.engine.dispose()
    return stats, time.monotonic() - started


def report(workers: int, stats: Stats, elapsed: float) -> None:
    total = sum(len(s) for s in stats.samples.values())
    errors = sum(stats.errors.values())
    print(
        f"\nN = {workers} processus : {total} requêtes en {elapsed:.1f} s"
        f" = {total / elapsed:.0f} req/s, erreurs : {errors}"
    )
    print(f"  {'opération':15} {'nombre':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for op in ("login", "second_factor", "dashboard", "claims", "claim_detail", "guarantees", "simulation", "threads",
               "logout", "agent_search"):  # fmt: skip
        samples = stats.samples.get(op)
        if not samples:
            continue
        p50, p95, p99 = (percentile(samples, p) * 1000 for p in (50, 95, 99))
        print(f"  {op:15} {len(samples):7} {len(samples) / elapsed:7.1f} {p50:8.1f} {p95:8.1f} {p99:8.1f}")
    for (op, status), count in sorted(stats.errors.items(), key=str):
        print(f"  erreur {op} {status} : {count}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4], help="server processes (each run)")
    parser.add_argument("--members", type=int, default=500, help="generated members")
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of each run")
    parser.add_argument("--concurrency", type=int, default=20, help="simulated members at once")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="PostgreSQL server (a database is created)")
    args = parser.parse_args(argv)
    args.seconds = min(args.seconds, 120.0)  # bounded: a run never lasts more than two minutes
    args.concurrency = min(args.concurrency, 200)

    print(f"Charge : {os.cpu_count()} cœurs (nproc), {args.members} adhérents générés, {args.concurrency} adhérents "
          f"simultanés + 1 conseiller, {args.seconds:.0f} s par N, PostgreSQL, argon2 allégé")  # fmt: skip
    with throwaway_postgres(args.postgres, "espace_load") as url:
        started = time.perf_counter()
        numbers, pw = prepare(url, args.members)
        print(f"base préparée en {time.perf_counter() - started:.1f} s ({len(numbers)} comptes activés)")
        for workers in args.workers:
            port = free_port()
            command = [sys.executable, "-m", "espace.cli", "serve", "--port", str(port), "--workers", str(workers)]
            live = start_server(
                url, command=command, workers=workers, keep_log=False,
                ESPACE_LOG_LEVEL="INFO", ESPACE_LOGIN_IP_MAX_ATTEMPTS="1000000",
            )  # fmt: skip
            try:
                stats, elapsed = asyncio.run(drive(live.base, url, numbers, pw, args.concurrency, args.seconds))
            finally:
                stop_server(live)
            report(workers, stats, elapsed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
