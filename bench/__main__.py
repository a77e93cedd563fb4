"""`python -m bench` (make bench): the benchmarks of the project, each printing its figures — Mes
remboursements (real route against a bare one, over HTTP, then in the client), the client's start and the
directory import (a million RPPS lines on SQLite). Options go to `bench.claims_bench`; `--quick` runs each in its
short mode (the test suite does: they work; the directory's has its own test)."""

from __future__ import annotations

import sys

from bench import claims_bench, directory_bench, startup_bench


def main(argv: list[str]) -> int:
    code = claims_bench.main(argv)
    code = code or startup_bench.main(["--quick"] if "--quick" in argv else [])
    return code or (0 if "--quick" in argv else directory_bench.main([]))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
