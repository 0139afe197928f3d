"""pip-audit over requirements.lock: fail on a known vulnerability, warn when offline.

pip-audit needs a vulnerability service (PyPI's JSON API or OSV) over the network. When
it cannot reach one, every dependency comes back "skipped" (or pip-audit stops with a
connection error): that is reported loudly but does not fail the build, since it says
nothing about our dependencies. A vulnerability found always fails the build.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    command = [str(ROOT / ".venv/bin/pip-audit"), "-r", str(ROOT / "requirements.lock"),
               "--no-deps", "--disable-pip", "--progress-spinner", "off", "-f", "json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"pip-audit: WARNING: could not reach a vulnerability service ({last}); "
              "dependencies NOT audited.", file=sys.stderr)
        return 0
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            print(f"pip-audit: {dependency['name']} {dependency['version']}: {vuln['id']} "
                  f"(fixed in {', '.join(vuln.get('fix_versions', [])) or 'no release'})")
    if vulnerable:
        return 1
    if dependencies and len(skipped) == len(dependencies):
        print(f"pip-audit: WARNING: all {len(skipped)} dependencies skipped "
              f"({skipped[0]['skip_reason']}); the vulnerability service is unreachable, "
              "dependencies NOT audited.", file=sys.stderr)
        return 0
    print(f"pip-audit: {len(dependencies) - len(skipped)} dependencies audited, no known "
          f"vulnerabilities ({len(skipped)} skipped).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
