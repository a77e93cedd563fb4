"""`python -m bench` (make bench): the benchmarks of the project, each printing its figures — Mes
remboursements (real route against a bare one, over HTTP, then in the client), the client's start and the
directory import (a million RPPS lines on SQLite). Options go to `bench.claims_bench`; `--quick` runs each in its
short mode (the test suite does: they work; the directory's has its own test)."""

from __future__ import annotations

import subprocess
import sys

from bench import claims_bench, directory_bench


def main(argv: list[str]) -> int:
    code = claims_bench.main(argv)
    # The start bench forks its runs: a child's peak memory (ru_maxrss) starts at its parent's size at the fork
    # and survives exec, so it runs from a fresh small process, not from this one grown by the claims bench.
    start = [sys.executable, "-m", "bench.startup_bench", *(["--quick"] if "--quick" in argv else [])]
    code = code or subprocess.call(start)
    return code or (0 if "--quick" in argv else directory_bench.main([]))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
