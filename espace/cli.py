"""The `espace` command: one entry point, each subcommand importing only what it needs.

This package is the composition root: it is the only place allowed to reach both the server and the
client, and it does so lazily, so that `espace tui` never imports the server, SQLModel or FastAPI
(the client must start fast) and `espace simulate` imports only the pure engine.
"""

from __future__ import annotations

import argparse
import sys


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="espace",
        description="Espace Adhérent : l'espace en ligne de votre mutuelle santé, dans le terminal.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    demo = sub.add_parser("demo", help="lance la démonstration complète (serveur, courrier local, client)")
    demo.add_argument("--linear", action="store_true", help="client en mode linéaire (lecteur d'écran)")
    demo.add_argument("--port", type=int, default=None, help="port du serveur (par défaut 8765)")
    demo.add_argument("--data-dir", default=None, help="dossier des données de démo (par défaut .demo)")

    serve = sub.add_parser("serve", help="lance le serveur HTTP")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="nombre de processus serveur (plusieurs : PostgreSQL obligatoire, derrière un mandataire inverse)",
    )

    tui = sub.add_parser("tui", help="lance le client")
    tui.add_argument("--linear", action="store_true", help="mode linéaire, pour les lecteurs d'écran")
    tui.add_argument("--server", default=None, help="adresse du serveur (par défaut http://127.0.0.1:8765)")

    db = sub.add_parser("db", help="base de données : migrations et données")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="applique les migrations")
    seed = db_sub.add_parser("seed", help="charge le monde de démo, ou génère une grande base")
    seed.add_argument("--members", type=int, default=None, help="nombre d'adhérents à générer")
    seed.add_argument("--seed", type=int, default=1, help="graine du générateur (déterministe)")
    backup = db_sub.add_parser("backup", help="sauvegarde la base (SQLite : copie en ligne ; PostgreSQL : pg_dump)")
    backup.add_argument("path", help="fichier de sauvegarde à écrire")
    restore = db_sub.add_parser("restore", help="restaure une sauvegarde (remplace les données actuelles)")
    restore.add_argument("path", help="fichier de sauvegarde à lire")

    simulate = sub.add_parser("simulate", help="simule un remboursement (JSON en entrée et en sortie)")
    simulate.add_argument("file", help="fichier JSON, ou - pour l'entrée standard")

    directory = sub.add_parser("directory", help="annuaire des professionnels de santé et des établissements")
    directory_sub = directory.add_subparsers(dest="directory_command", required=True, metavar="ACTION")
    directory_import = directory_sub.add_parser(
        "import",
        help="importe un fichier officiel (RPPS PS_LibreAcces_Personne_activite, FINESS etalab-cs1100507-stock) "
        "ou la liste des secteurs de convention ; remplace les données de ce type",
    )
    directory_import.add_argument("file", help="le fichier, tel que publié (le format est reconnu)")

    jobs = sub.add_parser("jobs", help="tâches de fond")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True, metavar="ACTION")
    run = jobs_sub.add_parser("run", help="exécute les tâches de fond (envoi des courriels…)")
    run.add_argument("--once", action="store_true", help="une seule passe, puis s'arrête")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    if args.command == "simulate":
        from espace.simulate import run

        return run(args)
    if args.command == "tui":
        from tui.main import run

        return run(args)
    if args.command == "demo":
        from espace.demo import run

        return run(args)
    if args.command == "serve":
        from server.commands import serve

        return serve(args)
    if args.command == "db":
        from server.commands import db

        return db(args)
    if args.command == "directory":
        from server.commands import directory

        return directory(args)
    if args.command == "jobs":
        from server.commands import jobs

        return jobs(args)
    raise AssertionError(f"unhandled command {args.command}")  # argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
