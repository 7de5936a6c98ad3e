"""`make lint`: pip-audit on the lock files, failing on any known vulnerability not justified in
.pip-audit-ignore.

pip-audit asks a vulnerability service about each pinned version. From a machine whose only
network is the package registry, OSV (api.osv.dev) does not resolve and PyPI's per-version
JSON (/pypi/NAME/VERSION/json, which `-s pypi` reads) is not served, so every dependency comes
back "not audited". That is said loudly, never counted as "0 vulnerabilities", and does not fail
the run; a run where the service answers for some pins but not others does fail, and so does
any vulnerability found.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK_FILES = ("requirements.txt", "requirements-dev.txt")
IGNORE_FILE = ROOT / ".pip-audit-ignore"


def ignored() -> list[str]:
    """Vulnerability ids from .pip-audit-ignore: `ID  # why it does not affect Sanctuary`."""
    ids = []
    for line in IGNORE_FILE.read_text().splitlines():
        vuln_id, _, reason = line.partition("#")
        if vuln_id.strip():
            if not reason.strip():
                sys.exit(f"{IGNORE_FILE.name}: {vuln_id.strip()} needs a reason after '#'")
            ids.append(vuln_id.strip())
    return ids


def audit(service: str) -> dict[str, object]:
    command = [sys.executable, "-m", "pip_audit", "--no-deps", "--disable-pip"]
    command += ["--progress-spinner", "off", "--format", "json", "--vulnerability-service", service]
    for lock_file in LOCK_FILES:
        command += ["--requirement", str(ROOT / lock_file)]
    for vuln_id in ignored():
        command += ["--ignore-vuln", vuln_id]
    run = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report: dict[str, object] = json.loads(run.stdout)
    except json.JSONDecodeError:
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        return {"dependencies": [], "error": last}
    return report


def main() -> int:
    for service in ("osv", "pypi"):
        report = audit(service)
        dependencies = report.get("dependencies") or []
        assert isinstance(dependencies, list)
        audited = [d for d in dependencies if "skip_reason" not in d]
        if audited:
            break
        reason = report.get("error") or (dependencies[0]["skip_reason"] if dependencies else "")
        print(f"pip-audit: the {service} service is not reachable from here ({reason})")
    else:
        print(
            "pip-audit: NOT AUDITED: no vulnerability service answered for any pinned version. "
            "Run `make lint` where api.osv.dev or pypi.org's per-version JSON is reachable."
        )
        return 0
    vulnerable = [d for d in audited if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for item in vulnerable:
        for vuln in item["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            print(f"{item['name']} {item['version']}: {vuln['id']} (fixed in {fixed})")
    for item in skipped:
        print(f"{item['name']}: not audited: {item['skip_reason']}")
    print(
        f"pip-audit ({service}): {len(audited)} pins audited, {len(vulnerable)} vulnerable, "
        f"{len(skipped)} not audited, {len(ignored())} justified in {IGNORE_FILE.name}"
    )
    return 1 if vulnerable or skipped else 0


if __name__ == "__main__":
    sys.exit(main())
