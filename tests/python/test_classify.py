"""riskscale.classify and riskscale.recommendations: conformance, invalid rows, dtypes, no copies, threads."""
import json
import threading
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import riskscale
from riskscale import _classify
from conformance_rows import CASES, compare_row, frame_row, read_accounts, read_expected

SPEC_COLUMNS = [
    "account_id", "risk_score", "scale_score", "frequency_score", "reach_score", "archetype", "margin",
    "borderline", "p_high_scale_high_risk", "p_high_scale_low_risk", "p_low_scale_high_risk",
    "p_low_scale_low_risk", "recommendations", "users_for_high_scale", "active_days_for_high_scale",
]
INPUTS = ["sensitive_data", "org_disruption", "physical_safety", "legal_exposure", "active_days", "users", "seats"]
FAULTS = {  # conformance/README.md: each BAD row and the column its reason must name
    "BAD_RANGE": ("sensitive_data", "sensitive_data = 1.2 is above the range; accepted: a finite number in [0, 1]"),
    "BAD_NEG": ("users", "users = -4 is below the range; accepted: a finite number in [0, 1e+09]"),
    "BAD_DAYS": ("active_days", "active_days = 32 is above the range; accepted: a finite number in [0, 31]"),
    "BAD_NAN": ("org_disruption", "org_disruption is missing or not a number (NaN); accepted: a finite number in "
                                  "[0, 1]"),
    "BAD_EMPTY": ("physical_safety", "physical_safety is missing or not a number (NaN); accepted: a finite number "
                                     "in [0, 1]"),
    "BAD_TEXT": ("legal_exposure", "legal_exposure = 'high' is not a number; accepted: a finite number in [0, 1]"),
}


def assert_same_frame(got, want):
    """Exactly equal (NaN == NaN), fast on large frames; pandas' report when they differ."""
    if not got.equals(want) or not got.index.equals(want.index) or list(got.columns) != list(want.columns):
        pd.testing.assert_frame_equal(got, want)


def random_accounts(rows, seed=7):
    """A float64 portfolio spread over the whole valid input space."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "account_id": [f"R{i}" for i in range(rows)],
        "sensitive_data": rng.random(rows), "org_disruption": rng.random(rows),
        "physical_safety": rng.random(rows) ** 4, "legal_exposure": rng.random(rows),
        "active_days": rng.random(rows) * 31, "users": np.floor(np.exp(rng.random(rows) * 9)),
        "seats": np.floor(np.exp(rng.random(rows) * 9)),
    })


@pytest.fixture(scope="module")
def invalid(conformance):
    return pd.read_csv(conformance / "invalid.csv", index_col="account_id")


# --- conformance ------------------------------------------------------------------------------

@pytest.mark.parametrize("case", sorted(CASES))
def test_every_conformance_row_through_classify(conformance, case):
    accounts_file, expected_file, policy_file = CASES[case]
    policy = riskscale.Policy.from_json(conformance / policy_file) if policy_file else None
    document = (policy or riskscale.Policy()).to_dict()
    accounts = read_accounts(conformance / accounts_file)
    expected = read_expected(conformance / expected_file)
    result = riskscale.classify(accounts, policy)
    assert list(result.columns) == SPEC_COLUMNS
    assert list(result["account_id"]) == list(expected["account_id"])
    assert len(result) == len(expected) == 90
    problems = []
    for position in range(len(expected)):
        problems += compare_row(frame_row(result, position), expected.iloc[position], document)
    assert not problems, "\n".join(problems)


def test_result_types_index_and_categories(conformance):
    accounts = read_accounts(conformance / "accounts.csv")
    shuffled = accounts.sample(frac=1.0, random_state=3).set_index(pd.Index(np.arange(90) * 10 + 5, name="row"))
    result = riskscale.classify(shuffled)
    assert result.index.equals(shuffled.index)
    assert list(result["account_id"]) == list(shuffled["account_id"])
    assert isinstance(result["archetype"].dtype, pd.CategoricalDtype)
    assert list(result["archetype"].cat.categories) == list(riskscale.ARCHETYPES) == [
        "high_scale_high_risk", "high_scale_low_risk", "low_scale_high_risk", "low_scale_low_risk"]
    assert result["borderline"].dtype == bool
    assert all(result[c].dtype == np.float64 for c in SPEC_COLUMNS if c.endswith(("_score", "margin", "high_scale"))
               or c.startswith("p_"))
    # The same rows in the original order give the same values.
    by_id = riskscale.classify(accounts).set_index("account_id")
    pd.testing.assert_frame_equal(result.set_index("account_id"), by_id.loc[result["account_id"]])


def test_a_dict_of_arrays_gives_the_dataframe_result(conformance):
    accounts = read_accounts(conformance / "accounts.csv")
    from_dict = riskscale.classify({c: accounts[c].to_numpy() for c in accounts.columns})
    pd.testing.assert_frame_equal(from_dict, riskscale.classify(accounts))
    without_id = riskscale.classify({c: accounts[c].to_numpy() for c in INPUTS})
    assert "account_id" not in without_id and list(without_id.columns) == SPEC_COLUMNS[1:]
    assert without_id.index.equals(pd.RangeIndex(90))


def test_seats_is_optional(conformance):
    accounts = read_accounts(conformance / "accounts.csv")
    pd.testing.assert_frame_equal(riskscale.classify(accounts.drop(columns="seats")), riskscale.classify(accounts))


# --- invalid rows ------------------------------------------------------------------------------

def test_raise_names_the_first_invalid_row_label_column_value_and_range(invalid):
    column, message = FAULTS["BAD_RANGE"]
    with pytest.raises(ValueError) as caught:
        riskscale.classify(invalid)
    assert str(caught.value) == f"row 'BAD_RANGE', column '{column}': {message}"
    with pytest.raises(ValueError, match=r"^row 1, column 'sensitive_data': sensitive_data = 1.2"):
        riskscale.classify(invalid.reset_index())  # a RangeIndex label


@pytest.mark.parametrize("bad", sorted(FAULTS))
def test_raise_for_each_kind_of_invalid_row(invalid, bad):
    column, message = FAULTS[bad]
    with pytest.raises(ValueError) as caught:
        riskscale.classify(invalid.loc[["OK1", bad, "OK2"]])
    assert str(caught.value) == f"row '{bad}', column '{column}': {message}"


def test_flag_keeps_every_row_and_names_each_fault(invalid):
    result = riskscale.classify(invalid, on_invalid="flag")
    assert result.index.equals(invalid.index)
    assert list(result.columns) == SPEC_COLUMNS[1:] + ["invalid_reason"]
    reasons = result["invalid_reason"]
    assert reasons.notna().sum() == 6
    for bad, (column, message) in FAULTS.items():
        assert reasons[bad] == f"{column}: {message}"
        assert result.loc[bad, ["risk_score", "scale_score", "margin", "p_low_scale_low_risk"]].isna().all()
        assert pd.isna(result.loc[bad, "archetype"]) and result.loc[bad, "recommendations"] is None
    valid = invalid.loc[["OK1", "OK2"]].astype(float)
    expected = riskscale.classify(valid)
    got = result.loc[["OK1", "OK2"]].drop(columns="invalid_reason")
    pd.testing.assert_frame_equal(got, expected)
    assert reasons[["OK1", "OK2"]].isna().all()
    assert riskscale.summary(result).attrs["rejected"] == 6


def test_flag_leaves_valid_tables_alone(conformance):
    accounts = read_accounts(conformance / "accounts.csv")
    flagged = riskscale.classify(accounts, on_invalid="flag")
    assert flagged["invalid_reason"].isna().all()
    pd.testing.assert_frame_equal(flagged.drop(columns="invalid_reason"), riskscale.classify(accounts))


# --- dtypes and copies -------------------------------------------------------------------------

def test_as_float64_returns_float64_columns_themselves():
    frame = random_accounts(1000)
    column = frame["users"]
    converted = _classify._as_float64(column, "users", frame.index, {})
    assert np.shares_memory(converted, column.to_numpy())
    array = np.random.default_rng(1).random(1000)
    assert _classify._as_float64(array, "users", frame.index, {}) is array
    array.flags.writeable = False  # the core only reads
    assert _classify._as_float64(array, "users", frame.index, {}) is array


def test_the_core_reads_the_callers_arrays_in_place(monkeypatch):
    frame = random_accounts(10_000)
    arrays = {c: frame[c].to_numpy() for c in INPUTS}
    seen = {}
    real = _classify._core.classify_columns

    def spy(columns, *args):
        seen.update(columns)
        return real(columns, *args)

    monkeypatch.setattr(_classify._core, "classify_columns", spy)
    riskscale.classify(arrays)
    assert all(seen[c] is arrays[c] for c in INPUTS)
    seen.clear()
    riskscale.classify(frame)  # DataFrame columns: views of the frame's float block
    assert all(np.shares_memory(seen[c], frame[c].to_numpy()) for c in INPUTS)


def test_float64_input_is_not_copied_peak_memory():
    """Peak traced memory with float32 input exceeds float64's by the seven converted copies.

    If float64 columns were copied too, both runs would allocate those copies and the
    difference would vanish.
    """
    rows = 1_000_000
    frame = random_accounts(rows).drop(columns="account_id")
    wide = {c: frame[c].to_numpy() for c in INPUTS}
    narrow = {c: wide[c].astype(np.float32) for c in INPUTS}

    def peak(columns):
        tracemalloc.start()
        try:
            riskscale.classify(columns, threads=2)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    copies = len(INPUTS) * rows * 8
    peak(wide)  # warm up (first-call allocations)
    difference = peak(narrow) - peak(wide)
    assert difference >= 0.9 * copies, (difference, copies)


def test_result_float_columns_are_the_cores_block_not_a_copy(monkeypatch):
    """The eleven float columns come from the core as one block that the frame keeps.

    Peak traced memory stays near the result's own size: a copy of the float columns (pandas
    consolidating them into a new block) or of the recommendations would add 88 or 8 bytes per row.
    """
    rows = 1_000_000
    columns = {c: v.to_numpy() for c, v in random_accounts(rows).drop(columns="account_id").items()}
    real = _classify._core.classify_columns
    returned = {}

    def spy(*args):
        returned.update(real(*args))
        return returned

    monkeypatch.setattr(_classify._core, "classify_columns", spy)
    riskscale.classify(columns, threads=2)  # warm up
    tracemalloc.start()
    try:
        result = riskscale.classify(columns, threads=2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    size = result.memory_usage(index=False, deep=False).sum()
    assert size >= 95 * rows  # 11 floats, archetype, borderline, a pointer per recommendation
    assert peak <= 1.12 * size, (peak, size)
    for name in ("risk_score", "margin", "active_days_for_high_scale"):
        assert np.shares_memory(result[name].to_numpy(), returned["float_block"]), name
    assert np.shares_memory(result["recommendations"].to_numpy(), returned["recommendations"])


@pytest.mark.parametrize("formats", [15, 18])
def test_large_catalogues_rank_as_assess_does(formats):
    """15 formats take the packed ranking codes (64 bits a list), 18 the general ones; both match assess()."""
    rng = np.random.default_rng(formats)
    archetypes = list(riskscale.ARCHETYPES)
    catalog = [{"id": f"format_{k:02d}", "name": f"Format {k}", "description": "A test format.",
                "affinity": {a: round(float(rng.random()), 2) for a in archetypes if rng.random() < 0.5}}
               for k in range(formats)]
    policy = riskscale.Policy.from_json(json.dumps({"version": 1, "catalog": catalog, "min_score": 0.1}))
    frame = random_accounts(20_000, seed=formats)
    result = riskscale.classify(frame, policy, threads=3)
    assert_same_frame(riskscale.classify(frame, policy, threads=1), result)
    assert result["recommendations"].nunique() > 20
    for fields in frame.iloc[::97].to_dict(orient="records"):
        want = ";".join(r.id for r in riskscale.assess(fields, policy).recommendations)
        assert result.loc[result["account_id"] == fields["account_id"], "recommendations"].item() == want


@pytest.mark.parametrize("kind", ["strided", "int64", "int32", "Int64", "Float64", "float32-exact", "object"])
def test_other_layouts_and_dtypes_give_the_float64_result(kind):
    frame = random_accounts(5000)
    frame[["users", "seats"]] = frame[["users", "seats"]].round()
    frame["active_days"] = frame["active_days"].round()
    integral = ["users", "seats", "active_days"]
    reference = riskscale.classify(frame)
    if kind == "strided":
        block = np.empty((len(frame), 2 * len(INPUTS)))
        block[:, ::2] = frame[INPUTS].to_numpy()
        columns = {c: block[:, 2 * i] for i, c in enumerate(INPUTS)}  # every other double: not contiguous
        assert not columns["users"].flags.c_contiguous
        result = riskscale.classify(dict(columns, account_id=frame["account_id"].to_numpy()))
    elif kind == "float32-exact":
        exact = frame.copy()
        for c in INPUTS:  # values a float32 holds exactly
            exact[c] = exact[c].astype(np.float32).astype(np.float64)
        reference = riskscale.classify(exact)
        result = riskscale.classify(exact.astype({c: np.float32 for c in INPUTS}))
    elif kind == "object":
        result = riskscale.classify(frame.astype({c: object for c in INPUTS}))
    else:
        result = riskscale.classify(frame.astype({c: kind for c in integral}))
    pd.testing.assert_frame_equal(result, reference)


def test_nullable_missing_values_are_invalid_not_zero():
    frame = random_accounts(3)
    frame["users"] = frame["users"].round().astype("Int64")
    frame.loc[1, "users"] = pd.NA
    with pytest.raises(ValueError, match=r"^row 1, column 'users': users is missing or not a number"):
        riskscale.classify(frame)
    flagged = riskscale.classify(frame, on_invalid="flag")
    assert flagged["invalid_reason"].notna().tolist() == [False, True, False]


# --- argument errors ---------------------------------------------------------------------------

def test_error_messages():
    frame = random_accounts(4)
    with pytest.raises(ValueError, match=r"^missing column users; the policy needs sensitive_data, org_disruption, "
                                         r"physical_safety, legal_exposure, active_days, users \(seats optional\)$"):
        riskscale.classify(frame.drop(columns="users"))
    with pytest.raises(ValueError, match=r"^missing columns active_days, users;"):
        riskscale.classify(frame.drop(columns=["users", "active_days"]))
    with pytest.raises(ValueError, match=r"^on_invalid='drop'; accepted: 'raise' or 'flag'$"):
        riskscale.classify(frame, on_invalid="drop")
    with pytest.raises(TypeError, match=r"^policy must be a riskscale.Policy or None, not dict$"):
        riskscale.classify(frame, policy={"risk_threshold": 0.4})
    with pytest.raises(ValueError, match=r"^row 2, column 'users': users = 'lots' is not a number; accepted: a "
                                         r"finite number in \[0, 1e\+09\]$"):
        riskscale.classify(frame.astype({"users": object}).assign(users=[1, 2, "lots", 4]))
    with pytest.raises(ValueError, match=r"^columns have different lengths \[3, 4\]; accepted: equal lengths$"):
        riskscale.classify(dict({c: frame[c].to_numpy() for c in INPUTS}, users=np.ones(3)))
    with pytest.raises(ValueError, match=r"^column 'users': expected one value per row, got an array of shape"):
        riskscale.classify(dict({c: frame[c].to_numpy() for c in INPUTS}, users=np.ones((4, 2))))
    with pytest.raises(ValueError, match=r"^row 0, column 'users': users = inf is infinite"):
        riskscale.classify(frame.assign(users=np.inf))
    for threads in (-1, 2.5, "4", True):
        with pytest.raises(ValueError, match=r"^threads=.*; accepted: None or 0 \(every core\) or a whole number"):
            riskscale.classify(frame, threads=threads)


def test_an_empty_table_gives_an_empty_result():
    result = riskscale.classify(random_accounts(0))
    assert list(result.columns) == SPEC_COLUMNS and len(result) == 0
    assert isinstance(result["archetype"].dtype, pd.CategoricalDtype)
    assert len(riskscale.recommendations(result)) == 0


def test_the_custom_policy_reads_its_new_factor_column(conformance):
    policy = riskscale.Policy.from_json(conformance / "policy_custom.json")
    accounts = read_accounts(conformance / "accounts_custom.csv")
    with pytest.raises(ValueError, match="missing column export_control"):
        riskscale.classify(accounts.drop(columns="export_control"), policy)
    # Factors the policy dropped are not read: those columns may be absent.
    slim = accounts.drop(columns=["org_disruption", "physical_safety"])
    pd.testing.assert_frame_equal(riskscale.classify(slim, policy), riskscale.classify(accounts, policy))


# --- threads -----------------------------------------------------------------------------------

def test_threads_setting_does_not_change_results():
    frame = random_accounts(50_000)
    reference = riskscale.classify(frame, threads=1)
    for threads in (2, 3, 8, 0, np.int64(2), None):
        assert_same_frame(riskscale.classify(frame, threads=threads), reference)


def test_four_python_threads_at_once_get_identical_results(conformance):
    frame = random_accounts(200_000)
    policy = riskscale.Policy.from_json(conformance / "policy_custom.json")
    frame["export_control"] = frame["legal_exposure"][::-1].to_numpy()
    serial = {p: riskscale.classify(frame, p) for p in (None, policy)}
    start = threading.Barrier(4)

    def work(k):
        start.wait()
        p = policy if k % 2 else None
        return p, [riskscale.classify(frame, p, threads=2) for _ in range(2)]

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(work, range(4)))
    for p, results in outcomes:
        for result in results:
            assert_same_frame(result, serial[p])


# --- recommendations, long form ----------------------------------------------------------------

@pytest.mark.parametrize("case", sorted(CASES))
def test_long_form_matches_the_column_and_assess(conformance, case):
    accounts_file, _, policy_file = CASES[case]
    policy = riskscale.Policy.from_json(conformance / policy_file) if policy_file else None
    accounts = read_accounts(conformance / accounts_file)
    result = riskscale.classify(accounts, policy)
    long = riskscale.recommendations(result, policy)
    assert list(long.columns) == ["account_id", "rank", "format", "score"]
    joined = long.groupby("account_id", sort=False)["format"].agg(";".join)
    assert joined.to_dict() == {k: v for k, v in zip(result["account_id"], result["recommendations"]) if v}
    assert (long.groupby("account_id", sort=False)["rank"].apply(list)
            .apply(lambda ranks: ranks == list(range(1, len(ranks) + 1))).all())
    for fields in accounts.iloc[::9].to_dict(orient="records"):
        want = [(r.id, r.score) for r in riskscale.assess(fields, policy).recommendations]
        got = long[long["account_id"] == fields["account_id"]]
        assert list(got["format"]) == [format_id for format_id, _ in want]
        np.testing.assert_allclose(got["score"], [score for _, score in want], rtol=0, atol=1e-12)


def test_long_form_skips_invalid_rows(invalid):
    long = riskscale.recommendations(riskscale.classify(invalid, on_invalid="flag"))
    assert set(long["account_id"]) == {"OK1", "OK2"}
