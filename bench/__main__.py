"""`python -m bench` (make bench): the benchmarks of the project, each printing its figures."""

from __future__ import annotations

import sys

from bench import claims_bench

if __name__ == "__main__":
    raise SystemExit(claims_bench.main(sys.argv[1:]))
