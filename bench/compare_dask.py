"""Dask overhead and scaling: riskscale.dask.classify on 1 and 2 worker processes next to
single-process riskscale.classify, on the same 10^7 accounts, in one run.

    PYTHONPATH=build/python /usr/bin/python3 bench/compare_dask.py [--rows 10000000] [--partitions 16]

The portfolio is generated in memory (seeded) and handed to Dask with from_pandas, so
the figures measure classification and scheduling, not CSV parsing.
"""

import argparse
import time

import numpy as np

import machine  # bench/machine.py: the CPU, load, numpy SIMD and kernel copy of this run
import pandas as pd

import dask.dataframe as dd
import distributed

import riskscale
import riskscale.dask as rdask


def portfolio(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame({
        "sensitive_data": rng.random(rows), "org_disruption": rng.random(rows),
        "physical_safety": rng.random(rows), "legal_exposure": rng.random(rows),
        "active_days": rng.random(rows) * 31, "users": np.floor(np.exp(rng.random(rows) * 10)),
    })


def best_of(repeats: int, run) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    machine.print_machine()
    frame = portfolio(args.rows)
    results = {}
    results["classify, 1 thread"] = best_of(args.repeats, lambda: riskscale.classify(frame, threads=1))
    results["classify, 2 threads"] = best_of(args.repeats, lambda: riskscale.classify(frame, threads=2))
    for workers in (1, 2):
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            ddf = client.persist(dd.from_pandas(frame, npartitions=args.partitions))
            distributed.wait(ddf)
            results[f"dask, {workers} worker process{'es' if workers > 1 else ''}"] = best_of(
                args.repeats, lambda: distributed.wait(client.persist(rdask.classify(ddf))))
    base = results["classify, 1 thread"]
    print(f"{args.rows:,} accounts, {args.partitions} partitions (best of {args.repeats})")
    print(f"{'run':32} {'seconds':>8} {'M accounts/s':>13} {'vs classify 1 thread':>21}")
    for name, seconds in results.items():
        print(f"{name:32} {seconds:8.3f} {args.rows / seconds / 1e6:13.2f} {base / seconds:20.2f}x")


if __name__ == "__main__":
    main()
