"""`python -m bench [NAME ...]`: run every benchmark module (or the named ones).

Benchmarks measure and print; they never fail a build on a time.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def modules() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        info.name for info in pkgutil.iter_modules([str(here)])
        if not info.name.startswith("_")
        and hasattr(importlib.import_module(f"bench.{info.name}"), "main")
    )


def run(names: list[str]) -> int:
    for name in names or modules():
        module = importlib.import_module(f"bench.{name}")
        print(f"\n=== bench.{name} ===", flush=True)
        started = time.perf_counter()
        module.main()
        print(f"(bench.{name}: {time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
