#!/usr/bin/env python3
"""`riskscale report` on 10^6 accounts: the issue's target is a report under 2 MB in under 2 s.

Two snapshots of ``--rows`` accounts (SPEC §2 columns, uniform inputs, fixed seed; the previous
one has 5 % of the users and active days changed, 1 % of the accounts gone and 1 % new) are written
once into a temporary folder (never into the repository). Then, one after another, best of
``--repeat`` wall-clock times, each next to its peer in the same run:

* ``riskscale summary NEW`` (reads and classifies the same file, prints text): the floor the
  report builds on, and ``riskscale report NEW -o report.html``;
* ``riskscale drift OLD NEW -o drift.csv`` (reads, classifies and compares both snapshots), and
  ``riskscale report NEW --previous OLD -o report.html``.

It prints the CPU model, the times, and the size of each report.

    /usr/bin/python3 bench/compare_report_cli.py [--rows 1000000] [--cli build/bin/riskscale] [--threads 2]
"""
import argparse
import platform
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ["sensitive_data", "org_disruption", "physical_safety", "legal_exposure", "active_days", "users"]


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def write(path, ids, values):
    with open(path, "w") as out:
        out.write("account_id," + ",".join(COLUMNS) + "\n")
        for start in range(0, len(ids), 200_000):
            block = slice(start, start + 200_000)
            lines = [f"{i},{a:.2f},{b:.2f},{c:.2f},{d:.2f},{e:.1f},{int(f)}"
                     for i, a, b, c, d, e, f in zip(ids[block], *(v[block] for v in values))]
            out.write("\n".join(lines) + "\n")


def generate(folder, rows, seed=20):
    rng = np.random.default_rng(seed)
    ids = np.array([f"ACC-{n:07d}" for n in range(rows + rows // 100)])
    values = [rng.random(len(ids)) for _ in range(4)] + [rng.random(len(ids)) * 31,
                                                         np.floor(np.exp(rng.random(len(ids)) * 9))]
    new = folder / "new.csv"
    old = folder / "old.csv"
    write(new, ids[:rows], [v[:rows] for v in values])
    changed = rng.random(len(ids)) < 0.05
    old_values = [v.copy() for v in values]
    old_values[4][changed] = np.maximum(0, old_values[4][changed] - 6)
    old_values[5][changed] = np.floor(old_values[5][changed] / 2)
    keep = np.r_[np.arange(rows - rows // 100), np.arange(rows, len(ids))]  # last 1 % new, 1 % gone
    write(old, ids[keep], [v[keep] for v in old_values])
    return old, new


def best(command, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(map(str, command))} failed: {done.stderr.decode()}")
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cli", default=str(ROOT / "build" / "bin" / "riskscale"))
    parser.add_argument("--threads", type=int, default=0, help="worker threads (default: all cores)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    threads = ["--threads", str(args.threads)] if args.threads else []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        old, new = generate(folder, args.rows)
        report = folder / "report.html"
        print(f"CPU: {cpu_model()}; {args.rows:,} accounts ({new.stat().st_size / 1e6:.0f} MB CSV)")
        rows = [
            ("riskscale summary NEW (peer)", [args.cli, "summary", new, *threads], None),
            ("riskscale report NEW", [args.cli, "report", new, "-o", report, "--start", "2027-01-04", *threads],
             report),
            ("riskscale drift OLD NEW (peer)", [args.cli, "drift", old, new, "-o", folder / "drift.csv", *threads],
             None),
            ("riskscale report NEW --previous OLD",
             [args.cli, "report", new, "--previous", old, "-o", report, "--start", "2027-01-04", *threads], report),
        ]
        for label, command, output in rows:
            seconds = best(command, args.repeat)
            size = f", {output.stat().st_size / 1e6:.3f} MB" if output else ""
            print(f"{label:40s} {seconds:6.2f} s{size}")


if __name__ == "__main__":
    main()
