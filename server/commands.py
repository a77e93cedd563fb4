"""``espace serve``, ``espace db …`` and ``espace jobs run``: what the CLI calls (see espace/cli.py)."""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys

from pydantic import ValidationError

from server.settings import Settings

# pydantic's parsing errors, in French (the range and choice checks already speak French: settings.py)
_FRENCH_TYPE_ERRORS = {
    "int_parsing": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "bool_parsing": "valeur booléenne attendue (1/0, true/false)",
    "time_delta_parsing": "durée attendue au format ISO 8601 (PT15M pour 15 minutes, P1D pour un jour)",
    "list_type": 'liste attendue, en JSON (par exemple ["10.0.0.1"])',
    "json_invalid": "JSON invalide",
    "missing": "réglage obligatoire",
}


def _settings(*, report: bool = True, **overrides: object) -> Settings | None:
    """The settings from the environment, or None after printing why they are refused (in French)."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        if not report:
            return None
        for error in exc.errors():
            message = _FRENCH_TYPE_ERRORS.get(str(error.get("type")), str(error.get("msg", "")))
            message = message.removeprefix("Value error, ")
            field = ".".join(str(p) for p in error.get("loc", ()))
            print(f"Configuration refusée{' (' + field + ')' if field else ''} : {message}", file=sys.stderr)
        return None


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def serve(args: argparse.Namespace) -> int:
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = _settings(**overrides)
    if settings is None:
        return 2
    if not _port_is_free(settings.host, settings.port):
        print(
            f"Le port {settings.port} est déjà utilisé sur {settings.host} : "
            "un autre serveur tourne peut-être déjà. Arrêtez-le, "
            "ou choisissez un autre port avec --port (ou ESPACE_PORT).",
            file=sys.stderr,
        )
        return 1
    import os

    import uvicorn

    # The worker processes rebuild the settings from the environment: pass the overrides along.
    os.environ["ESPACE_HOST"], os.environ["ESPACE_PORT"] = settings.host, str(settings.port)
    print(
        f"Espace Adhérent : serveur sur http://{settings.host}:{settings.port} (Ctrl+C pour arrêter)",
        file=sys.stderr,
    )
    uvicorn.run(
        "server.app:app_factory",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=max(1, args.workers),
        log_level=settings.log_level.lower(),
        access_log=False,  # the app writes its own structured access log
        # issue 11: on SIGTERM, stop accepting and let the requests in flight finish (at most this long)
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )
    return 0


def _engine(settings: Settings):
    from server.db import create_db_engine

    return create_db_engine(settings.database_url)


def db(args: argparse.Namespace) -> int:
    # Migrations and seeding do not need the secret: accept the demo default here.
    settings = _settings(report=False) or _settings(demo_mode=True)
    if settings is None:
        return 2
    from server.migrate import upgrade

    if args.db_command == "upgrade":
        upgrade(settings.database_url)
        print(f"Base de données à jour ({_describe(settings.database_url)}).", file=sys.stderr)
        return 0
    if args.db_command == "seed":
        from server.clock import SystemClock, paris_today
        from server.db import session_scope_for

        engine = _engine(settings)
        upgrade(settings.database_url)
        if args.members is None:
            from fixtures.demo import seed_demo

            with session_scope_for(engine)() as session:
                seed_demo(session, paris_today(SystemClock()))
                session.commit()
        else:
            from fixtures.generator import generate

            generate(engine, members=args.members, seed=args.seed)
        print("Données chargées.", file=sys.stderr)
        return 0
    if args.db_command in ("backup", "restore"):
        from pathlib import Path

        from server.backup import BackupError, backup, restore

        try:
            (backup if args.db_command == "backup" else restore)(settings.database_url, Path(args.path))
        except BackupError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        done = "Sauvegarde écrite dans" if args.db_command == "backup" else "Base restaurée depuis"
        print(f"{done} {args.path} ({_describe(settings.database_url)}).", file=sys.stderr)
        return 0
    raise AssertionError(f"unhandled db command {args.db_command}")


def directory(args: argparse.Namespace) -> int:
    """``espace directory import FILE``: the file replaces the directory's rows of its kind, or nothing changes."""
    settings = _settings(report=False) or _settings(demo_mode=True)
    if settings is None:
        return 2
    from pathlib import Path

    from server.migrate import upgrade
    from server.services.directory_import import DirectoryImportError, import_file

    upgrade(settings.database_url)
    try:
        report = import_file(_engine(settings), Path(args.file), progress=sys.stderr.isatty())
    except DirectoryImportError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    print(report.summary(), file=sys.stderr)
    return 0


def jobs(args: argparse.Namespace) -> int:
    settings = _settings(report=False) or _settings(demo_mode=True)
    if settings is None:
        return 2
    from server.clock import SystemClock
    from server.db import session_scope_for
    from server.jobs import run_loop, run_pass
    from server.logs import configure_logging

    configure_logging(settings.log_level)
    scope = session_scope_for(_engine(settings))
    if args.once:
        report = run_pass(scope, SystemClock(), settings)
        print(
            f"Courriels envoyés : {report.sent}, en échec (réessai plus tard) : {report.failed}.",
            file=sys.stderr,
        )
        return 0
    with contextlib.suppress(KeyboardInterrupt):
        run_loop(scope, SystemClock(), settings)
    return 0


def _describe(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return f"{parsed.get_backend_name()} {parsed.database or ''}".strip()
