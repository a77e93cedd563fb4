"""`python -m bench` (make bench): the benchmarks of the project, each printing its figures — Mes
remboursements (real route against a bare one, over HTTP, then in the client) and the client's start.
Options go to `bench.claims_bench`; `--quick` runs both in their short mode (the test suite does: they work)."""

from __future__ import annotations

import sys

from bench import claims_bench, startup_bench


def main(argv: list[str]) -> int:
    code = claims_bench.main(argv)
    return code or startup_bench.main(["--quick"] if "--quick" in argv else [])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
