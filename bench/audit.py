"""`make audit`: known vulnerabilities in the pinned dependencies (constraints.txt), with pip-audit.

pip-audit runs from its own throwaway virtualenv (.stack/audit-venv, gitignored), because its
dependencies conflict with Rasa's pins: it never goes into .venv. It audits the exact pins in
constraints.txt without installing or resolving anything (--no-deps --disable-pip), against
PyPI's advisory data.

Findings listed in bench/audit-accepted.txt (one ID per line, then the reason; a PYSEC, GHSA or
CVE ID, matched against every alias) are reported but do not fail the run; any other finding fails
it (exit 1), and so does an accepted ID without a reason. An audit that could not check some
pins (the advisory service unreachable) fails too (exit 2): an audit of nothing never passes.
An accepted ID that no longer appears is reported as stale, so the list stays short.
docs/security-audit.md explains every accepted finding.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOL = "pip-audit==2.10.1"
VENV_DIR = ROOT / ".stack" / "audit-venv"
ACCEPTED_FILE = ROOT / "bench" / "audit-accepted.txt"
CONSTRAINTS = ROOT / "constraints.txt"


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    id: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]

    @property
    def ids(self) -> set[str]:
        return {self.id, *self.aliases}

    def line(self) -> str:
        fixed = ", ".join(self.fixed_in) or "no fix released"
        aliases = f" ({', '.join(self.aliases)})" if self.aliases else ""
        return f"{self.package}=={self.version}  {self.id}{aliases}  fixed in: {fixed}"


def ensure_tool(directory: Path = VENV_DIR) -> Path:
    """pip-audit in its own venv, installed once (kept between runs, removed by `make clean`)."""
    executable = directory / "bin" / "pip-audit"
    marker = directory / ".installed"
    if executable.exists() and marker.exists() and marker.read_text().strip() == TOOL:
        return executable
    venv.EnvBuilder(with_pip=True, clear=True).create(directory)
    pip = [str(directory / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, TOOL], check=True)
    marker.write_text(TOOL)
    return executable


def load_accepted(path: Path = ACCEPTED_FILE) -> dict[str, str]:
    """ID -> reason; a line without a reason is an error (an acceptance must be explained)."""
    accepted: dict[str, str] = {}
    if not path.exists():
        return accepted
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        vuln_id, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"{path}:{number}: {vuln_id} has no reason. Say why it is accepted.")
        accepted[vuln_id] = reason.strip()
    return accepted


def run_audit(tool: Path, requirements: Path = CONSTRAINTS, service: str = "pypi") -> tuple[list[Finding], list[str]]:
    """(findings, skipped packages) for the pins in `requirements`."""
    args = [str(tool), "-r", str(requirements), "--no-deps", "--disable-pip", "-f", "json", "-s", service]
    args += ["--progress-spinner", "off", "--cache-dir", str(VENV_DIR.parent / "audit-cache")]
    done = subprocess.run(args, capture_output=True, text=True)
    if not done.stdout.strip().startswith("{"):
        print(f"pip-audit did not produce a report (exit {done.returncode}):\n{done.stderr[-2000:]}", file=sys.stderr)
        raise SystemExit(2)
    report = json.loads(done.stdout)
    findings, skipped = [], []
    for dependency in report.get("dependencies", []):
        if dependency.get("skip_reason"):
            skipped.append(f"{dependency.get('name')}: {dependency['skip_reason']}")
        for vuln in dependency.get("vulns", []):
            findings.append(
                Finding(
                    dependency["name"],
                    dependency.get("version", "?"),
                    vuln["id"],
                    tuple(vuln.get("aliases") or ()),
                    tuple(vuln.get("fix_versions") or ()),
                )
            )
    return findings, skipped


def judge(findings: list[Finding], accepted: dict[str, str]) -> tuple[list[Finding], list[Finding], list[str]]:
    """(accepted findings, new findings, stale accepted IDs)."""
    ok = [f for f in findings if f.ids & accepted.keys()]
    new = [f for f in findings if not f.ids & accepted.keys()]
    seen = set().union(*(f.ids for f in findings)) if findings else set()
    return ok, new, sorted(set(accepted) - seen)


def report(ok: list[Finding], new: list[Finding], stale: list[str], skipped: list[str], accepted: dict) -> None:
    print(f"Audited {CONSTRAINTS.name} with {TOOL}.")
    for title, items in (("Accepted (see docs/security-audit.md)", ok), ("NOT accepted", new)):
        print(f"\n{title}: {len(items)}")
        for finding in sorted(items, key=lambda f: (f.package, f.id)):
            reason = next((accepted[i] for i in finding.ids if i in accepted), "")
            print(f"  {finding.line()}" + (f"\n      accepted: {reason}" if reason else ""))
    if stale:
        print(f"\nStale entries in {ACCEPTED_FILE.name} (no longer reported; remove them): {', '.join(stale)}")
    if skipped:
        print(f"\nNot audited ({len(skipped)}): " + "; ".join(skipped[:10]) + ("; ..." if len(skipped) > 10 else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requirements", type=Path, default=CONSTRAINTS)
    parser.add_argument("--service", choices=["pypi", "osv"], default="pypi", help="pip-audit's advisory source")
    args = parser.parse_args(argv)
    accepted = load_accepted()
    findings, skipped = run_audit(ensure_tool(), args.requirements, args.service)
    ok, new, stale = judge(findings, accepted)
    report(ok, new, [] if skipped else stale, skipped, accepted)
    if new:
        print(f"\nAudit FAILED: {len(new)} finding(s) not in {ACCEPTED_FILE.relative_to(ROOT)}.")
        return 1
    if skipped:
        print(
            f"\nAudit INCOMPLETE: {len(skipped)} pinned package(s) could not be checked, most likely because "
            f"the advisory service ({args.service}) cannot be reached from here. Run it where it can "
            "(or try --service osv)."
        )
        return 2
    print("\nAudit passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
