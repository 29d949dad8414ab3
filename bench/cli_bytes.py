#!/usr/bin/env python3
"""Runs a fixed set of CLI commands and prints the SHA-256 of every output, stdout and exit status.

A refactoring that must not change an output byte is checked by running this with the binary
before and after and comparing the two manifests:

    /usr/bin/python3 bench/cli_bytes.py OLD_BINARY > before.txt
    /usr/bin/python3 bench/cli_bytes.py build/bin/riskscale > after.txt
    diff before.txt after.txt

The inputs are the bundled sample (examples/), the conformance files (../shared/conformance) and,
with --rows N (default 10^6), a generated portfolio of N accounts (examples/data/generate_accounts.py,
seed 7). Temporary paths, timings and iCalendar stamps are normalised; the rejects files are in.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "conformance"
EXAMPLES = ROOT / "examples"
BINARY = ""  # the binary under test, named RISKSCALE in the manifest

METRIC_TABLES = {
    "adoption.csv": "account_id,seats,trained,active,archetype\n"
                    "A1,100,80,60,high_scale_high_risk\nA2,50,50,20,high_scale_high_risk\n"
                    "A3,10,12,5,high_scale_low_risk\nA4,0,0,0,high_scale_low_risk\nA5,40,10,10,\n",
    "seats.csv": "account_id,seats\nA1,4\nA2,2\n",
    "users.csv": "account_id,trained,active\nA1,true,yes\nA1,true,no\nA1,0,1\nA2,false,0\n",
    "cohorts.csv": "cohort,invited,logged_in,finished_course,certified,archetype\n"
                   "2024-01,100,80,40,30,high_scale_high_risk\n2024-02,50,40,20,20,high_scale_high_risk\n"
                   "2024-03,10,12,5,5,low_scale_low_risk\n",
    "enrolments.csv": "course,completed,assessment_passed,days_to_completion\n"
                      "A,1,1,4\nA,1,0,6\nB,0,0,\nB,1,1,10\n",
    "impact.csv": "account_id,onboarding_completed,renewed,retained,expanded\n"
                  + "".join(f"X{i},{i % 2},{int(i % 3 != 0)},{int(i % 4 != 0)},{int(i % 5 == 0)}\n"
                            for i in range(60)),
    "channels.csv": "channel,period,interactions,posts,followers\n"
                    "forum,2024-01,50,10,200\nforum,2024-02,70,12,210\nwebinar,2024-01,30,3,90\n",
}


def commands(data: Path, big: Path | None) -> list[tuple[str, list[str], list[str]]]:
    """(name, arguments, output files) of every checked run; OUT in an argument is the output folder."""
    accounts = str(EXAMPLES / "data" / "accounts.csv")
    crm = str(EXAMPLES / "data" / "crm_accounts.csv")
    errors = str(EXAMPLES / "data" / "accounts_with_errors.csv")
    policy_crm = str(EXAMPLES / "policies" / "crm.json")
    policy_usage = str(EXAMPLES / "policies" / "crm_usage.json")
    events = str(EXAMPLES / "data" / "events.csv")
    custom = str(SHARED / "policy_custom.json")
    d = str(data)
    runs = [
        ("classify", ["classify", accounts, "-o", "OUT/classified.csv", "--keep", "industry,region"],
         ["classified.csv"]),
        ("classify-all", ["classify", accounts, "-o", "OUT/all.csv", "--keep-all", "--threads", "2"], ["all.csv"]),
        ("classify-errors", ["classify", errors, "-o", "OUT/errors.csv"], ["errors.csv", "errors.rejects.csv"]),
        ("classify-custom", ["classify", str(SHARED / "accounts_custom.csv"), "--policy", custom, "-o",
                             "OUT/custom.csv"], ["custom.csv"]),
        ("classify-invalid", ["classify", str(SHARED / "invalid.csv"), "-o", "OUT/invalid.csv"],
         ["invalid.csv", "invalid.rejects.csv"]),
        ("classify-stdout", ["classify", accounts, "-o", "-"], []),
        ("classify-crm", ["classify", crm, "--policy", policy_crm, "-o", "OUT/crm.csv", "--keep", "Name,Industry",
                          "--keep-inputs"], ["crm.csv", "crm.rejects.csv"]),
        ("classify-mapping", ["classify", str(SHARED / "mapping" / "crm_export.csv"), "--policy",
                              str(SHARED / "mapping" / "policy_inputs.json"), "-o", "OUT/mapping.csv",
                              "--keep-inputs"], ["mapping.csv", "mapping.rejects.csv"]),
        ("usage", ["usage", events, "-o", "OUT/usage.csv", "--as-of", "2026-11-27", "--accounts", accounts],
         ["usage.csv"]),
        ("classify-join", ["classify", crm, "--policy", policy_usage, "--join", "OUT/usage.csv", "-o",
                           "OUT/joined.csv", "--keep", "Name", "--keep-inputs"], ["joined.csv", "joined.rejects.csv"]),
        ("summary-raw", ["summary", accounts], []),
        ("summary-classified", ["summary", "OUT/classified.csv"], []),
        ("summary-json", ["summary", accounts, "--format", "json"], []),
        ("summary-crm", ["summary", crm, "--policy", policy_crm], []),
        ("explain", ["explain", accounts, "--id", "ACC-000001"], []),
        ("explain-crm", ["explain", crm, "--policy", policy_crm, "--id", "ACC-000002"], []),
        ("plan-csv", ["plan", accounts, "--all", "--start", "2026-12-01", "-o", "OUT/plans.csv"], ["plans.csv"]),
        ("plan-json", ["plan", accounts, "--id", "ACC-000002", "--start", "2026-12-01", "--format", "json"], []),
        ("plan-ics", ["plan", accounts, "--id", "ACC-000003", "--start", "2026-12-01", "--format", "ics"], []),
        ("drift", ["drift", str(SHARED / "drift" / "old.csv"), str(SHARED / "drift" / "new.csv"), "-o",
                   "OUT/drift.csv"], ["drift.csv"]),
        ("policy-default", ["policy", "default"], []),
        ("policy-show", ["policy", "show", custom], []),
        ("metrics-adoption", ["metrics", "adoption", f"{d}/adoption.csv", "--format", "csv"], []),
        ("metrics-adoption-users", ["metrics", "adoption", f"{d}/seats.csv", "--users", f"{d}/users.csv",
                                    "--format", "csv"], []),
        ("metrics-funnel", ["metrics", "funnel", f"{d}/cohorts.csv", "--stages",
                            "invited,logged_in,finished_course,certified", "--format", "csv"], []),
        ("metrics-program", ["metrics", "program", f"{d}/enrolments.csv", "--format", "csv"], []),
        ("metrics-impact", ["metrics", "impact", f"{d}/impact.csv", "--format", "csv"], []),
        ("metrics-impact-text", ["metrics", "impact", f"{d}/impact.csv"], []),
        ("metrics-interaction", ["metrics", "interaction", f"{d}/channels.csv", "--format", "csv"], []),
        ("metrics-cost", ["metrics", "cost", "OUT/all.csv", "--format", "csv"], []),
        ("help", ["--help"], []),
    ]
    runs += [(f"help-{command}", [command, "--help"], []) for command in
             ("classify", "summary", "explain", "plan", "metrics", "usage", "drift", "calibrate", "validate", "policy")]
    if big is not None:
        runs += [
            ("big-classify", ["classify", str(big), "-o", "OUT/big.csv", "--threads", "2"], ["big.csv"]),
            ("big-summary", ["summary", str(big)], []),
            ("big-plan", ["plan", str(big), "--all", "--start", "2026-12-01", "-o", "OUT/big_plans.csv"],
             ["big_plans.csv"]),
        ]
    return runs


def normalised(text: bytes, work: Path) -> bytes:
    """`text` without what differs from run to run: the temporary folder, timings, iCalendar stamps."""
    text = text.replace(str(work).encode(), b"WORK").replace(BINARY.encode(), b"RISKSCALE")
    text = re.sub(rb"\d+\.\d+ s\b", b"T s", text)
    return re.sub(rb"DTSTAMP:\d{8}T\d{6}Z", b"DTSTAMP:T", text)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--rows", type=int, default=1_000_000, help="generated accounts (0: none)")
    parser.add_argument("--work", default=None, help="folder for outputs (default: a temporary one)")
    options = parser.parse_args()
    global BINARY
    binary = BINARY = str(Path(options.binary).resolve())
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(options.work or temporary)
        out = work / "out"
        out.mkdir(parents=True, exist_ok=True)
        for name, text in METRIC_TABLES.items():
            (work / name).write_text(text)
        big = None
        if options.rows > 0:
            big = work / "big.csv"
            subprocess.run([sys.executable, str(EXAMPLES / "data" / "generate_accounts.py"), "--rows",
                            str(options.rows), "--seed", "7", "--invalid-rows", "25", "--output", str(big)],
                           check=True)
        for name, arguments, files in commands(work, big):
            arguments = [a.replace("OUT/", f"{out}/") for a in arguments]
            done = subprocess.run([binary, *arguments], capture_output=True, cwd=work,
                                  env={**os.environ, "NO_COLOR": "1"})
            stdout, stderr = (normalised(text, work) for text in (done.stdout, done.stderr))
            line = f"{name}: exit {done.returncode} stdout {digest(stdout)} stderr {digest(stderr)}"
            for file in files:
                path = out / file
                line += f" {file} {digest(path.read_bytes()) if path.exists() else 'absent'}"
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
