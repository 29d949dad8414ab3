"""riskscale.dask: a LocalCluster of worker processes gives exactly the single-machine result."""

import os
import time

import numpy as np
import pandas as pd
import pytest

import riskscale

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
import dask.dataframe as dd  # noqa: E402

import riskscale.dask as rdask  # noqa: E402

ROWS = 1_000_000


@pytest.fixture(scope="module")
def portfolio_csv(tmp_path_factory):
    """10^6 random accounts, with a few invalid rows, as a CSV file."""
    rng = np.random.default_rng(20261127)
    frame = pd.DataFrame({
        "account_id": [f"D{i:07d}" for i in range(ROWS)],
        "sensitive_data": rng.random(ROWS).round(3),
        "org_disruption": rng.random(ROWS).round(3),
        "physical_safety": rng.random(ROWS).round(3),
        "legal_exposure": rng.random(ROWS).round(3),
        "active_days": (rng.random(ROWS) * 31).round(1),
        "users": np.floor(np.exp(rng.random(ROWS) * 10)),
    })
    path = tmp_path_factory.mktemp("dask") / "portfolio.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def cluster_client():
    """Two worker processes on loopback, one thread each; always shut down."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None, memory_limit="2GiB")
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def read(path):
    size = os.path.getsize(path)
    # dask cuts the file at multiples of blocksize; pick the one that makes 16 partitions.
    ddf = next(d for d in (dd.read_csv(path, blocksize=size // n) for n in (16, 15, 17)) if d.npartitions == 16)
    assert ddf.npartitions == 16
    return ddf


def single_machine(path, **kwargs):
    return riskscale.classify(pd.read_csv(path), **kwargs)


def test_meta_is_exact_and_nothing_runs_until_computed(portfolio_csv):
    result = rdask.classify(read(portfolio_csv))
    assert list(result.columns) == list(riskscale._classify.SPEC_COLUMNS)
    assert isinstance(result.dtypes["archetype"], pd.CategoricalDtype)
    assert list(result.dtypes["archetype"].categories) == list(riskscale.ARCHETYPES)
    assert result.dtypes["borderline"] == bool
    assert result.dtypes["risk_score"] == np.float64


def test_cluster_result_equals_one_machine_row_for_row(portfolio_csv, cluster_client):
    result = rdask.classify(read(portfolio_csv)).compute().reset_index(drop=True)
    expected = single_machine(portfolio_csv)
    assert len(result) == ROWS
    pd.testing.assert_frame_equal(result, expected, check_exact=True)
    table = rdask.summary(rdask.classify(read(portfolio_csv)))
    reference = riskscale.summary(expected)
    pd.testing.assert_frame_equal(table, reference, rtol=1e-12)
    pd.testing.assert_frame_equal(table.attrs["formats"], reference.attrs["formats"])
    pd.testing.assert_frame_equal(table.attrs["closest"], reference.attrs["closest"])


def test_threaded_scheduler_gives_the_same_result(portfolio_csv):
    small = dd.from_pandas(pd.read_csv(portfolio_csv, nrows=50_000), npartitions=4)
    with dask.config.set(scheduler="threads"):
        result = rdask.classify(small).compute()
    pd.testing.assert_frame_equal(result, riskscale.classify(small.compute()), check_exact=True)


def test_invalid_rows_follow_on_invalid(tmp_path):
    frame = pd.read_csv(os.path.join(os.environ.get("RISKSCALE_SHARED_DIR", "../shared"), "conformance", "invalid.csv"))
    frame = frame[frame["account_id"] != "BAD_TEXT"]  # a text cell is a read error, not a model one
    ddf = dd.from_pandas(frame, npartitions=3)
    flagged = rdask.classify(ddf, on_invalid="flag").compute()
    assert len(flagged) == len(frame)  # nothing dropped
    assert flagged["invalid_reason"].notna().sum() == 5
    pd.testing.assert_frame_equal(flagged, riskscale.classify(frame, on_invalid="flag"), check_exact=True)
    with pytest.raises(ValueError, match="column 'sensitive_data'"):
        rdask.classify(ddf, on_invalid="raise").compute(scheduler="synchronous")


def test_a_killed_worker_does_not_lose_the_result(portfolio_csv, cluster_client):
    future = cluster_client.compute(rdask.classify(read(portfolio_csv)))
    deadline = time.time() + 30
    while not any(cluster_client.processing().values()) and time.time() < deadline:
        time.sleep(0.05)
    victim = next(iter(cluster_client.scheduler_info()["workers"]))
    # The worker dies mid-call (so the call reports nothing); its nanny restarts it and Dask retries its tasks.
    cluster_client.run(os._exit, 1, workers=[victim], on_error="ignore")
    result = future.result(timeout=300).reset_index(drop=True)
    assert len(result) == ROWS
    pd.testing.assert_frame_equal(result, single_machine(portfolio_csv), check_exact=True)
