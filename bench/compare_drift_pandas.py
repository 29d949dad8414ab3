"""`riskscale drift` next to the pandas way of comparing two snapshots, in one run.

    /usr/bin/python3 bench/compare_drift_pandas.py [--rows 1000000] [--cli build/bin/riskscale] [--repeats 2]
                                                   [--threads N] [--workdir /tmp/riskscale_drift_bench]

Steps, on the same machine and the same files (read from the page cache by both):
 1. the old snapshot: examples/data/generate_accounts.py --rows N (kept in --workdir);
 2. the new snapshot, derived from it with a seeded numpy stream: 10 % of the accounts change one
    to three inputs (a risk factor, active_days, users), 1 % are gone, 1 % are new, 20 rows are
    invalid (users < 0), rows shuffled; written once with pandas (off the clock);
 3. time `riskscale drift OLD NEW -o OUT --matrix MATRIX` (best of --repeats, outputs deleted first);
 4. time the pandas way (best of --repeats): read_csv of both, merge on account_id (outer), the
    SPEC §3–§4 math in numpy on both sides, status, risk_change and scale_change, a
    ONE-AT-A-TIME attribution (each input moved alone from its old to its new value, the others
    held at their old values; this is not Shapley: its causes do not add up to the change when
    inputs interact), a driver from it, the transition matrix by crosstab, to_csv;
 5. check that the two agree per account: status, archetypes, scores and changes within 1e-9,
    the matrix cell for cell.

The pandas side is written from SPEC.md alone (it is the peer, not a second implementation).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import machine  # bench/machine.py: the CPU, load, numpy SIMD and kernel copy of this run
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
GENERATOR = REPO_ROOT / "examples" / "data" / "generate_accounts.py"
FACTORS = {"sensitive_data": 0.8, "org_disruption": 0.5, "physical_safety": 1.0, "legal_exposure": 0.9}
ARCHETYPES = ["high_scale_high_risk", "high_scale_low_risk", "low_scale_high_risk", "low_scale_low_risk"]
INPUTS = [*FACTORS, "active_days", "users"]


def cpu_seconds():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best_of(repeats, action, outputs=()):
    """Best wall-clock and CPU seconds over `repeats` runs (outputs deleted before each, off the clock)."""
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


def make_snapshots(rows, workdir):
    old_path, new_path = workdir / f"old_{rows}.csv", workdir / f"new_{rows}.csv"
    if not old_path.exists():
        subprocess.run([sys.executable, str(GENERATOR), "--rows", str(rows), "--output", str(old_path)], check=True)
    if not new_path.exists():
        old = pd.read_csv(old_path, dtype={"account_id": str})
        random = np.random.default_rng(20261201)
        new = old.copy()
        changed = random.random(len(new)) < 0.10
        for column in INPUTS:
            pick = changed & (random.random(len(new)) < 0.4)
            if column in FACTORS:
                new.loc[pick, column] = np.round(random.random(pick.sum()), 2)
            elif column == "active_days":
                new.loc[pick, column] = np.round(random.random(pick.sum()) * 30, 1)
            else:
                new.loc[pick, column] = np.round(new.loc[pick, column] * random.uniform(0.1, 10, pick.sum()))
        gone = random.random(len(new)) < 0.01
        new = new[~gone]
        added = old.sample(n=rows // 100, random_state=7).copy()
        added["account_id"] = [f"NEW-{i:07d}" for i in range(len(added))]
        new = pd.concat([new, added], ignore_index=True)
        bad = random.choice(len(new), 20, replace=False)
        new.loc[bad, "users"] = -1
        new = new.sample(frac=1.0, random_state=11)
        new.to_csv(new_path, index=False)
    return old_path, new_path


# ------------------------------------------------------------------------------------------------
# the pandas way, from SPEC §3, §4 and §11 (defaults)

def risk_of(frame):
    survival = np.ones(len(frame))
    for factor, weight in FACTORS.items():
        survival *= 1.0 - weight * frame[factor].to_numpy()
    return 1.0 - survival


def components(frame):
    f = np.clip(frame["active_days"].to_numpy() / 20.0, 0.0, 1.0)
    r = np.clip(np.log1p(frame["users"].to_numpy()) / np.log1p(1000.0), 0.0, 1.0)
    return f, r


def scale_of(f, r):
    with np.errstate(divide="ignore"):
        return np.exp(0.4 * np.log(f) + 0.6 * np.log(r))


def valid_rows(frame):
    ok = np.ones(len(frame), dtype=bool)
    for factor in FACTORS:
        ok &= frame[factor].between(0, 1).to_numpy()
    ok &= frame["active_days"].between(0, 31).to_numpy() & frame["users"].between(0, 1e9).to_numpy()
    return ok


def archetype_of(risk, scale):
    return np.where(scale >= 0.5, 0, 2) + np.where(risk >= 0.5, 0, 1)


def drift_with_pandas(old_path, new_path, out_path, matrix_path):
    old = pd.read_csv(old_path, dtype={"account_id": str})
    new = pd.read_csv(new_path, dtype={"account_id": str})
    for frame in (old, new):
        frame["valid"] = valid_rows(frame)
        frame["risk"] = np.where(frame["valid"], risk_of(frame), np.nan)
        f, r = components(frame)
        frame["f"], frame["r"] = f, r
        frame["scale"] = np.where(frame["valid"], scale_of(f, r), np.nan)
        frame["archetype"] = np.where(frame["valid"], archetype_of(frame["risk"].to_numpy(), frame["scale"].to_numpy()), -1)
    keep = ["account_id", *INPUTS, "valid", "risk", "f", "r", "scale", "archetype"]
    merged = old[keep].merge(new[keep], on="account_id", how="outer", suffixes=("_old", "_new"), indicator=True)
    both = (merged["_merge"] == "both").to_numpy()
    valid_old = merged["valid_old"].fillna(False).to_numpy(dtype=bool)
    valid_new = merged["valid_new"].fillna(False).to_numpy(dtype=bool)
    invalid = (merged["_merge"] != "right_only").to_numpy() & ~valid_old | (merged["_merge"] != "left_only").to_numpy() & ~valid_new
    a_old = merged["archetype_old"].to_numpy()
    a_new = merged["archetype_new"].to_numpy()
    status = np.select([invalid, merged["_merge"].to_numpy() == "right_only", merged["_merge"].to_numpy() == "left_only",
                        a_old == a_new], ["invalid", "new", "gone", "stayed"], "moved")
    compared = both & ~invalid
    result = pd.DataFrame({"account_id": merged["account_id"], "status": status})
    names = np.array(ARCHETYPES + [""], dtype=object)
    result["archetype_old"] = names[np.where(valid_old, a_old, -1).astype(int)]
    result["archetype_new"] = names[np.where(valid_new, a_new, -1).astype(int)]
    for side in ("old", "new"):
        result[f"risk_{side}"] = merged[f"risk_{side}"]
        result[f"scale_{side}"] = merged[f"scale_{side}"]
    result["risk_change"] = np.where(compared, merged["risk_new"] - merged["risk_old"], np.nan)
    result["scale_change"] = np.where(compared, merged["scale_new"] - merged["scale_old"], np.nan)
    # One-at-a-time attribution: each input moved alone, the others at their old values.
    risk_old = merged["risk_old"].to_numpy()
    for factor in FACTORS:
        survival = np.ones(len(merged))
        for other, weight in FACTORS.items():
            side = "new" if other == factor else "old"
            survival *= 1.0 - weight * merged[f"{other}_{side}"].to_numpy()
        result[f"effect_{factor}"] = np.where(compared, (1.0 - survival) - risk_old, np.nan)
    f0, r0 = merged["f_old"].to_numpy(), merged["r_old"].to_numpy()
    f1, r1 = merged["f_new"].to_numpy(), merged["r_new"].to_numpy()
    scale_old = merged["scale_old"].to_numpy()
    result["effect_frequency"] = np.where(compared, scale_of(f1, r0) - scale_old, np.nan)
    result["effect_reach"] = np.where(compared, scale_of(f0, r1) - scale_old, np.nan)
    # Driver: the largest effect with the sign of its axis's change, on the crossed axes.
    risk_axis = compared & ((a_old % 2) != (a_new % 2))
    scale_axis = compared & ((a_old < 2) != (a_new < 2))
    players = [*FACTORS, "frequency", "reach"]
    effects = np.stack([result[f"effect_{p}"].to_numpy() for p in players], axis=1)
    change = np.stack([result["risk_change"].to_numpy()] * len(FACTORS) + [result["scale_change"].to_numpy()] * 2, axis=1)
    allowed = np.concatenate([np.repeat(risk_axis[:, None], len(FACTORS), 1), np.repeat(scale_axis[:, None], 2, 1)], 1)
    score = np.where(allowed & (np.sign(effects) == np.sign(change)) & (change != 0), np.abs(effects), -1.0)
    best = np.argmax(score, axis=1)
    result["driver"] = np.where((risk_axis | scale_axis) & (status == "moved") & (score.max(axis=1) >= 0),
                                np.array(players, dtype=object)[best], "")
    result.to_csv(out_path, index=False)
    old_state = np.where(merged["_merge"] == "right_only", "new", np.where(valid_old, result["archetype_old"], "invalid"))
    new_state = np.where(merged["_merge"] == "left_only", "gone", np.where(valid_new, result["archetype_new"], "invalid"))
    matrix = pd.crosstab(pd.Categorical(old_state, categories=ARCHETYPES + ["new", "invalid"]),
                         pd.Categorical(new_state, categories=ARCHETYPES + ["gone", "invalid"]), dropna=False)
    matrix.index.name = "old"
    matrix.to_csv(matrix_path)
    return result


def compare(cli_path, pandas_result, cli_matrix, pandas_matrix):
    cli = pd.read_csv(cli_path, dtype={"account_id": str}, keep_default_na=False, na_values=[""]).set_index("account_id")
    ours = pandas_result.set_index("account_id").loc[cli.index]
    problems = []
    if len(cli) != len(pandas_result):
        problems.append(f"{len(cli)} rows from riskscale, {len(pandas_result)} from pandas")
    for column in ("status", "archetype_old", "archetype_new"):
        differ = (cli[column].fillna("") != ours[column].fillna("")).sum()
        if differ:
            problems.append(f"{column}: {differ} rows differ")
    largest = 0.0
    for column in ("risk_old", "risk_new", "scale_old", "scale_new", "risk_change", "scale_change"):
        a, b = cli[column].to_numpy(), ours[column].to_numpy(dtype=float)
        if (np.isnan(a) != np.isnan(b)).any():
            problems.append(f"{column}: absent in different rows")
        both = ~np.isnan(a) & ~np.isnan(b)
        largest = max(largest, float(np.max(np.abs(a[both] - b[both]), initial=0.0)))
    if largest > 1e-9:
        problems.append(f"largest score difference {largest:.3g}")
    if pd.read_csv(cli_matrix, index_col="old").to_numpy().tolist() != pd.read_csv(pandas_matrix, index_col="old").to_numpy().tolist():
        problems.append("matrices differ")
    moved = cli["status"] == "moved"
    same_driver = float((cli.loc[moved, "driver"].fillna("") == ours.loc[moved, "driver"]).mean()) if moved.any() else 1.0
    return problems, largest, int(moved.sum()), same_driver


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cli", type=Path, default=REPO_ROOT / "build" / "bin" / "riskscale")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/riskscale_drift_bench"))
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, help="riskscale --threads (default: all cores)")
    args = parser.parse_args()
    machine.print_machine(cli=args.cli)
    if not args.cli.is_file():
        sys.exit(f"{args.cli} not found; build it: cmake --build build --target riskscale_cli")
    args.workdir.mkdir(parents=True, exist_ok=True)
    old_path, new_path = make_snapshots(args.rows, args.workdir)
    megabytes = (old_path.stat().st_size + new_path.stat().st_size) / 1e6
    print(f"riskscale drift vs pandas {pd.__version__} / numpy {np.__version__}, {os.cpu_count()} cores, "
          f"best of {args.repeats}; snapshots {old_path.name} + {new_path.name} ({megabytes:,.1f} MB)")

    out, matrix = args.workdir / "cli_drift.csv", args.workdir / "cli_matrix.csv"
    command = [str(args.cli), "drift", str(old_path), str(new_path), "-o", str(out), "--matrix", str(matrix)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    cli_seconds, run = best_of(args.repeats, lambda: subprocess.run(command, capture_output=True, text=True),
                               (out, matrix, args.workdir / "cli_drift.rejects.csv"))
    if run.returncode not in (0, 1):
        sys.exit(f"riskscale drift failed: {run.stderr}")
    pandas_out, pandas_matrix = args.workdir / "pandas_drift.csv", args.workdir / "pandas_matrix.csv"
    pandas_seconds, result = best_of(args.repeats,
                                     lambda: drift_with_pandas(old_path, new_path, pandas_out, pandas_matrix),
                                     (pandas_out, pandas_matrix))
    problems, largest, moved, same_driver = compare(out, result, matrix, pandas_matrix)

    print(run.stdout.strip())
    print(f"\n{'run':44} {'seconds':>8} {'accounts/s':>12} {'vs pandas':>10} {'CPU s':>8}")
    accounts = len(result)
    for name, (seconds, cpu) in ((f"riskscale drift ({' '.join(command[7:]) or 'all cores'})", cli_seconds),
                                 ("pandas merge + classify both + one-at-a-time", pandas_seconds)):
        print(f"{name:44} {seconds:8.3f} {accounts / seconds:12,.0f} {pandas_seconds[0] / seconds:9.1f}x {cpu:8.2f}")
    print(f"\nriskscale is {pandas_seconds[0] / cli_seconds[0]:.1f}x as fast as pandas (CPU time "
          f"{pandas_seconds[1] / cli_seconds[1]:.1f}x less); load average {os.getloadavg()[0]:.1f}")
    print(f"{moved:,} moved accounts; the one-at-a-time driver equals the Shapley driver for {same_driver:.1%} of them")
    if problems:
        print("\nOUTPUTS DISAGREE:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print(f"outputs agree on all {accounts:,} accounts (largest score difference {largest:.2g}); matrices equal")


if __name__ == "__main__":
    main()
