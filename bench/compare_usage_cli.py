#!/usr/bin/env python3
"""`riskscale usage` (SPEC §10) next to the pandas pipeline, on the same event file, in one run.

The event file (default 10^7 events of 10^5 accounts and 10^6 users over 60 days, ISO 8601
times with offsets from -12:00 to +12:00) is generated once into a temporary folder (never
into the repository) with a fixed seed. Then, one after another:

* ``riskscale usage EVENTS -o OUT --threads 1`` and ``--threads 2`` (best of ``--repeat``),
* the pandas pipeline (``read_csv``, ``to_datetime(utc=True)``, the window, ``groupby``
  ``nunique``, ``mean``; SPEC §10 written straight from SPEC.md) in a child process,

each with its own peak RSS (``wait4``). The outputs are compared row by row (active_users,
events and last_event exactly, active_days within 1e-12). Use /usr/bin/python3 (it has pandas).

    /usr/bin/python3 bench/compare_usage_cli.py [--events 10000000] [--cli build/bin/riskscale]
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import machine  # bench/machine.py: the CPU, load, numpy SIMD and kernel copy of this run

ROOT = Path(__file__).resolve().parents[1]

PANDAS_PIPELINE = r"""
import sys
import pandas as pd
events = pd.read_csv(sys.argv[1])
events["date"] = pd.to_datetime(events["timestamp"], utc=True).dt.floor("D")
as_of = events["date"].max()
W = 30
inside = events[(events["date"] > as_of - pd.Timedelta(days=W)) & (events["date"] <= as_of)]
days = inside.groupby(["account_id", "user_id"])["date"].nunique()
per_account = inside.groupby("account_id")
out = pd.DataFrame({
    "active_users": days.groupby("account_id").size(),
    "active_days": days.groupby("account_id").mean() * 30 / W,
    "events": per_account.size(),
    "last_event": per_account["date"].max().dt.strftime("%Y-%m-%d"),
})
out.index.name = "account_id"
out.sort_index().to_csv(sys.argv[2])
"""


def generate(path, events, accounts, users, seed=10):
    """Events in random order; user u belongs to account u mod accounts; ISO times with offsets."""
    rng = np.random.default_rng(seed)
    base = 1780000000  # 2026-05-28T20:26:40Z
    with open(path, "w") as out:
        out.write("account_id,user_id,timestamp\n")
        for start in range(0, events, 1_000_000):
            n = min(1_000_000, events - start)
            user = rng.integers(0, users, n)
            account = user % accounts
            utc = base + rng.integers(0, 60 * 86400, n)
            offset = rng.integers(-12, 13, n)
            local = (utc + offset * 3600).astype("datetime64[s]").astype(str)
            out.write("".join(
                f"ACC-{a:06d},user-{u:07d},{t}{'+' if o >= 0 else '-'}{abs(o):02d}:00\n"
                for a, u, t, o in zip(account.tolist(), user.tolist(), local.tolist(), offset.tolist())))


def run(command):
    """Runs `command` under /usr/bin/time (a small parent, so the peak RSS is the command's own);
    returns (seconds, peak RSS in MB, CPU seconds, stderr)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", report.name, *command],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"{command[0]} failed: {done.stderr.decode()}")
        peak_kb, user, system = report.read().split()[-3:]
    return seconds, int(peak_kb) / 1024, float(user) + float(system), done.stderr.decode()


def compare(ours, theirs):
    import pandas as pd
    a = pd.read_csv(ours, dtype={"account_id": str, "last_event": str}, keep_default_na=False)
    b = pd.read_csv(theirs, dtype={"account_id": str, "last_event": str}, keep_default_na=False)
    assert list(a["account_id"]) == list(b["account_id"]), "different accounts"
    assert (a["active_users"].to_numpy() == b["active_users"].to_numpy()).all(), "active_users differ"
    assert (a["events"].to_numpy() == b["events"].to_numpy()).all(), "events differ"
    assert (a["last_event"].to_numpy() == b["last_event"].to_numpy()).all(), "last_event differs"
    difference = np.abs(a["active_days"].to_numpy() - b["active_days"].to_numpy()).max()
    assert difference <= 1e-12, f"active_days differ by {difference}"
    return len(a), difference


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--cli", default=str(ROOT / "build" / "bin" / "riskscale"))
    parser.add_argument("--repeat", type=int, default=3, help="runs of riskscale per thread count (best kept)")
    parser.add_argument("--folder", default=None, help="where the event file is made (default: a temporary folder)")
    args = parser.parse_args()
    machine.print_machine(cli=args.cli)

    folder = Path(args.folder or tempfile.mkdtemp(prefix="riskscale-usage-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    events = folder / f"events_{args.events}.csv"
    if not events.exists():
        print(f"generating {events} ...", flush=True)
        generate(events, args.events, args.accounts, args.users)
    size_mb = events.stat().st_size / 1e6
    print(f"{events}: {args.events:,} events, {size_mb:.1f} MB; CPU: "
          + next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"))

    rows = []
    results = {}
    for threads in (1, 2):
        out = folder / f"usage_{threads}.csv"
        best = None
        for _ in range(args.repeat):
            out.unlink(missing_ok=True)
            measured = run([args.cli, "usage", str(events), "-o", str(out), "--threads", str(threads)])
            if best is None or measured[0] < best[0]:
                best = measured
        results[threads] = best
        rows.append((f"riskscale usage, {threads} thread{'s' if threads > 1 else ''}", *best[:3]))
        print(best[3].strip().splitlines()[-1])
    pandas_out = folder / "usage_pandas.csv"
    pandas_out.unlink(missing_ok=True)
    measured = run([sys.executable, "-c", PANDAS_PIPELINE, str(events), str(pandas_out)])
    rows.append(("pandas read_csv + to_datetime(utc) + groupby", *measured[:3]))
    accounts, difference = compare(folder / "usage_1.csv", pandas_out)
    compare(folder / "usage_2.csv", pandas_out)

    pandas_seconds = measured[0]
    print(f"\noutputs agree on all {accounts:,} accounts (largest active_days difference {difference:.1e})\n")
    print("| run | seconds | M events/s | vs pandas | peak RSS MB | CPU s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, seconds, rss, cpu in rows:
        print(f"| {name} | {seconds:.2f} | {args.events / seconds / 1e6:.2f} | {pandas_seconds / seconds:.1f}x "
              f"| {rss:.0f} | {cpu:.2f} |")
    print(f"\n2 threads vs 1: {results[1][0] / results[2][0]:.2f}x")


if __name__ == "__main__":
    main()
