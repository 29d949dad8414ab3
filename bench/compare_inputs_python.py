"""`riskscale.classify` of a raw DataFrame through a policy's `inputs` (SPEC §9) next to the same frame in
model units and next to pandas doing the mapping (Series.map, np.select, np.interp) before the same core.

    PYTHONPATH=build/python /usr/bin/python3 bench/compare_inputs_python.py [--rows 1000000] [--repeats 3]

The frames are the CRM-style rows of bench/compare_inputs_cli.py (generated into its --workdir when
missing), read once with pandas: text columns as object, numbers as int64/float64. Timed (best of
--repeats, wall and CPU seconds): mapped classify of the raw frame; unmapped classify of the frame in
model units; pandas mapping the raw frame to model units (the columns riskscale maps in C++) followed
by the same unmapped classify. The two riskscale results are checked to be equal.
"""

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

import machine  # bench/machine.py: the CPU, load, numpy SIMD and kernel copy of this run
import pandas as pd

import riskscale

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_inputs_cli import BANDS, KNOTS, MAPS, generate, policy_document  # noqa: E402


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def best(repeats, action):
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        result = action()
        wall, cpu = min(wall, time.perf_counter() - start), min(cpu, cpu_seconds() - start_cpu)
    return wall, cpu, result


def pandas_mapping(frame):
    """The peer: the same rules written with pandas and numpy."""
    x = {"account_id": frame["Id"]}
    for name, (column, mapping) in MAPS.items():
        folded = {key.strip(" \t").lower(): value for key, value in mapping.items()}
        x[name] = frame[column].str.strip(" \t").str.lower().map(folded).to_numpy(dtype=float)
    admins = frame["Admin_Count__c"].to_numpy(dtype=float)
    x["seats"] = np.select([admins >= b[0] for b in reversed(BANDS)], [b[1] for b in reversed(BANDS)], np.nan)
    x["active_days"] = np.interp(frame["Logins_30d__c"].to_numpy(dtype=float), [k[0] for k in KNOTS],
                                 [k[1] for k in KNOTS])
    x["users"] = frame["Active_Users__c"].to_numpy(dtype=float)
    return pd.DataFrame(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/riskscale_bench_inputs"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    machine.print_machine()
    args.workdir.mkdir(parents=True, exist_ok=True)
    crm_path, model_path, _ = generate(args.rows, args.workdir)
    # round_trip: the doubles written, not the fast parser's nearby ones (the core reads cells exactly)
    raw = pd.read_csv(crm_path, dtype={"Id": str}, keep_default_na=False, float_precision="round_trip")
    model = pd.read_csv(model_path, dtype={"account_id": str}, float_precision="round_trip")
    policy = riskscale.Policy.from_dict(policy_document())

    mapped = best(args.repeats, lambda: riskscale.classify(raw, policy))
    plain = best(args.repeats, lambda: riskscale.classify(model))
    peer = best(args.repeats, lambda: riskscale.classify(pandas_mapping(raw)))
    columns = [c for c in plain[2].columns if c != "account_id"]
    pd.testing.assert_frame_equal(mapped[2][columns], plain[2][columns], check_exact=True)

    print(f"riskscale.classify, {args.rows:,} rows, best of {args.repeats}")
    print(f"{'run':52} {'seconds':>8} {'rows/s':>12} {'CPU s':>7}")
    for name, (wall, cpu, _) in [("raw frame through inputs (mapping in the core)", mapped),
                                 ("frame in model units", plain),
                                 ("pandas maps the raw frame, then the core", peer)]:
        print(f"{name:52} {wall:8.3f} {args.rows / wall:12,.0f} {cpu:7.2f}")
    print(f"mapped / unmapped {mapped[0] / plain[0]:.2f}x; pandas mapping + core / mapped {peer[0] / mapped[0]:.1f}x; "
          "results equal")


if __name__ == "__main__":
    main()
