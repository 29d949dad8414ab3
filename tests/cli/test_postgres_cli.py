"""A warehouse round trip: accounts in PostgreSQL, out with psql's \\copy, through `riskscale classify -`
with the CRM policy (SPEC §9), and the results back in with \\copy, as the README's recipe does.

The server is a throwaway cluster: `initdb` in a temporary folder, Unix socket only (no TCP), stopped
and deleted at the end. Skipped, with a message, only where PostgreSQL is not installed (Debian package
`postgresql`, in scripts/install-deps.sh). Run as root, the cluster belongs to the `postgres` user.
"""
import glob
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CRM = REPO_ROOT / "examples" / "data" / "crm_accounts.csv"
POLICY = REPO_ROOT / "examples" / "policies" / "crm.json"
CRM_COLUMNS = ["Id", "Name", "Industry", "BillingCountry", "Plan__c", "Seats__c", "Active_Users__c",
               "Admin_Count__c", "Compliance__c", "Handles_PII__c", "Field_Operations__c", "DAU_MAU_Ratio__c"]
RESULT_COLUMNS = [
    ("Name", "text"), ("account_id", "text"), ("risk_score", "double precision"),
    ("scale_score", "double precision"), ("frequency_score", "double precision"),
    ("reach_score", "double precision"), ("archetype", "text"), ("margin", "double precision"),
    ("borderline", "boolean"), ("p_high_scale_high_risk", "double precision"),
    ("p_high_scale_low_risk", "double precision"), ("p_low_scale_high_risk", "double precision"),
    ("p_low_scale_low_risk", "double precision"), ("recommendations", "text"),
    ("users_for_high_scale", "double precision"), ("active_days_for_high_scale", "double precision"),
]


def postgres_bin():
    for name in ("initdb", "pg_ctl"):
        if shutil.which(name) is None and not glob.glob(f"/usr/lib/postgresql/*/bin/{name}"):
            return None
    found = shutil.which("pg_ctl") or sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
    return Path(os.path.realpath(found)).parent


@pytest.fixture(scope="module")
def server():
    """(psql command prefix, run-as prefix) for a fresh cluster on a Unix socket in a temporary folder."""
    bindir = postgres_bin()
    if bindir is None or shutil.which("psql") is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql; scripts/install-deps.sh installs it)")
    as_user = []
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="riskscale-pg-"))
    data, socket = folder / "data", folder / "socket"
    socket.mkdir()
    if as_user:
        shutil.chown(folder, "postgres")
        shutil.chown(socket, "postgres")
    try:
        subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres",
                        "--encoding=UTF8", "--locale=C"], check=True, capture_output=True, timeout=120)
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w",
                        "-o", f"-c listen_addresses='' -k {socket}", "start"], check=True, capture_output=True,
                       timeout=120)
    except subprocess.CalledProcessError as error:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"could not start a throwaway PostgreSQL: {error.stderr.decode()[-500:]}")
    psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(socket), "-U", "postgres", "-d", "postgres"]
    try:
        yield psql
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


def sql(psql, command, stdin=None):
    done = subprocess.run([*psql, "-c", command], input=stdin, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_warehouse_round_trip(server, cli, tmp_path):
    psql = server
    columns = ", ".join(f'"{c}" text' for c in CRM_COLUMNS)
    sql(psql, f"CREATE TABLE accounts ({columns})")
    sql(psql, "\\copy accounts FROM STDIN (FORMAT csv, HEADER)", stdin=CRM.read_bytes())
    # Cells that are NULL in the database: psql writes them as empty unquoted fields.
    sql(psql, "UPDATE accounts SET \"Handles_PII__c\" = NULL WHERE \"Handles_PII__c\" = ''")
    result_columns = ", ".join(f'"{name}" {kind}' for name, kind in RESULT_COLUMNS)
    sql(psql, f"CREATE TABLE results ({result_columns})")

    rejects = tmp_path / "rejects.csv"
    # The README's recipe, one pipeline: the database out, riskscale, the database in.
    export = " ".join(psql) + ' -c "\\copy (SELECT * FROM accounts ORDER BY \\"Id\\") TO STDOUT (FORMAT csv, HEADER)"'
    classify = f"{cli} classify - --policy {POLICY} --keep Name -o - --rejects {rejects}"
    load = " ".join(psql) + ' -c "\\copy results FROM STDIN (FORMAT csv, HEADER)"'
    done = subprocess.run(["bash", "-o", "pipefail", "-c", f"{export} | {classify} | {load}"], capture_output=True,
                          timeout=300)
    assert done.returncode == 1, done.stderr.decode()  # riskscale's 1: rows rejected, results loaded
    assert b"classified 2,394 accounts, rejected 6" in done.stderr

    # Row counts add up: results + rejects = accounts.
    count = lambda table: int(sql(psql, f"SELECT count(*) FROM {table}").split()[-3])  # noqa: E731
    rejected = pd.read_csv(rejects)
    assert count("results") + len(rejected) == count("accounts") == 2400
    assert sorted(rejected["reason"]) == sorted(["unmapped_value", "below_range", "above_range", "not_a_number",
                                                 "missing_value", "not_a_number"])

    # Values survive psql's CSV dialect: the table equals riskscale's output of the file itself.
    direct = tmp_path / "direct.csv"
    assert subprocess.run([str(cli), "classify", str(CRM), "--policy", str(POLICY), "--keep", "Name", "-o",
                           str(direct)], capture_output=True).returncode == 1
    expected = pd.read_csv(direct, keep_default_na=False, na_values={"users_for_high_scale": [""],
                                                                    "active_days_for_high_scale": [""]})
    back = pd.read_csv(io.BytesIO(sql(psql, "\\copy (SELECT * FROM results ORDER BY account_id) TO STDOUT "
                                            "(FORMAT csv, HEADER)")),
                       keep_default_na=False, na_values={"users_for_high_scale": [""],
                                                         "active_days_for_high_scale": [""]})
    expected = expected.sort_values("account_id", ignore_index=True)
    assert back["Name"].tolist() == expected["Name"].tolist()  # commas and quotes in names
    assert back["account_id"].tolist() == expected["account_id"].tolist()
    for name, kind in RESULT_COLUMNS:
        if kind == "double precision":  # float8 keeps every bit (extra_float_digits = 1 by default)
            np.testing.assert_array_equal(back[name].to_numpy(float), expected[name].to_numpy(float), err_msg=name)
    assert (back["borderline"].map({"t": True, "f": False}) == expected["borderline"]).all()
    assert back["recommendations"].tolist() == expected["recommendations"].tolist()
    nulls = int(sql(psql, "SELECT count(*) FROM results WHERE users_for_high_scale IS NULL").split()[-3])
    assert nulls == int(expected["users_for_high_scale"].isna().sum()) > 0  # empty fields came back as NULL
