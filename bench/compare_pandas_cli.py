"""`riskscale classify` next to the obvious pandas pipeline doing the same job, in one run.

    /usr/bin/python3 bench/compare_pandas_cli.py [--rows 1000000] [--input FILE] [--cli build/bin/riskscale]
                                                 [--repeats 3] [--threads N] [--rss-rows 10000000]

Steps, all on the same machine and the same file (read from the page cache by both):
 1. generate a portfolio with examples/data/generate_accounts.py into --workdir (or use --input);
 2. time `wc -l` on it (the floor: reading the bytes and finding newlines);
 3. time `riskscale classify FILE -o OUT.csv` (best of --repeats);
 4. time the pandas pipeline (best of --repeats): pd.read_csv, the SPEC §3–§6 math in numpy,
    recommendations joined with ';', to_csv with the SPEC §8 columns;
 5. check that the two outputs agree row for row (scores within 1e-9, archetype and borderline
    equal off the thresholds, recommendations as a ranking, users within 1, active days 1e-9);
 6. with --rss-rows N: generate an N-row portfolio and report the peak RSS of `riskscale classify`
    on it, measured by /usr/bin/time -v (Debian package `time`).

The pandas side is written from SPEC.md alone (it is the peer, not a second implementation of the
library), with the SPEC §3–§5 defaults.
"""

import argparse
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import machine  # bench/machine.py: the CPU, load, numpy SIMD and kernel copy of this run
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
GENERATOR = REPO_ROOT / "examples" / "data" / "generate_accounts.py"

# SPEC §3–§5 defaults.
FREQUENCY_FULL = 20.0
REACH_FULL = 1000.0
FREQUENCY_WEIGHT, REACH_WEIGHT = 0.4, 0.6
RISK_WEIGHTS = {"sensitive_data": 0.8, "org_disruption": 0.5, "physical_safety": 1.0, "legal_exposure": 0.9}
RISK_THRESHOLD = SCALE_THRESHOLD = 0.5
BORDERLINE_BAND = 0.05
TEMPERATURE = 0.1
MIN_SCORE = 0.25
ARCHETYPES = ["high_scale_high_risk", "high_scale_low_risk", "low_scale_high_risk", "low_scale_low_risk"]
# SPEC §5 catalogue order and affinities (HSHR, HSLR, LSHR, LSLR).
CATALOG = [
    ("knowledge_certification", (1.0, 0, 0, 0)), ("supervised_assessment", (0.9, 0, 0, 0)),
    ("on_demand_library", (0.8, 1.0, 0, 0)), ("virtual_ilt_advanced", (0.7, 0, 0, 0)),
    ("virtual_ilt_one_to_many", (0, 0.9, 0, 0)), ("in_product_walkthrough", (0, 0.8, 0, 0)),
    ("microlearning_video", (0, 0.7, 0, 0)), ("live_lab", (0, 0, 1.0, 0)),
    ("onsite_training", (0, 0, 0.9, 0)), ("practical_certification", (0, 0, 0.8, 0)),
    ("role_based_on_demand", (0, 0, 0, 1.0)), ("role_based_email_nurture", (0, 0, 0, 0.9)),
]
FORMAT_IDS = [format_id for format_id, _ in CATALOG]
AFFINITY = np.array([affinity for _, affinity in CATALOG])  # formats x archetypes
SPEC_COLUMNS = [
    "account_id", "risk_score", "scale_score", "frequency_score", "reach_score", "archetype", "margin",
    "borderline", "p_high_scale_high_risk", "p_high_scale_low_risk", "p_low_scale_high_risk",
    "p_low_scale_low_risk", "recommendations", "users_for_high_scale", "active_days_for_high_scale",
]
FLOAT_COLUMNS = ["risk_score", "scale_score", "frequency_score", "reach_score", "margin",
                 "p_high_scale_high_risk", "p_high_scale_low_risk", "p_low_scale_high_risk", "p_low_scale_low_risk"]
RANGES = {**{name: (0.0, 1.0) for name in RISK_WEIGHTS}, "active_days": (0.0, 31.0), "users": (0.0, 1e9),
          "seats": (0.0, 1e9)}


# ------------------------------------------------------------------------------------------------
# the pandas peer, from the SPEC

def classify_with_pandas(input_path, output_path, rejects_path):
    frame = pd.read_csv(input_path, dtype={"account_id": str}, keep_default_na=False,
                        na_values={name: [""] for name in RANGES})
    numeric = {name: pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
               for name in RANGES if name in frame}
    # SPEC §2: out of range, NaN or infinite makes the account invalid (seats may be empty).
    valid = np.ones(len(frame), dtype=bool)
    for name, values in numeric.items():
        lower, upper = RANGES[name]
        in_range = (values >= lower) & (values <= upper)
        valid &= in_range | np.isnan(values) if name == "seats" else in_range
    frame[~valid].to_csv(rejects_path, index=False)
    frame = frame[valid]
    x = {name: values[valid] for name, values in numeric.items()}
    out = spec_outputs(frame["account_id"].to_numpy(), x)
    out.to_csv(output_path, index=False)  # floats: shortest repr; NaN: empty cell (SPEC §8)
    return len(out), int((~valid).sum())


def spec_outputs(account_ids, x):
    """The SPEC §8 frame of valid accounts from their SPEC §2 inputs `x` (name -> float array)."""
    # SPEC §3
    frequency = np.clip(x["active_days"] / FREQUENCY_FULL, 0.0, 1.0)
    reach = np.clip(np.log1p(x["users"]) / math.log1p(REACH_FULL), 0.0, 1.0)
    scale = frequency ** FREQUENCY_WEIGHT * reach ** REACH_WEIGHT
    survival = np.ones(len(account_ids))
    for name, weight in RISK_WEIGHTS.items():
        survival *= 1.0 - weight * x[name]
    risk = 1.0 - survival
    # SPEC §4
    high_risk = risk >= RISK_THRESHOLD
    high_scale = scale >= SCALE_THRESHOLD
    margin = np.minimum(np.abs(risk - RISK_THRESHOLD), np.abs(scale - SCALE_THRESHOLD))
    p_risk = 1.0 / (1.0 + np.exp(-(risk - RISK_THRESHOLD) / TEMPERATURE))
    p_scale = 1.0 / (1.0 + np.exp(-(scale - SCALE_THRESHOLD) / TEMPERATURE))
    membership = np.column_stack([p_scale * p_risk, p_scale * (1 - p_risk),
                                  (1 - p_scale) * p_risk, (1 - p_scale) * (1 - p_risk)])
    archetype = np.where(high_scale, np.where(high_risk, 0, 1), np.where(high_risk, 2, 3))
    # SPEC §5: scores, then formats >= min_score by score descending, catalogue order on ties.
    scores = membership @ AFFINITY.T
    order = np.argsort(-scores, axis=1, kind="stable")
    counts = (scores >= MIN_SCORE).sum(axis=1)
    recommendations = [";".join(FORMAT_IDS[k] for k in ranked[:count])
                       for ranked, count in zip(order.tolist(), counts.tolist())]
    # SPEC §6: distances to high scale, low-scale accounts only.
    low_scale = ~high_scale
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        reach_needed = (SCALE_THRESHOLD / frequency ** FREQUENCY_WEIGHT) ** (1 / REACH_WEIGHT)
        users_needed = np.ceil(np.exp(reach_needed * math.log1p(REACH_FULL)) - 1)
        users_needed = np.where(low_scale & (frequency > 0) & (reach_needed <= 1), users_needed, np.nan)
        frequency_needed = (SCALE_THRESHOLD / reach ** REACH_WEIGHT) ** (1 / FREQUENCY_WEIGHT)
        days_needed = frequency_needed * FREQUENCY_FULL
        days_needed = np.where(low_scale & (reach > 0) & (frequency_needed <= 1) & (days_needed <= 31),
                               days_needed, np.nan)

    return pd.DataFrame({
        "account_id": account_ids, "risk_score": risk, "scale_score": scale,
        "frequency_score": frequency, "reach_score": reach,
        "archetype": pd.Categorical.from_codes(archetype, ARCHETYPES), "margin": margin,
        "borderline": np.where(margin < BORDERLINE_BAND, "true", "false"),
        "p_high_scale_high_risk": membership[:, 0], "p_high_scale_low_risk": membership[:, 1],
        "p_low_scale_high_risk": membership[:, 2], "p_low_scale_low_risk": membership[:, 3],
        "recommendations": recommendations, "users_for_high_scale": users_needed,
        "active_days_for_high_scale": days_needed,
    })


# ------------------------------------------------------------------------------------------------
# agreement

def compare_outputs(cli_path, pandas_path):
    """Every row of the two outputs; returns a list of problems (empty when they agree)."""
    read = dict(dtype={"account_id": str, "recommendations": str, "archetype": str, "borderline": str},
                keep_default_na=False, na_values={"users_for_high_scale": [""], "active_days_for_high_scale": [""]})
    ours, theirs = pd.read_csv(cli_path, **read), pd.read_csv(pandas_path, **read)
    problems = []
    if list(ours.columns) != SPEC_COLUMNS or list(theirs.columns) != SPEC_COLUMNS:
        problems.append(f"columns differ: {list(ours.columns)} / {list(theirs.columns)}")
        return problems, len(ours)
    if len(ours) != len(theirs) or not (ours["account_id"].to_numpy() == theirs["account_id"].to_numpy()).all():
        problems.append(f"rows differ: {len(ours)} vs {len(theirs)} or account_id order")
        return problems, len(ours)
    worst = {}
    for column in FLOAT_COLUMNS:
        difference = np.abs(ours[column].to_numpy() - theirs[column].to_numpy())
        worst[column] = float(difference.max())
        if worst[column] > 1e-9:
            problems.append(f"{column}: {int((difference > 1e-9).sum())} rows differ by > 1e-9 (max {worst[column]:.3g})")
    risk, scale = theirs["risk_score"].to_numpy(), theirs["scale_score"].to_numpy()
    near = (np.abs(risk - RISK_THRESHOLD) <= 1e-9) | (np.abs(scale - SCALE_THRESHOLD) <= 1e-9)
    mismatch = (ours["archetype"].to_numpy() != theirs["archetype"].to_numpy()) & ~near
    if mismatch.any():
        problems.append(f"archetype differs on {int(mismatch.sum())} rows off the thresholds")
    near_band = np.abs(theirs["margin"].to_numpy() - BORDERLINE_BAND) <= 1e-9
    mismatch = (ours["borderline"].to_numpy() != theirs["borderline"].to_numpy()) & ~near_band
    if mismatch.any():
        problems.append(f"borderline differs on {int(mismatch.sum())} rows off the band")
    for column, tolerance in [("users_for_high_scale", 1.0), ("active_days_for_high_scale", 1e-9)]:
        a, b = ours[column].to_numpy(), theirs[column].to_numpy()
        presence = (np.isnan(a) != np.isnan(b)) & ~near
        both = ~np.isnan(a) & ~np.isnan(b)
        far = both & (np.abs(a - b) > tolerance)
        if presence.any() or far.any():
            problems.append(f"{column}: {int(presence.sum())} rows differ in presence, {int(far.sum())} by > {tolerance}")
    # Recommendations: equal, or a ranking whose swapped formats score within 1e-9 of each other.
    different = np.flatnonzero(ours["recommendations"].to_numpy() != theirs["recommendations"].to_numpy())
    membership = theirs[["p_" + a for a in ARCHETYPES]].to_numpy()
    bad = 0
    for row in different:
        scores = dict(zip(FORMAT_IDS, membership[row] @ AFFINITY.T))
        mine = [s for s in ours["recommendations"].iat[row].split(";") if s]
        peer = [s for s in theirs["recommendations"].iat[row].split(";") if s]
        same = len(mine) == len(peer) and all(abs(scores[a] - scores[b]) < 1e-9 for a, b in zip(mine, peer))
        bad += not same
    if bad:
        problems.append(f"recommendations differ beyond ties on {bad} rows")
    print(f"agreement: {len(ours):,} rows compared, largest score difference {max(worst.values()):.2g}, "
          f"{len(different) - bad} recommendation lists differ only in the order of tied formats")
    return problems, len(ours)


# ------------------------------------------------------------------------------------------------
# timing

def cpu_seconds():
    """CPU time (user + system) used so far by this process and its waited-for children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best_of(repeats, action, outputs=()):
    """Best wall-clock seconds and best CPU seconds over `repeats` runs, and the last result.

    CPU seconds are reported too because a shared machine stretches wall time, not CPU time.
    `outputs` are deleted before each run, off the clock: every run writes new files, as a first
    run does, and no run is charged for the filesystem freeing the previous run's output (this
    machine mounts / with online discard, which makes replacing a 290 MB file cost ~0.1 s)."""
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeats):
        for path in outputs:
            path.unlink(missing_ok=True)
        os.sync()
        start, start_cpu = time.perf_counter(), cpu_seconds()
        result = action()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, cpu_seconds() - start_cpu)
    return (best, best_cpu), result


def run_checked(command, **kwargs):
    completed = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if completed.returncode not in (0, 1):
        sys.exit(f"{' '.join(map(str, command))} failed ({completed.returncode}): {completed.stderr.strip()}")
    return completed


def generate(rows, path):
    if path.exists():
        print(f"  using the existing {path} (delete it to regenerate)")
        return
    start = time.perf_counter()
    subprocess.run([sys.executable, str(GENERATOR), "--rows", str(rows), "--output", str(path)], check=True)
    print(f"  generated {rows:,} rows into {path} in {time.perf_counter() - start:.1f} s")


def peak_rss_mb(command):
    time_program = shutil.which("time", path="/usr/bin")
    if time_program is None:
        sys.exit("/usr/bin/time is missing: apt-get install time")
    completed = subprocess.run([time_program, "-v", *command], capture_output=True, text=True)
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", completed.stderr)
    if completed.returncode not in (0, 1) or not match:
        sys.exit(f"{' '.join(command)} failed: {completed.stderr.strip()[-500:]}")
    elapsed = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", completed.stderr).group(1)
    return int(match.group(1)) / 1024.0, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to generate (default 1,000,000)")
    parser.add_argument("--input", type=Path, help="an accounts CSV to use instead of generating one")
    parser.add_argument("--cli", type=Path, default=REPO_ROOT / "build" / "bin" / "riskscale")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/riskscale_bench"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, help="riskscale --threads (default: all cores)")
    parser.add_argument("--rss-rows", type=int, default=0, help="also measure peak RSS on this many rows")
    args = parser.parse_args()
    machine.print_machine(cli=args.cli)
    if not args.cli.is_file():
        sys.exit(f"{args.cli} not found; build it: cmake --preset release && cmake --build build --target riskscale_cli")
    args.workdir.mkdir(parents=True, exist_ok=True)

    print(f"riskscale CLI vs pandas {pd.__version__} / numpy {np.__version__}, "
          f"{os.cpu_count()} cores, best of {args.repeats}")
    source = args.input or args.workdir / f"accounts_{args.rows}.csv"
    if args.input is None:
        generate(args.rows, source)
    megabytes = source.stat().st_size / 1e6

    wc_seconds, wc = best_of(args.repeats, lambda: run_checked(["wc", "-l", str(source)]))
    lines = int(wc.stdout.split()[0])

    cli_out, cli_rejects = args.workdir / "cli_out.csv", args.workdir / "cli_out.rejects.csv"
    command = [str(args.cli), "classify", str(source), "-o", str(cli_out)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    cli_seconds, cli_run = best_of(args.repeats, lambda: run_checked(command), (cli_out, cli_rejects))
    cli_summary = cli_run.stderr.strip().splitlines()[-1]

    pandas_out, pandas_rejects = args.workdir / "pandas_out.csv", args.workdir / "pandas_out.rejects.csv"
    pandas_seconds, (pandas_rows, pandas_rejected) = best_of(
        args.repeats, lambda: classify_with_pandas(source, pandas_out, pandas_rejects), (pandas_out, pandas_rejects))
    rows = pandas_rows + pandas_rejected

    problems, compared = compare_outputs(cli_out, pandas_out)

    print(f"\ninput: {source} ({rows:,} accounts, {megabytes:,.1f} MB, {lines:,} lines)")
    print(f"riskscale: {cli_summary}")
    print(f"pandas:    classified {pandas_rows:,} accounts, rejected {pandas_rejected:,}")
    print(f"\n{'run':34} {'seconds':>8} {'rows/s':>13} {'MB/s':>8} {'vs pandas':>10} {'CPU s':>8}")
    runs = [("wc -l", wc_seconds), (f"riskscale classify ({' '.join(command[5:]) or 'all cores'})", cli_seconds),
            ("pandas read_csv+numpy+to_csv", pandas_seconds)]
    for name, (seconds, cpu) in runs:
        print(f"{name:34} {seconds:8.3f} {rows / seconds:13,.0f} {megabytes / seconds:8.1f} "
              f"{pandas_seconds[0] / seconds:9.1f}x {cpu:8.2f}")
    print(f"\nwall clock: riskscale is {pandas_seconds[0] / cli_seconds[0]:.1f}x as fast as the pandas pipeline "
          f"(CPU time: {pandas_seconds[1] / cli_seconds[1]:.1f}x less); wc -l takes {wc_seconds[0] / cli_seconds[0]:.1%} "
          f"of riskscale's time; load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    if args.rss_rows:
        big = args.workdir / f"accounts_{args.rss_rows}.csv"
        print(f"\npeak RSS on {args.rss_rows:,} rows:")
        generate(args.rss_rows, big)
        rss, elapsed = peak_rss_mb([str(args.cli), "classify", str(big), "-o", str(args.workdir / "rss_out.csv")]
                                   + (["--threads", str(args.threads)] if args.threads else []))
        print(f"  riskscale classify: peak RSS {rss:,.1f} MB ({big.stat().st_size / 1e6:,.0f} MB input, "
              f"wall {elapsed})")
        (args.workdir / "rss_out.csv").unlink(missing_ok=True)
        (args.workdir / "rss_out.rejects.csv").unlink(missing_ok=True)

    if problems:
        print("\nOUTPUTS DISAGREE:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print(f"\noutputs agree on all {compared:,} rows")


if __name__ == "__main__":
    main()
