"""Mes remboursements, measured (prints figures; not a test).

On a generated database (`fixtures.generator`, ~50 claim lines per member), over loopback HTTP, two server
processes side by side on the same data, each uvicorn with one process: the real server (GET
/api/v1/me/claims: authentication, validation, service, serialisation) and a bare FastAPI route running
hand-written SQL for the same first page and totals (`bench.bare_claims`). Their requests are interleaved —
every filter, member after member, round after round, alternating which goes first — so that a burst of
load falls on both alike. For each filter: p50 / p95 of each (seen by the client), and each server's
processor time per request (read from /proc, to the nanosecond, every thread of the process); the ratios
real / bare (issue 20: p95 ≤ 1.3×, CPU ≤ 1.5×), on SQLite and on PostgreSQL (when reachable), the machine's
load printed before and after. Then, in the client, the time from a key press that changes a filter to the
new list on screen (Textual Pilot, against the real app on the same database).

    python -m bench.claims_bench                    # 10 000 members (generated on first run)
    python -m bench.claims_bench --members 100000   # the issue's size (about a minute to generate on SQLite)
    python -m bench.claims_bench --no-postgres --no-client
    python -m bench.claims_bench --quick            # a few members in a throwaway database: checks it works
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

DEFAULT_DIR = Path(os.environ.get("ESPACE_BENCH_DIR", "/tmp/espace-bench"))
DEFAULT_POSTGRES = os.environ.get("ESPACE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MEMBER_BASE = 60_000_000

# The mix of filters: (name, query string). Each is one first page (50 rows) with its totals; together they
# use every filter of the route (period, beneficiary, category, status, regularisation, amount range, payee,
# text) and every kind of sort. BENEFICIARY stands for the member's first beneficiary.
BENEFICIARY = "<beneficiary>"
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
    ("bénéficiaire, tri statut", {"beneficiary_id": BENEFICIARY, "sort": "status", "order": "asc"}),
    ("année passée, ≤ 30 €, tri bénéficiaire", {"last_year": True, "amount_max": "30", "sort": "beneficiary"}),
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
    return f"charge {one:.2f} (5 min : {five:.2f}) sur {os.cpu_count()} cœurs"


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


def sample_members(engine: Engine, count: int) -> list[tuple[int, int, int]]:
    """(member id, account id, first beneficiary id) of ``count`` generated members with an active account,
    spread over the ids."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT m.id, a.id, (SELECT min(b.id) FROM beneficiary b WHERE b.member_id = m.id) "
                "FROM member m JOIN account a ON a.member_id = m.id "
                f"WHERE m.member_number >= '{MEMBER_BASE}' AND a.state = 'active' ORDER BY m.id"
            )
        ).all()
    step = max(1, len(rows) // count)
    return [(int(m), int(a), int(b)) for m, a, b in rows[::step][:count]]


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


# -- measuring, over loopback HTTP ------------------------------------------------------------------------


def _window(params: dict[str, Any], today: date) -> tuple[date, date | None]:
    from server.services.claims import months_before

    if params.get("last_year"):
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if "years" in params:
        return date(today.year - params["years"] + 1, 1, 1), None
    return months_before(today, params.get("months", 24)), None


PERIODS = ("months", "years", "last_year")


def _queries(params: dict[str, Any], today: date, member: int, beneficiary: int) -> tuple[dict[str, Any], ...]:
    """The query strings of the real route and of the bare one: the real route fills in the default period (the
    last 24 months) itself, the bare one is told it; the bare one is told the member too."""
    real = {k: (beneficiary if v == BENEFICIARY else v) for k, v in params.items() if k not in PERIODS}
    date_from, date_to = _window(params, today)
    if any(k in params for k in PERIODS):
        real["date_from"] = date_from.isoformat()
        if date_to:
            real["date_to"] = date_to.isoformat()
    bare = {**real, "member_id": member, "date_from": date_from.isoformat()}
    return real, bare


class ServerCpu:
    """A server process's processor time, every thread, to the nanosecond (/proc/PID/task/*/schedstat). Each
    request is charged what the process used from its sending to the next request sent to the same process
    (so the work done after the response — teardown, the pool — counts too). Counted thread by thread: a
    thread of the pool that ends takes its total with it, and must not make the process's total go back."""

    def __init__(self, pid: int) -> None:
        self.tasks = Path(f"/proc/{pid}/task")
        self.seen: dict[str, int] = {}
        self.since_last()

    def since_last(self) -> float:
        """Seconds of processor used since the last call."""
        used = 0
        for task in self.tasks.iterdir():
            try:
                now = int((task / "schedstat").read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError):  # a thread that has just ended
                continue
            used += now - self.seen.get(task.name, 0)
            self.seen[task.name] = now
        return used / 1e9


def same_page(name: str, real: dict[str, Any], bare: dict[str, Any]) -> None:
    """The bare route is a fair reference only if it answers what the real one does: the same claims in the
    same order, the same count and amounts."""

    def summary(page: dict[str, Any]) -> tuple[Any, ...]:
        totals = page["totals"]
        amounts = [f"{float(item['charged']):.2f}" for item in page["items"]]
        return [item["id"] for item in page["items"]], amounts, totals["count"], f"{float(totals['charged']):.2f}"

    if summary(real) != summary(bare):
        raise SystemExit(f"« {name} » : la route nue ne renvoie pas la même page que la route réelle")


@dataclass(eq=False)
class Side:
    """One server: where it listens, its processor time, and what each filter measured on it."""

    client: httpx.Client
    cpu: ServerCpu
    latency: dict[str, list[float]]
    processor: dict[str, list[float]]
    pending: str | None = None  # the filter of the last request, charged its processor time at the next one

    def request(
        self, path: str, params: dict[str, Any], headers: dict[str, str], name: str, counted: bool
    ) -> httpx.Response:
        used = self.cpu.since_last()
        if self.pending is not None:
            self.processor[self.pending].append(used)
        started = time.perf_counter()
        response = self.client.get(path, params=params, headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{path} {params} : {response.status_code} {response.text[:300]}")
        self.pending = name if counted else None
        if counted:
            self.latency[name].append(elapsed * 1000)
        return response

    def close(self) -> None:
        used = self.cpu.since_last()
        if self.pending is not None:
            self.processor[self.pending].append(used)
        self.client.close()


def measure_backend(label: str, engine: Engine, url: str, members: int, rounds: int, sample: int) -> list[str]:
    from bench.live import start_server, stop_server
    from server.clock import SystemClock, paris_today

    today = paris_today(SystemClock())
    chosen = sample_members(engine, sample)
    tokens = session_tokens(engine, [a for _m, a, _b in chosen])
    names = [name for name, _ in MIX]
    before = load()
    real_server = start_server(url, keep_log=False, ESPACE_MEMBER_PASSWORD_MAX_AGE="P36500D")
    bare_server = start_server(
        url,
        keep_log=False,
        command=[sys.executable, "-m", "uvicorn", "--factory", "bench.bare_claims:app_factory", "--host", "127.0.0.1",
                 "--port", "0"],
    )  # fmt: skip
    try:
        real, bare = (
            Side(httpx.Client(base_url=server.base, timeout=30), ServerCpu(server.process.pid),
                 {n: [] for n in names}, {n: [] for n in names})
            for server in (real_server, bare_server)
        )  # fmt: skip
        turn = 0
        for round_number in range(rounds + 1):  # the first round warms caches up and is not counted
            for member_id, account_id, beneficiary_id in chosen:
                headers = {"Authorization": f"Bearer {tokens[account_id]}"}
                for name, params in MIX:
                    real_query, bare_query = _queries(params, today, member_id, beneficiary_id)
                    calls = [(real, "/api/v1/me/claims", real_query, headers), (bare, "/bare/claims", bare_query, {})]
                    turn += 1
                    answers = {
                        side: side.request(path, params_sent, headers_sent, name, counted=bool(round_number))
                        for side, path, params_sent, headers_sent in (calls if turn % 2 else reversed(calls))
                    }
                    if not round_number:  # the warm-up round also checks that both answer the same page
                        same_page(name, answers[real].json(), answers[bare].json())
        real.close()
        bare.close()
    finally:
        stop_server(real_server)
        stop_server(bare_server)
    after = load()
    lines = [
        f"== {label} : {members} adhérents, première page (50) et totaux, HTTP en boucle locale, route réelle et "
        f"route nue entrelacées ; avant : {before} ; après : {after} ==",
        f"{'filtre':38} {'réelle p50 / p95':>17} {'nue p50 / p95':>15} {'rapport p95':>12}"
        f" {'CPU réelle':>11} {'CPU nue':>8} {'rapport CPU':>12}",
    ]
    worst_p95 = worst_cpu = 0.0
    for name in names:
        fr, fb = Figures.of(real.latency[name]), Figures.of(bare.latency[name])
        cr, cb = statistics.mean(real.processor[name]) * 1000, statistics.mean(bare.processor[name]) * 1000
        worst_p95, worst_cpu = max(worst_p95, fr.p95 / fb.p95), max(worst_cpu, cr / cb)
        lines.append(
            f"{name:38} {fr!s:>17} {fb!s:>15} {fr.p95 / fb.p95:11.2f}× {cr:8.2f} ms {cb:5.2f} ms {cr / cb:11.2f}×"
        )
    every_real = [v for name in names for v in real.latency[name]]
    every_bare = [v for name in names for v in bare.latency[name]]
    cpu_real = statistics.mean(v for name in names for v in real.processor[name]) * 1000
    cpu_bare = statistics.mean(v for name in names for v in bare.processor[name]) * 1000
    fr, fb = Figures.of(every_real), Figures.of(every_bare)
    lines.append(
        f"{'ensemble (' + str(len(every_real)) + ' requêtes de chaque)':38} {fr!s:>17} {fb!s:>15}"
        f" {fr.p95 / fb.p95:11.2f}× {cpu_real:8.2f} ms {cpu_bare:5.2f} ms {cpu_real / cpu_bare:11.2f}×"
    )
    lines.append(
        f"pire filtre : p95 {worst_p95:.2f}× la route nue (objectif ≤ 1,3×), CPU {worst_cpu:.2f}× (objectif ≤ 1,5×)"
    )
    return lines


async def measure_client(engine: Engine, url: str, presses: int, *, separate: bool = False) -> list[str]:
    """Key press that changes a filter -> the new list on screen, with Pilot, against the real app: in the
    client's process (ASGI transport) or, ``separate``, a local server process over loopback HTTP, as the
    client is used (then the server's work and its thread hops no longer share the client's event loop
    and GIL: measured, one request alone takes ~6 ms, but 27-40 ms in process while Textual paints)."""
    from textual.widgets import OptionList

    from bench.live import start_server, stop_server
    from server.app import create_app
    from server.settings import Settings
    from tui.api.client import ApiClient
    from tui.api.token_store import MemoryTokenStore
    from tui.app import EspaceApp
    from tui.flows.claims import CURRENT, CUSTOM_DATES
    from tui.screens.claims import ClaimsScreen
    from tui.screens.forms import PickScreen

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
    picked = {"s", "p", "o", "v"}  # keys that ask which value before the list changes
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
                key = keys[n % len(keys)]
                if key in picked:
                    # a filter key asks which value (issue 18): the wait measured starts at the Entrée that
                    # chooses the value after the current one, as a user moves one line down and confirms
                    await pilot.press(key)
                    while not isinstance(client_app.screen, PickScreen):
                        await pilot.pause()
                    words = client_app.screen.options
                    current = next(i for i, said in enumerate(words) if said.endswith(CURRENT))
                    # the next value, but never « Choisir les dates… », which asks a form instead
                    following = [(current + k) % len(words) for k in range(1, len(words))]
                    chosen = next(i for i in following if words[i] != CUSTOM_DATES)
                    client_app.screen.query_one(OptionList).highlighted = chosen
                    key = "enter"
                count = len(shown)
                started = time.perf_counter()
                await pilot.press(key)
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
        f"{figures}   ({len(samples)} appuis : s, p, o, v puis Entrée sur la valeur suivante, x ; {load()})",
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
    parser.add_argument("--rounds", type=int, default=6, help="tours de mesure (chaque adhérent, chaque filtre)")
    parser.add_argument("--sample", type=int, default=40, help="adhérents par tour")
    parser.add_argument("--presses", type=int, default=30, help="appuis de touche mesurés dans le client")
    parser.add_argument(
        "--quick", action="store_true", help="vérifie que le banc marche : 40 adhérents dans des bases jetables"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.members, args.rounds, args.sample, args.presses = 40, 1, 4, 3

    with contextlib.ExitStack() as stack:
        targets: list[tuple[str, str]] = []
        if not args.no_sqlite:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory())) if args.quick else args.dir
            targets.append(("SQLite", sqlite_url(args.members, directory)))
        if not args.no_postgres:
            if args.quick:
                from bench.live import throwaway_postgres

                targets.append(("PostgreSQL", stack.enter_context(throwaway_postgres(args.postgres, "espace_bench"))))
            elif pg := postgres_url(args.members, args.postgres, args.pg_database):
                targets.append(("PostgreSQL", pg))
        client_done = False
        for label, url in targets:
            engine = prepare(url, args.members, generate_missing=not args.no_generate, analyze=not args.no_analyze)
            try:
                for line in measure_backend(label, engine, url, args.members, args.rounds, args.sample):
                    print(line, flush=True)
                if not args.no_client and not client_done:
                    for separate in (False, True):
                        for line in asyncio.run(measure_client(engine, url, args.presses, separate=separate)):
                            print(line, flush=True)
                    client_done = True
            finally:
                engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
