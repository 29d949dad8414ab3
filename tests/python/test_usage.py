"""riskscale.usage and riskscale.dask.usage (SPEC §10): conformance rows, column types, invalid events, merge."""
import datetime
import json
import pickle
import threading

import dask
import dask.dataframe as dd
import distributed
import numpy as np
import pandas as pd
import pytest

import riskscale
import riskscale.dask
from riskscale import _core

COLUMNS = dict(account="account", user="user", time="time")


@pytest.fixture(scope="module")
def usage_dir(conformance):
    return conformance / "usage"


@pytest.fixture(scope="module")
def counts(usage_dir):
    return json.loads((usage_dir / "expected_counts.json").read_text())


@pytest.fixture(scope="module")
def events(usage_dir):
    return pd.read_csv(usage_dir / "events.csv", dtype=str, keep_default_na=False)


def expected(usage_dir, name):
    return pd.read_csv(usage_dir / name, dtype={"account_id": str, "last_event": str}, keep_default_na=False)


def assert_rows(result, want):
    assert list(result.columns) == ["account_id", "active_users", "active_days", "events", "last_event"]
    assert list(result["account_id"]) == list(want["account_id"])
    assert list(result["active_users"]) == list(want["active_users"])
    assert list(result["events"]) == list(want["events"])
    np.testing.assert_allclose(result["active_days"], want["active_days"], rtol=0, atol=1e-12)
    last = [d.strftime("%Y-%m-%d") if not pd.isna(d) else "" for d in result["last_event"]]
    assert last == list(want["last_event"])
    assert result["last_event"].dtype == "datetime64[ns]"


def window(counts):
    return dict(as_of=counts["as_of"], window_days=counts["window_days"])


def test_conformance_expected_usage(events, usage_dir, counts):
    result = riskscale.usage(events, **COLUMNS, **window(counts), on_invalid="flag")
    assert_rows(result, expected(usage_dir, "expected_usage.csv"))
    invalid = result.attrs["invalid_events"]
    assert invalid["count"] == counts["invalid_events"]
    assert result.attrs["counts"]["outside_window"] == counts["outside_window"]
    assert invalid["reasons"] == ["missing_value", "missing_value", "invalid_time", "invalid_time"]
    assert invalid["columns"] == ["user", "account", "time", "time"]
    assert list(events.loc[invalid["rows"], "event"]) == ["bad_empty_user", "bad_empty_account", "bad_date",
                                                          "bad_format"]
    c = result.attrs["counts"]
    assert c["events_read"] == len(events) == c["used"] + c["outside_window"] + invalid["count"]


def test_conformance_with_accounts(events, usage_dir, counts):
    accounts = pd.read_csv(usage_dir / "accounts.csv", dtype=str)
    for table in (accounts, accounts["account_id"], list(accounts["account_id"])):
        result = riskscale.usage(events, **COLUMNS, **window(counts), accounts=table, on_invalid="flag")
        assert_rows(result, expected(usage_dir, "expected_usage_with_accounts.csv"))
        assert result.attrs["counts"]["not_in_accounts"] == 1
        assert result.attrs["counts"]["outside_window"] == counts["outside_window"]


def test_invalid_events_raise_input_error_naming_the_row_label(events, counts):
    labelled = events.set_index(pd.Index([f"e{i}" for i in range(len(events))]))
    with pytest.raises(riskscale.InputError) as caught:
        riskscale.usage(labelled, **COLUMNS, **window(counts))
    assert "row 'e720', column 'user'" in str(caught.value)
    assert caught.value.row == "e720" and caught.value.column == "user"
    assert isinstance(caught.value, ValueError)
    bad_time = events.iloc[[0, 723]]
    with pytest.raises(riskscale.InputError, match=r"row 723, column 'time': invalid_time: time '30/06/2026'"):
        riskscale.usage(bad_time, **COLUMNS)


def test_every_column_type_gives_the_same_result():
    texts = ["2024-03-01T10:00:00Z", "2024-03-02 23:30:00-02:00", "2024-03-03", "2024-03-03T00:30:00+01:00",
             "2024-03-05T12:00:00.5Z"]
    stamps = pd.to_datetime(texts, utc=True)
    base = pd.DataFrame({"account_id": ["A", " A", "B", "B", "A"], "user_id": ["u1", "u2", "u1", "u1", "u1"],
                         "timestamp": texts})
    reference = riskscale.usage(base, window_days=7)
    assert list(reference["account_id"]) == ["A", "B"]
    assert list(reference["active_users"]) == [2, 1]
    variants = {
        "categorical ids and times": base.astype("category"),
        "string dtype": base.astype("string"),
        "tz-aware datetime": base.assign(timestamp=stamps.tz_convert("America/Sao_Paulo")),
        "naive datetime (UTC)": base.assign(timestamp=stamps.tz_localize(None)),
        "epoch seconds": base.assign(timestamp=stamps.asi8 // 10**9),
        "float epoch seconds": base.assign(timestamp=(stamps.asi8 // 10**9).astype(float)),
        "object of Timestamps": base.assign(timestamp=pd.Series(list(stamps), dtype=object)),
    }
    for name, frame in variants.items():
        got = riskscale.usage(frame, window_days=7)
        pd.testing.assert_frame_equal(got, reference, check_exact=True, obj=name)


def test_numeric_ids_are_read_as_their_text():
    frame = pd.DataFrame({"account_id": [1001, 1001, 1002], "user_id": [7, 8, 7], "timestamp": ["2024-03-01"] * 3})
    result = riskscale.usage(frame)
    assert list(result["account_id"]) == ["1001", "1002"]
    assert list(result["active_users"]) == [2, 1]


def test_missing_values_of_every_kind_are_missing_value():
    frame = pd.DataFrame({"account_id": ["A", None, "A", "A", "A", "A"],
                          "user_id": ["u", "u", np.nan, pd.NA, "u", "u"],
                          "timestamp": ["2024-03-01", "2024-03-01", "2024-03-01", "2024-03-01", None, "soon"]},
                         index=list("abcdef"))
    result = riskscale.usage(frame, on_invalid="flag")
    invalid = result.attrs["invalid_events"]
    assert invalid["rows"] == ["b", "c", "d", "e", "f"]
    assert invalid["reasons"] == ["missing_value"] * 4 + ["invalid_time"]
    assert invalid["columns"] == ["account_id", "user_id", "user_id", "timestamp", "timestamp"]
    assert (invalid["missing_value"], invalid["invalid_time"]) == (4, 1)
    nat = pd.DataFrame({"account_id": ["A", "A"], "user_id": ["u", "u"],
                        "timestamp": pd.to_datetime(["2024-03-01", None])})
    assert riskscale.usage(nat, on_invalid="flag").attrs["invalid_events"]["reasons"] == ["missing_value"]
    epochs = pd.DataFrame({"account_id": ["A", "A", "A"], "user_id": ["u", "u", "u"],
                           "timestamp": pd.array([1709251200, None, -9_000_000_000], dtype="Int64")})
    flagged = riskscale.usage(epochs, on_invalid="flag").attrs["invalid_events"]
    assert flagged["reasons"] == ["missing_value", "invalid_time"]  # -9e9 s is 1684, before 1900


def test_defaults_windows_and_arguments():
    frame = pd.DataFrame({"account_id": ["A"] * 3, "user_id": ["u"] * 3,
                          "timestamp": ["2024-03-01", "2024-03-08", "2024-03-09"]})
    latest = riskscale.usage(frame, window_days=8)
    assert latest.attrs["as_of"] == "2024-03-09"
    assert latest["active_days"][0] == pytest.approx(2 * 30 / 8)  # 2024-03-01 = as_of − W: excluded
    for as_of in ("2024-03-08", datetime.date(2024, 3, 8), pd.Timestamp("2024-03-08 23:00"),
                  pd.Timestamp("2024-03-09 00:30", tz="Europe/Berlin")):
        result = riskscale.usage(frame, as_of=as_of, window_days=8)
        assert result.attrs["as_of"] == "2024-03-08", as_of
        assert result["events"][0] == 2
    for bad in (dict(window_days=0), dict(window_days=367), dict(window_days=2.5), dict(on_invalid="drop"),
                dict(as_of="2024-02-30"), dict(as_of="1800-01-01"), dict(time="when")):
        with pytest.raises(ValueError):
            riskscale.usage(frame, **bad)
    with pytest.raises(TypeError):
        riskscale.usage({"account_id": []})
    with pytest.raises(riskscale.InputError, match="appears again|lists this id again"):
        riskscale.usage(frame, accounts=["A", "B", "A "])


def test_empty_frames():
    empty = pd.DataFrame({"account_id": pd.Series([], dtype=object), "user_id": pd.Series([], dtype=object),
                          "timestamp": pd.Series([], dtype=object)})
    result = riskscale.usage(empty)
    assert len(result) == 0 and result.attrs["as_of"] is None
    assert list(result.columns) == ["account_id", "active_users", "active_days", "events", "last_event"]
    zeros = riskscale.usage(empty, accounts=["X"])
    assert zeros.iloc[0].tolist()[:4] == ["X", 0, 0.0, 0] and pd.isna(zeros["last_event"][0])


def test_gil_is_released_while_the_core_aggregates():
    rng = np.random.default_rng(3)
    n = 400_000
    frame = pd.DataFrame({"account_id": rng.integers(0, 500, n).astype(str).astype(object),
                          "user_id": rng.integers(0, 20000, n).astype(str).astype(object),
                          "timestamp": (1709251200 + rng.integers(0, 40 * 86400, n)).astype(str).astype(object)})
    ticks = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            ticks.append(1)
            done.wait(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        result = riskscale.usage(frame)
    finally:
        done.set()
        ticker.join()
    assert result["events"].sum() + result.attrs["counts"]["outside_window"] == n
    assert len(ticks) > 5  # the other Python thread ran while usage() was busy


def test_partial_aggregates_pickle_and_merge_to_the_whole(events, counts):
    whole = riskscale.usage(events, **COLUMNS, **window(counts), on_invalid="flag")
    rng = np.random.default_rng(5)
    for parts in (2, 5, 11):
        assignment = rng.integers(0, parts, len(events))
        merged = _core.UsageAggregate(counts["as_of"], counts["window_days"])
        for p in range(parts):
            piece = events[assignment == p]
            state, _ = riskscale._usage._aggregate(piece, "account", "user", "time", counts["as_of"],
                                                   counts["window_days"], "flag")
            merged.merge(pickle.loads(pickle.dumps(state)))
        pd.testing.assert_frame_equal(riskscale._usage._frame(merged, None), whole, check_exact=True)
    with pytest.raises(riskscale.RiskscaleError):
        _core.UsageAggregate(None, 28).merge(_core.UsageAggregate(None, 30))
    state_bytes = _core.UsageAggregate().__getstate__()
    for broken in (state_bytes[:-3], b"not an aggregate", state_bytes + b"x"):
        empty = _core.UsageAggregate.__new__(_core.UsageAggregate)
        with pytest.raises(riskscale.RiskscaleError, match="cannot read a usage aggregate"):
            empty.__setstate__(broken)


def test_dask_usage_equals_one_machine_for_any_partitioning(events, usage_dir, counts):
    want = riskscale.usage(events, **COLUMNS, **window(counts), on_invalid="flag")
    accounts = pd.read_csv(usage_dir / "accounts.csv", dtype=str)
    with dask.config.set(scheduler="threads"):
        for partitions in (1, 3, 8):
            ddf = dd.from_pandas(events.sample(frac=1, random_state=partitions), npartitions=partitions)
            got = riskscale.dask.usage(ddf, **COLUMNS, **window(counts), on_invalid="flag")
            pd.testing.assert_frame_equal(got, want, check_exact=True)
            assert got.attrs["invalid_events"]["count"] == counts["invalid_events"]
            assert sorted(got.attrs["invalid_events"]["rows"]) == sorted(want.attrs["invalid_events"]["rows"])
            table = riskscale.dask.usage(ddf, **COLUMNS, **window(counts), accounts=accounts, on_invalid="flag")
            assert_rows(table, expected(usage_dir, "expected_usage_with_accounts.csv"))
        with pytest.raises(riskscale.InputError, match="column 'user'"):
            riskscale.dask.usage(dd.from_pandas(events, npartitions=4), **COLUMNS, **window(counts))
        with pytest.raises(ValueError):
            riskscale.dask.usage(dd.from_pandas(events, npartitions=2), **COLUMNS, as_of="2024-13-01")


@pytest.mark.slow
def test_dask_usage_on_worker_processes(tmp_path, events, usage_dir, counts):
    path = tmp_path / "events.csv"
    events.to_csv(path, index=False)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, memory_limit="1GiB")
    client = distributed.Client(cluster)
    try:
        ddf = dd.read_csv(path, dtype=str, keep_default_na=False, blocksize=8000)
        assert ddf.npartitions > 2
        got = riskscale.dask.usage(ddf, **COLUMNS, **window(counts), on_invalid="flag")
        assert_rows(got, expected(usage_dir, "expected_usage.csv"))
        assert got.attrs["counts"]["outside_window"] == counts["outside_window"]
    finally:
        client.close()
        cluster.close()
