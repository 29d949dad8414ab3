#!/usr/bin/python3
"""Side-by-side: riskscale's C++ batch path against numpy doing the same SPEC §3–§6 math.

In one run: generates a seeded random portfolio as numpy float64 columns, writes them as raw
binary files to a temporary folder, runs the C++ driver (bench/batch_file_driver.cpp, target
riskscale_bench_driver) on them, times a vectorised numpy implementation written from SPEC.md
(all numeric SPEC §8 outputs; recommendations timed separately), checks that both agree to 1e-9,
and prints accounts per second and the ratios.

    /usr/bin/python3 bench/compare_numpy.py [--rows 10000000] [--driver build/bench/riskscale_bench_driver]
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import machine  # bench/machine.py: the CPU, load, numpy SIMD and kernel copy of this run

# SPEC §3–§5 defaults (the default policy, which the driver also uses).
RISK_WEIGHTS = {"sensitive_data": 0.8, "org_disruption": 0.5, "physical_safety": 1.0, "legal_exposure": 0.9}
FREQUENCY_FULL = 20.0
REACH_FULL = 1000.0
FREQUENCY_WEIGHT, REACH_WEIGHT = 0.4, 0.6
RISK_THRESHOLD = SCALE_THRESHOLD = 0.5
BORDERLINE_BAND = 0.05
TEMPERATURE = 0.1
MIN_SCORE = 0.25
ACTIVE_DAYS_MAX = 31.0
# SPEC §5 affinity table, catalogue order × archetype order (HSHR, HSLR, LSHR, LSLR).
AFFINITY = np.array([
    [1.0, 0, 0, 0], [0.9, 0, 0, 0], [0.8, 1.0, 0, 0], [0.7, 0, 0, 0],
    [0, 0.9, 0, 0], [0, 0.8, 0, 0], [0, 0.7, 0, 0],
    [0, 0, 1.0, 0], [0, 0, 0.9, 0], [0, 0, 0.8, 0],
    [0, 0, 0, 1.0], [0, 0, 0, 0.9],
])
INPUT_FIELDS = list(RISK_WEIGHTS) + ["active_days", "users", "seats"]
NUMERIC_OUTPUTS = ["risk_score", "scale_score", "frequency_score", "reach_score", "margin",
                   "p_high_scale_high_risk", "p_high_scale_low_risk", "p_low_scale_high_risk",
                   "p_low_scale_low_risk", "users_for_high_scale", "active_days_for_high_scale"]


def random_portfolio(rows, seed):
    rng = np.random.default_rng(seed)
    columns = {name: rng.random(rows) for name in RISK_WEIGHTS}
    columns["active_days"] = 31.0 * rng.random(rows)
    columns["users"] = np.floor(np.exp(12.0 * rng.random(rows)) - 1.0)
    columns["seats"] = np.floor(np.exp(12.0 * rng.random(rows)) - 1.0)
    return columns


def numpy_scores(c):
    """SPEC §3, §4 and §6 over whole columns: every numeric SPEC §8 output."""
    survival = np.ones_like(c["active_days"])
    for name, weight in RISK_WEIGHTS.items():
        survival *= 1.0 - weight * c[name]
    risk = 1.0 - survival
    frequency = np.clip(c["active_days"] / FREQUENCY_FULL, 0.0, 1.0)
    reach = np.clip(np.log(1.0 + c["users"]) / np.log(1.0 + REACH_FULL), 0.0, 1.0)
    scale = frequency ** FREQUENCY_WEIGHT * reach ** REACH_WEIGHT
    margin = np.minimum(np.abs(risk - RISK_THRESHOLD), np.abs(scale - SCALE_THRESHOLD))
    p_risk = 1.0 / (1.0 + np.exp(-(risk - RISK_THRESHOLD) / TEMPERATURE))
    p_scale = 1.0 / (1.0 + np.exp(-(scale - SCALE_THRESHOLD) / TEMPERATURE))
    low_scale = scale < SCALE_THRESHOLD
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        reach_needed = (SCALE_THRESHOLD / frequency ** FREQUENCY_WEIGHT) ** (1.0 / REACH_WEIGHT)
        users = np.ceil(np.exp(reach_needed * np.log(1.0 + REACH_FULL)) - 1.0)
        users = np.where(low_scale & (frequency > 0) & (reach_needed <= 1.0), users, np.nan)
        frequency_needed = (SCALE_THRESHOLD / reach ** REACH_WEIGHT) ** (1.0 / FREQUENCY_WEIGHT)
        days = frequency_needed * FREQUENCY_FULL
        days = np.where(low_scale & (reach > 0) & (frequency_needed <= 1.0) & (days <= ACTIVE_DAYS_MAX), days, np.nan)
    return {
        "risk_score": risk, "scale_score": scale, "frequency_score": frequency, "reach_score": reach,
        "margin": margin, "borderline": margin < BORDERLINE_BAND,
        "archetype": 2 * low_scale + (risk < RISK_THRESHOLD),
        "p_high_scale_high_risk": p_scale * p_risk, "p_high_scale_low_risk": p_scale * (1.0 - p_risk),
        "p_low_scale_high_risk": (1.0 - p_scale) * p_risk, "p_low_scale_low_risk": (1.0 - p_scale) * (1.0 - p_risk),
        "users_for_high_scale": users, "active_days_for_high_scale": days,
    }


def numpy_recommendations(scores):
    """SPEC §5: format scores, the formats reaching min_score, ranked by score (stable: catalogue order)."""
    membership = np.stack([scores["p_high_scale_high_risk"], scores["p_high_scale_low_risk"],
                           scores["p_low_scale_high_risk"], scores["p_low_scale_low_risk"]], axis=1)
    format_scores = membership @ AFFINITY.T
    ranked = np.argsort(-format_scores, axis=1, kind="stable")
    count = (format_scores >= MIN_SCORE).sum(axis=1)
    return ranked, count


def best_seconds(function, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--driver", default="build/bench/riskscale_bench_driver")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per side; the best is reported")
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()

    columns = random_portfolio(args.rows, args.seed)
    with tempfile.TemporaryDirectory(prefix="riskscale-bench-") as folder:
        for name in INPUT_FIELDS:
            columns[name].astype("<f8").tofile(Path(folder) / f"{name}.f64")
        run = subprocess.run([args.driver, "--dir", folder, "--rows", str(args.rows), "--repeats", str(args.repeats)],
                             check=True, capture_output=True, text=True)
        cpp = json.loads(run.stdout)
        ours = {name: np.fromfile(Path(folder) / f"{name}.out.f64", dtype="<f8")
                for name in NUMERIC_OUTPUTS + ["archetype", "recommendation_count"]}

    numpy_seconds = best_seconds(lambda: numpy_scores(columns), args.repeats)
    reference = numpy_scores(columns)
    numpy_recommendation_seconds = best_seconds(lambda: numpy_recommendations(reference), args.repeats)
    _, reference_count = numpy_recommendations(reference)

    # Agreement: scores within 1e-9, absent in the same rows; users within 1 (conformance rules).
    failures = []
    for name in NUMERIC_OUTPUTS:
        a, b = ours[name], reference[name]
        if not np.array_equal(np.isnan(a), np.isnan(b)):
            failures.append(f"{name}: absent in different rows ({np.sum(np.isnan(a) != np.isnan(b))})")
            continue
        tolerance = 1.0 if name == "users_for_high_scale" else 1e-9
        difference = np.nanmax(np.abs(a - b)) if np.any(~np.isnan(a)) else 0.0
        if difference > tolerance:
            failures.append(f"{name}: max difference {difference:.3g} > {tolerance:g}")
    near_threshold = (np.abs(reference["risk_score"] - RISK_THRESHOLD) < 1e-9) | (
        np.abs(reference["scale_score"] - SCALE_THRESHOLD) < 1e-9)
    if np.any((ours["archetype"] != reference["archetype"]) & ~near_threshold):
        failures.append("archetype differs")
    near_min_score = np.any(np.abs(np.stack([reference[f"p_{a}"] for a in (
        "high_scale_high_risk", "high_scale_low_risk", "low_scale_high_risk", "low_scale_low_risk")], axis=1)
        @ AFFINITY.T - MIN_SCORE) < 1e-9, axis=1)
    if np.any((ours["recommendation_count"] != reference_count) & ~near_min_score):
        failures.append("recommendation counts differ")

    rows = args.rows
    machine.print_machine(kernel=f"{cpp['isa']} (the copy the C++ driver's classify_into chose)")
    numpy_rate = rows / numpy_seconds
    one = rows / cpp["seconds_1_thread"]
    two = rows / cpp["seconds_2_threads"]
    print(f"rows: {rows:,}   C++ kernel: {cpp['isa']}   best of {args.repeats}")
    print(f"{'implementation':<44}{'accounts/s':>14}{'vs numpy':>10}")
    print(f"{'numpy (numeric SPEC §8 outputs)':<44}{numpy_rate:>14,.0f}{1.0:>9.1f}x")
    print(f"{'C++ classify_into, 1 thread':<44}{one:>14,.0f}{one / numpy_rate:>9.1f}x")
    print(f"{'C++ classify_into, 2 threads':<44}{two:>14,.0f}{two / numpy_rate:>9.1f}x")
    print(f"2 threads / 1 thread: {two / one:.2f}x")
    for isa, seconds in cpp.get("seconds_1_thread_by_isa", {}).items():
        rate = rows / seconds
        print(f"{'C++ 1 thread, ' + isa + ' copy forced':<44}{rate:>14,.0f}{rate / numpy_rate:>9.1f}x")
    recommendations_numpy = rows / (numpy_seconds + numpy_recommendation_seconds)
    recommendations_cpp = rows / cpp["seconds_1_thread_with_recommendations"]
    print(f"{'numpy + recommendations':<44}{recommendations_numpy:>14,.0f}{1.0:>9.1f}x")
    print(f"{'C++ 1 thread + recommendations':<44}{recommendations_cpp:>14,.0f}"
          f"{recommendations_cpp / recommendations_numpy:>9.1f}x")
    if failures:
        print("DISAGREEMENT:\n  " + "\n  ".join(failures))
        return 1
    print("agreement: every numeric output within 1e-9 (users_for_high_scale within 1), same absent rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
