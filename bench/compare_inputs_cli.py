"""`riskscale classify` of a CRM-style export through a policy's `inputs` (SPEC §9), next to the same rows
already in model units and next to the pandas way, in one run.

    /usr/bin/python3 bench/compare_inputs_cli.py [--rows 1000000] [--cli build/bin/riskscale]
                                                 [--repeats 3] [--threads N] [--rss-copies 10]

Steps, all on one machine, files read from the page cache:
 1. generate --rows CRM-style rows (seeded numpy): 4 text columns of 20 distinct values each, read by
    `map` rules; an admin count read by `bands`; a login count read by `linear`; a user count read by a
    rename; the account id by a rename; and write the same accounts in model units (SPEC §2 columns,
    the values the rules give, in their shortest round-trip text);
 2. time `riskscale classify CRM --policy P` (mapped) and `riskscale classify MODEL` (unmapped),
    best of --repeats each, and check that both outputs are the same bytes;
 3. time the pandas way on the CRM file: read_csv, Series.map of the trimmed, lower-cased text,
    np.select for the bands, np.interp for the linear rule, then the SPEC §3–§6 math in numpy and
    to_csv (bench/compare_pandas_cli.py's peer), and compare its output with riskscale's;
 4. with --rss-copies K: peak RSS of the mapped classify on K copies of the CRM rows streamed from
    stdin (K × --rows rows; the output is counted by `wc -c`, not kept), by /usr/bin/time -v.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import machine  # bench/machine.py: the CPU, load, numpy SIMD and kernel copy of this run
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_pandas_cli import best_of, compare_outputs, peak_rss_mb, run_checked, spec_outputs  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]

# 20 texts per mapped column, each with the value its rule gives.
INDUSTRIES = ["Healthcare", "Banking", "Insurance", "Biotechnology", "Government", "Consulting", "Education",
              "Utilities", "Technology", "Retail", "Manufacturing", "Transportation", "Construction", "Media",
              "Hospitality", "Energy", "Telecommunications", "Legal", "Nonprofit", "Agriculture"]
ORG_TYPES = [f"Org type {k:02d}" for k in range(20)]
FIELD_OPS = ["None", "Office only", "Low", "Warehouse", "Medium", "Plant", "High", "Lab", "Remote", "Depot",
             "Retail floor", "Clinic", "Site visits", "Fleet", "Yard", "Kitchen", "Studio", "Campus", "Mine", "Rig"]
COMPLIANCE = ["None", "SOC 2", "ISO 27001", "HIPAA", "SOX", "GDPR", "FedRAMP", "PCI DSS", "CCPA", "FERPA",
              "GLBA", "NIST 800-53", "CMMC", "ITAR", "FISMA", "HITRUST", "ISO 9001", "TISAX", "DORA", "NIS2"]
BANDS = [[0, 0.05], [3, 0.15], [8, 0.3], [15, 0.45], [25, 0.6], [40, 0.8]]
KNOTS = [[0, 0], [10, 4], [60, 18], [200, 31]]


def values_for(texts, low, high, seed):
    rng = np.random.default_rng(seed)
    return {text: round(float(v), 2) for text, v in zip(texts, rng.uniform(low, high, len(texts)))}


MAPS = {
    "sensitive_data": ("Industry", values_for(INDUSTRIES, 0.05, 0.9, 1)),
    "org_disruption": ("Org_Type__c", values_for(ORG_TYPES, 0.0, 0.8, 2)),
    "physical_safety": ("Field_Operations__c", values_for(FIELD_OPS, 0.0, 0.8, 3)),
    "legal_exposure": ("Compliance__c", values_for(COMPLIANCE, 0.05, 0.95, 4)),
}


def policy_document():
    inputs = {"account_id": "Id"}
    for model, (column, mapping) in MAPS.items():
        inputs[model] = {"column": column, "map": mapping}
    # The fifth rule kind: org_disruption from the admin count by bands would replace its map, so the
    # bands feed seats here (a licence pack size), keeping 4 maps + 1 bands + 1 linear + 1 rename.
    inputs["seats"] = {"column": "Admin_Count__c", "bands": BANDS}
    inputs["active_days"] = {"column": "Logins_30d__c", "linear": KNOTS}
    inputs["users"] = "Active_Users__c"
    return {"version": 1, "inputs": inputs}


def generate(rows, workdir):
    """The CRM export and the same accounts in model units."""
    crm_path, model_path, policy_path = workdir / f"crm_{rows}.csv", workdir / f"model_{rows}.csv", workdir / "crm_policy.json"
    policy_path.write_text(pd.io.json.dumps(policy_document()))
    if crm_path.exists() and model_path.exists():
        print(f"  using the existing {crm_path} and {model_path} (delete them to regenerate)")
        return crm_path, model_path, policy_path
    start = time.perf_counter()
    rng = np.random.default_rng(20261201)
    ids = np.char.add("ACC-", np.char.zfill(np.arange(1, rows + 1).astype(str), 7))
    crm = {"Id": ids}
    model = {"account_id": ids}
    for name, (column, mapping) in MAPS.items():
        texts = np.array(list(mapping))
        codes = rng.integers(0, len(texts), rows)
        crm[column] = texts[codes]
        model[name] = np.array(list(mapping.values()))[codes]
    admins = rng.integers(0, 60, rows)
    logins = np.round(rng.gamma(2.0, 30.0, rows), 1)
    users = np.floor(np.exp(rng.uniform(0, 9, rows)))
    crm["Admin_Count__c"] = admins
    crm["Logins_30d__c"] = logins
    crm["Active_Users__c"] = users.astype(np.int64)
    lowers = np.array([b[0] for b in BANDS])
    # SPEC §9 linear, in the order of operations y0 + (x - x0)(y1 - y0)/(x1 - x0), so the model units
    # are the very doubles the rule gives and the two riskscale outputs can be compared byte for byte.
    knot_x, knot_y = np.array([k[0] for k in KNOTS], float), np.array([k[1] for k in KNOTS], float)
    segment = np.clip(np.searchsorted(knot_x, logins, side="right") - 1, 0, len(KNOTS) - 2)
    x0, x1, y0, y1 = knot_x[segment], knot_x[segment + 1], knot_y[segment], knot_y[segment + 1]
    model["active_days"] = np.where(logins >= knot_x[-1], knot_y[-1], y0 + (logins - x0) * (y1 - y0) / (x1 - x0))
    model["users"] = users
    model["seats"] = np.array([b[1] for b in BANDS])[np.searchsorted(lowers, admins, side="right") - 1]
    pd.DataFrame(crm).to_csv(crm_path, index=False)
    pd.DataFrame(model).to_csv(model_path, index=False)  # shortest round-trip text: the same doubles
    print(f"  generated {rows:,} CRM rows and their model units in {time.perf_counter() - start:.1f} s")
    return crm_path, model_path, policy_path


def pandas_way(crm_path, output_path):
    """read_csv, Series.map / np.select / np.interp, then the SPEC math and to_csv."""
    frame = pd.read_csv(crm_path, dtype={"Id": str}, keep_default_na=False)
    x = {}
    for name, (column, mapping) in MAPS.items():
        folded = {key.strip(" \t").lower(): value for key, value in mapping.items()}
        x[name] = frame[column].str.strip(" \t").str.lower().map(folded).to_numpy(dtype=float)
    admins = frame["Admin_Count__c"].to_numpy(dtype=float)
    x["seats"] = np.select([admins >= b[0] for b in reversed(BANDS)], [b[1] for b in reversed(BANDS)], np.nan)
    x["active_days"] = np.interp(frame["Logins_30d__c"].to_numpy(dtype=float), [k[0] for k in KNOTS],
                                 [k[1] for k in KNOTS])
    x["users"] = frame["Active_Users__c"].to_numpy(dtype=float)
    valid = np.ones(len(frame), dtype=bool)
    for values in x.values():
        valid &= ~np.isnan(values)
    out = spec_outputs(frame["Id"].to_numpy()[valid], {name: values[valid] for name, values in x.items()})
    out.to_csv(output_path, index=False)
    return len(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cli", type=Path, default=REPO_ROOT / "build" / "bin" / "riskscale")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/riskscale_bench_inputs"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, help="riskscale --threads (default: all cores)")
    parser.add_argument("--rss-copies", type=int, default=0, help="peak RSS on this many copies of the rows")
    args = parser.parse_args()
    machine.print_machine(cli=args.cli)
    if not args.cli.is_file():
        sys.exit(f"{args.cli} not found; build it: cmake --preset release && cmake --build build --target riskscale_cli")
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"riskscale classify through inputs vs model units vs pandas {pd.__version__}, {os.cpu_count()} cores, "
          f"best of {args.repeats}")
    crm, model, policy = generate(args.rows, args.workdir)
    threads = ["--threads", str(args.threads)] if args.threads else []

    mapped_out, plain_out, pandas_out = (args.workdir / name for name in ("mapped.csv", "plain.csv", "pandas.csv"))
    mapped_command = [str(args.cli), "classify", str(crm), "--policy", str(policy), "-o", str(mapped_out), *threads]
    plain_command = [str(args.cli), "classify", str(model), "-o", str(plain_out), *threads]
    rejects = [Path(str(p).replace(".csv", ".rejects.csv")) for p in (mapped_out, plain_out)]
    # Interleaved, so drift of a shared machine hits both alike.
    mapped_seconds, plain_seconds = (float("inf"), float("inf")), (float("inf"), float("inf"))
    for _ in range(args.repeats):
        m, mapped_run = best_of(1, lambda: run_checked(mapped_command), (mapped_out, rejects[0]))
        p, plain_run = best_of(1, lambda: run_checked(plain_command), (plain_out, rejects[1]))
        mapped_seconds = tuple(map(min, mapped_seconds, m))
        plain_seconds = tuple(map(min, plain_seconds, p))
    same = mapped_out.read_bytes() == plain_out.read_bytes()
    pandas_seconds, pandas_rows = best_of(args.repeats, lambda: pandas_way(crm, pandas_out), (pandas_out,))
    problems, compared = compare_outputs(mapped_out, pandas_out)

    rows = args.rows
    print(f"\nriskscale mapped:   {mapped_run.stderr.strip().splitlines()[-1]}")
    print(f"riskscale unmapped: {plain_run.stderr.strip().splitlines()[-1]}")
    print(f"pandas:             classified {pandas_rows:,} accounts")
    print(f"\n{'run':44} {'seconds':>8} {'rows/s':>12} {'CPU s':>7}")
    for name, (seconds, cpu) in [("riskscale classify, CRM export + inputs", mapped_seconds),
                                 ("riskscale classify, model units", plain_seconds),
                                 ("pandas read_csv+map/select/interp+math", pandas_seconds)]:
        print(f"{name:44} {seconds:8.3f} {rows / seconds:12,.0f} {cpu:7.2f}")
    print(f"\nmapped / unmapped: {mapped_seconds[0] / plain_seconds[0]:.2f}x wall, "
          f"{mapped_seconds[1] / plain_seconds[1]:.2f}x CPU (target <= 2x); pandas / mapped: "
          f"{pandas_seconds[0] / mapped_seconds[0]:.1f}x wall, {pandas_seconds[1] / mapped_seconds[1]:.1f}x CPU "
          f"(target >= 20x); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"mapped and unmapped outputs are {'the same bytes' if same else 'DIFFERENT'}")

    if args.rss_copies:
        total = args.rss_copies * rows
        print(f"\npeak RSS, {total:,} rows from stdin ({args.rss_copies} copies):")
        feed = f"cat {crm}; for i in $(seq 2 {args.rss_copies}); do tail -n +2 {crm}; done"
        script = (f"({feed}) | /usr/bin/time -v {args.cli} classify - --policy {policy} -o - {' '.join(threads)} "
                  f"2> {args.workdir}/rss.txt | wc -c")
        start = time.perf_counter()
        written = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False).stdout.strip()
        report = (args.workdir / "rss.txt").read_text()
        import re
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report).group(1)) / 1024
        summary = [line for line in report.splitlines() if line.startswith("classified")]
        print(f"  peak RSS {rss:,.1f} MB (target < 100 MB); {summary[-1] if summary else ''}; "
              f"{int(written):,} bytes out; {time.perf_counter() - start:.1f} s")
    for path in (mapped_out, plain_out, pandas_out, *rejects):
        path.unlink(missing_ok=True)
    if problems or not same:
        print("\nOUTPUTS DISAGREE:\n  " + "\n  ".join(problems or ["mapped != unmapped"]))
        sys.exit(1)
    print(f"\noutputs agree on all {compared:,} rows")


if __name__ == "__main__":
    _ = peak_rss_mb  # the RSS above is read from /usr/bin/time -v as peak_rss_mb does, around a pipe
    main()
