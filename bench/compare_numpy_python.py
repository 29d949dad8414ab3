#!/usr/bin/python3
"""riskscale from Python next to numpy doing the same SPEC §3–§6 math, in one run.

Generates a seeded random portfolio as numpy float64 columns (10^7 accounts by default) and
times, on the same arrays:

* ``riskscale.classify`` (the C++ core through pybind11, columns read in place) returning the
  SPEC §8 DataFrame, with 1 thread and with every core;
* a vectorised numpy implementation written from SPEC.md, with the parameters read from the
  policy: input validation (§2), every numeric SPEC §8 output (§3, §4, §6), archetype and
  borderline; and, timed on its own, the §5 format scores and ranking;

checks that the two agree (scores within 1e-9), prints seconds, accounts per second and the
ratios, then the per-call cost of ``riskscale.assess`` from Python (timeit), in µs.

    PYTHONPATH=build/python /usr/bin/python3 bench/compare_numpy_python.py [--rows 10000000] [--repeats 3]
"""
import argparse
import os
import platform
import time
import timeit

import numpy as np

import machine  # bench/machine.py: the CPU, load, numpy SIMD and kernel copy of this run
import pandas as pd

import riskscale

RANGES = {"active_days": (0.0, 31.0), "users": (0.0, 1e9), "seats": (0.0, 1e9)}  # SPEC §2; factors [0, 1]
TOLERANCE = 1e-9


def portfolio(rows: int, seed: int = 20261127) -> dict:
    """Accounts spread over the valid input space: users log-uniform up to ~160,000."""
    rng = np.random.default_rng(seed)
    columns = {name: rng.random(rows) for name in ("sensitive_data", "org_disruption", "physical_safety",
                                                    "legal_exposure")}
    columns["active_days"] = 31.0 * rng.random(rows)
    columns["users"] = np.floor(np.expm1(12.0 * rng.random(rows)))
    columns["seats"] = np.floor(columns["users"] * (1.0 + rng.random(rows)))
    return columns


def numpy_classify(columns: dict, policy: dict) -> dict:
    """SPEC §2 validation and the numeric SPEC §8 outputs, over whole columns."""
    factors = policy["risk_weights"]
    valid = np.ones(len(columns["users"]), dtype=bool)
    for name in list(factors) + list(RANGES):
        if name in columns:
            lower, upper = RANGES.get(name, (0.0, 1.0))
            valid &= (columns[name] >= lower) & (columns[name] <= upper)  # NaN compares False

    survival = np.ones(len(valid))
    for name, weight in factors.items():  # §3 noisy-OR
        survival *= 1.0 - weight * columns[name]
    risk = 1.0 - survival

    weight_sum = policy["scale_weights"]["frequency"] + policy["scale_weights"]["reach"]
    wf, wr = policy["scale_weights"]["frequency"] / weight_sum, policy["scale_weights"]["reach"] / weight_sum
    frequency = np.clip(columns["active_days"] / policy["frequency_full"], 0.0, 1.0)
    reach = np.clip(np.log1p(columns["users"]) / np.log1p(policy["reach_full"]), 0.0, 1.0)
    scale = np.ones(len(valid))
    if wf > 0:
        scale *= frequency ** wf
    if wr > 0:
        scale *= reach ** wr

    risk_threshold, scale_threshold = policy["risk_threshold"], policy["scale_threshold"]
    high_risk, high_scale = risk >= risk_threshold, scale >= scale_threshold  # §4
    margin = np.minimum(np.abs(risk - risk_threshold), np.abs(scale - scale_threshold))
    p_risk = 1.0 / (1.0 + np.exp(-(risk - risk_threshold) / policy["temperature"]))
    p_scale = 1.0 / (1.0 + np.exp(-(scale - scale_threshold) / policy["temperature"]))

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # §6, absent as NaN
        reach_needed = (scale_threshold / frequency ** wf) ** (1.0 / wr) if wr > 0 else np.full(len(valid), np.inf)
        users = np.ceil(np.expm1(reach_needed * np.log1p(policy["reach_full"])))
        users[high_scale | (frequency == 0) | ~(reach_needed <= 1.0)] = np.nan
        frequency_needed = (scale_threshold / reach ** wr) ** (1.0 / wf) if wf > 0 else np.full(len(valid), np.inf)
        days = frequency_needed * policy["frequency_full"]
        days[high_scale | (reach == 0) | ~(frequency_needed <= 1.0) | ~(days <= 31.0)] = np.nan

    out = {
        "risk_score": risk, "scale_score": scale, "frequency_score": frequency, "reach_score": reach,
        "archetype": np.where(high_scale, 0, 2) + np.where(high_risk, 0, 1), "margin": margin,
        "borderline": margin < policy["borderline_band"],
        "p_high_scale_high_risk": p_scale * p_risk, "p_high_scale_low_risk": p_scale * (1.0 - p_risk),
        "p_low_scale_high_risk": (1.0 - p_scale) * p_risk, "p_low_scale_low_risk": (1.0 - p_scale) * (1.0 - p_risk),
        "users_for_high_scale": users, "active_days_for_high_scale": days,
    }
    for name in out:  # an invalid account gets no scores
        if out[name].dtype == np.float64:
            out[name][~valid] = np.nan
    out["archetype"] = np.where(valid, out["archetype"], -1)
    return out


def numpy_rank(memberships: np.ndarray, policy: dict, chunk: int = 1_000_000) -> tuple:
    """SPEC §5: format scores, those ≥ min_score ranked by score (ties in catalogue order)."""
    affinity = np.array([[entry["affinity"].get(a, 0.0) for a in riskscale.ARCHETYPES] for entry in policy["catalog"]])
    order = np.empty((len(memberships), len(affinity)), dtype=np.int16)
    counts = np.empty(len(memberships), dtype=np.int16)
    for start in range(0, len(memberships), chunk):
        scores = memberships[start:start + chunk] @ affinity.T
        ranked = np.argsort(-scores, axis=1, kind="stable")
        order[start:start + chunk] = ranked
        kept = (scores >= policy["min_score"]).sum(axis=1)
        counts[start:start + chunk] = kept if policy["top_k"] is None else np.minimum(kept, policy["top_k"])
    return order, counts


def agreement(result: pd.DataFrame, mine: dict, policy: dict) -> dict:
    """Largest absolute difference per numeric column, and archetypes that differ away from a threshold."""
    report = {}
    for name, values in mine.items():
        if name in ("archetype", "borderline"):
            continue
        theirs = result[name].to_numpy()
        both = ~np.isnan(theirs) & ~np.isnan(values)
        absent_differs = int((np.isnan(theirs) != np.isnan(values)).sum())
        tolerance = 1.0 if name == "users_for_high_scale" else TOLERANCE
        worst = float(np.max(np.abs(theirs[both] - values[both]), initial=0.0))
        report[name] = (worst, absent_differs, worst <= tolerance and absent_differs == 0)
    near = (np.abs(mine["risk_score"] - policy["risk_threshold"]) <= TOLERANCE) | (
        np.abs(mine["scale_score"] - policy["scale_threshold"]) <= TOLERANCE)
    codes = result["archetype"].cat.codes.to_numpy()
    report["archetype"] = (0.0, int(((codes != mine["archetype"]) & ~near).sum()),
                           not ((codes != mine["archetype"]) & ~near).any())
    return report


def best_of(repeats: int, run) -> tuple:
    best, value = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        value = run()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs per line")
    args = parser.parse_args()
    machine.print_machine()

    policy = riskscale.Policy()
    document = policy.to_dict()
    columns = portfolio(args.rows)
    frame_bytes = sum(c.nbytes for c in columns.values())
    cores = os.cpu_count() or 1
    print(f"{args.rows:,} accounts as numpy float64 columns ({frame_bytes / 1e6:,.0f} MB), default policy; "
          f"riskscale {riskscale.__version__}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"Python {platform.python_version()}, {cores} cores; best of {args.repeats}")

    timings = {}
    timings["riskscale.classify, 1 thread"] = best_of(args.repeats, lambda: riskscale.classify(columns, threads=1))[0]
    timings[f"riskscale.classify, {cores} threads"], result = best_of(
        args.repeats, lambda: riskscale.classify(columns, policy))
    timings["numpy, numeric SPEC §8 outputs"], mine = best_of(args.repeats, lambda: numpy_classify(columns, document))
    memberships = np.column_stack([mine[f"p_{a}"] for a in riskscale.ARCHETYPES])  # rows × archetypes
    timings["numpy, §5 format scores + ranking"], ranking = best_of(
        args.repeats, lambda: numpy_rank(memberships, document))
    numpy_total = timings["numpy, numeric SPEC §8 outputs"] + timings["numpy, §5 format scores + ranking"]
    timings["numpy, both (sum)"] = numpy_total

    reference = timings["riskscale.classify, 1 thread"]
    print(f"\n{'run':40} {'seconds':>8} {'M accounts/s':>13} {'÷ classify 1 thread':>20}")
    for name, seconds in timings.items():
        print(f"{name:40} {seconds:8.3f} {args.rows / seconds / 1e6:13.2f} {seconds / reference:20.2f}")
    print(f"\nnumpy (numeric outputs + ranking) takes {numpy_total / reference:.2f}× as long as riskscale.classify "
          f"on 1 thread, {numpy_total / timings[f'riskscale.classify, {cores} threads']:.2f}× as long as on "
          f"{cores} threads (classify also builds the DataFrame and the recommendation strings).")

    print("\nagreement, riskscale vs numpy (largest |difference|, rows where one is absent):")
    report = agreement(result, mine, document)
    for name, (worst, absent, ok) in report.items():
        print(f"  {name:28} {worst:10.3g} {absent:6d}  {'ok' if ok else 'DIFFERS'}")
    sample = min(args.rows, 100_000)
    ids = np.array(policy.catalog_ids, dtype=object)
    order, counts = ranking
    joined = [";".join(ids[order[row, :counts[row]]]) for row in range(sample)]
    differs = int((result["recommendations"].iloc[:sample].fillna("").to_numpy() != np.array(joined, dtype=object)).sum())
    print(f"  {'recommendations':28} {differs:d} of the first {sample:,} rows differ (near ties may swap)")
    if not all(ok for _, _, ok in report.values()):
        raise SystemExit("riskscale and numpy disagree beyond the SPEC tolerances")

    fields = dict(account_id="ACME", sensitive_data=0.9, org_disruption=0.2, physical_safety=0.0,
                  legal_exposure=0.7, active_days=18.0, users=450.0)
    one_row = {name: np.array([value]) for name, value in fields.items() if name != "account_id"}
    print("\nper call from Python (timeit, best of 5):")
    for label, statement, number in (
        ("riskscale.assess(dict)", lambda: riskscale.assess(fields), 20_000),
        ("riskscale.assess(**fields)", lambda: riskscale.assess(**fields), 20_000),
        ("riskscale.assess(dict).explain()", lambda: riskscale.assess(fields).explain(), 5_000),
        ("riskscale.classify(1 row)", lambda: riskscale.classify(one_row, threads=1), 1_000),
    ):
        seconds = min(timeit.repeat(statement, number=number, repeat=5)) / number
        print(f"  {label:36} {seconds * 1e6:9.1f} µs")


if __name__ == "__main__":
    main()
