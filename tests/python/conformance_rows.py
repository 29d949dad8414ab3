"""Reading the shared conformance files and comparing one row with SPEC tolerances.

The tolerances are those of ../shared/conformance/README.md: scores within 1e-9;
archetype and borderline exactly, except where a score lies within 1e-9 of its
threshold or band; recommendations as a ranking (formats whose scores differ by less
than 1e-9 may swap); users_for_high_scale within 1; active_days_for_high_scale within
1e-9; empty cells mean absent.

The format scores used to judge ties are Σ membership · affinity over the *expected*
memberships and the policy's catalogue: a test oracle for the ranking, not a second
implementation of the model.
"""
import math

import pandas as pd

TOLERANCE = 1e-9
SCORE_COLUMNS = (
    "risk_score", "scale_score", "frequency_score", "reach_score", "margin",
    "p_high_scale_high_risk", "p_high_scale_low_risk", "p_low_scale_high_risk", "p_low_scale_low_risk",
)
MEMBERSHIP_COLUMNS = SCORE_COLUMNS[5:]
ARCHETYPE_ORDER = tuple(c[2:] for c in MEMBERSHIP_COLUMNS)

# (input file, expected file, policy file or None), the two cases of conformance/README.md.
CASES = {
    "default": ("accounts.csv", "expected_default.csv", None),
    "custom": ("accounts_custom.csv", "expected_custom.csv", "policy_custom.json"),
}


def read_accounts(path) -> pd.DataFrame:
    """An input file, every double read back exactly as written."""
    return pd.read_csv(path, float_precision="round_trip", dtype={"account_id": str})


def read_expected(path) -> pd.DataFrame:
    """An expected file: empty cells are NaN in the two distance columns, '' in recommendations."""
    frame = pd.read_csv(
        path, float_precision="round_trip", keep_default_na=False,
        dtype={"account_id": str, "archetype": str, "recommendations": str, "borderline": str},
        na_values={"users_for_high_scale": [""], "active_days_for_high_scale": [""]},
    )
    assert set(frame["borderline"]) <= {"True", "False"}, "expected files write borderline as True/False"
    frame["borderline"] = frame["borderline"] == "True"
    return frame


def format_scores(policy_document: dict, expected_row) -> dict:
    """Score of every catalogue format from the expected memberships (SPEC §5)."""
    scores = {}
    for entry in policy_document["catalog"]:
        affinity = entry.get("affinity", {})
        scores[entry["id"]] = sum(
            float(expected_row[f"p_{archetype}"]) * affinity.get(archetype, 0.0) for archetype in ARCHETYPE_ORDER
        )
    return scores


def _absent(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def compare_row(actual: dict, expected_row, policy_document: dict) -> list:
    """Differences beyond the SPEC tolerances between one actual row and its expected row.

    ``actual`` holds the SPEC §8 quantities by column name, ``recommendations`` as a list
    of format ids and absent distances as None or NaN. Returns a list of sentences, empty
    when the row conforms.
    """
    problems = []
    account = expected_row["account_id"]

    def problem(text):
        problems.append(f"{account}: {text}")

    for column in SCORE_COLUMNS:
        got, want = float(actual[column]), float(expected_row[column])
        if not abs(got - want) <= TOLERANCE:
            problem(f"{column} = {got!r}, expected {want!r}")

    risk, scale = float(expected_row["risk_score"]), float(expected_row["scale_score"])
    want_type, got_type = expected_row["archetype"], str(actual["archetype"])
    if got_type not in ARCHETYPE_ORDER:
        problem(f"archetype {got_type!r} is not an archetype id")
    else:
        near_risk = abs(risk - policy_document["risk_threshold"]) <= TOLERANCE
        near_scale = abs(scale - policy_document["scale_threshold"]) <= TOLERANCE
        if (got_type.endswith("high_risk") != want_type.endswith("high_risk") and not near_risk) or (
            got_type.startswith("high_scale") != want_type.startswith("high_scale") and not near_scale
        ):
            problem(f"archetype {got_type}, expected {want_type}")

    near_band = abs(float(expected_row["margin"]) - policy_document["borderline_band"]) <= TOLERANCE
    if bool(actual["borderline"]) != bool(expected_row["borderline"]) and not near_band:
        problem(f"borderline {actual['borderline']}, expected {expected_row['borderline']}")

    scores = format_scores(policy_document, expected_row)
    got_list = list(actual["recommendations"])
    want_list = [f for f in expected_row["recommendations"].split(";") if f]
    if len(set(got_list)) != len(got_list) or not set(got_list) <= set(scores):
        problem(f"recommendations {got_list} repeat a format or name one outside the catalogue")
    else:
        for rank in range(max(len(got_list), len(want_list))):
            if rank < len(got_list) and rank < len(want_list):
                if not abs(scores[got_list[rank]] - scores[want_list[rank]]) < TOLERANCE:
                    problem(f"recommendation {rank + 1} is {got_list[rank]}, expected {want_list[rank]} "
                            f"(full lists {got_list} / {want_list})")
                    break
            else:  # one list is longer: only a format on the min_score edge may be in one and not the other
                extra = got_list[rank] if rank < len(got_list) else want_list[rank]
                if not abs(scores[extra] - policy_document["min_score"]) < TOLERANCE:
                    problem(f"recommendations {got_list}, expected {want_list}")
                    break

    got_users, want_users = actual["users_for_high_scale"], expected_row["users_for_high_scale"]
    if _absent(got_users) != _absent(want_users) or (
        not _absent(want_users) and not abs(float(got_users) - float(want_users)) <= 1.0
    ):
        problem(f"users_for_high_scale {got_users!r}, expected {want_users!r}")

    got_days, want_days = actual["active_days_for_high_scale"], expected_row["active_days_for_high_scale"]
    if _absent(got_days) != _absent(want_days) or (
        not _absent(want_days) and not abs(float(got_days) - float(want_days)) <= TOLERANCE
    ):
        problem(f"active_days_for_high_scale {got_days!r}, expected {want_days!r}")
    return problems


def frame_row(result: pd.DataFrame, position: int) -> dict:
    """Row ``position`` of a classify() result as compare_row() takes it."""
    row = result.iloc[position]
    values = {column: row[column] for column in SCORE_COLUMNS}
    values.update(
        archetype=row["archetype"],
        borderline=row["borderline"],
        recommendations=[f for f in (row["recommendations"] or "").split(";") if f],
        users_for_high_scale=row["users_for_high_scale"],
        active_days_for_high_scale=row["active_days_for_high_scale"],
    )
    return values


def assessment_row(assessment) -> dict:
    """An Assessment as compare_row() takes it."""
    values = {column: getattr(assessment, column) for column in SCORE_COLUMNS[:5]}
    values.update({f"p_{archetype}": p for archetype, p in assessment.membership.items()})
    values.update(
        archetype=assessment.archetype,
        borderline=assessment.borderline,
        recommendations=[r.id for r in assessment.recommendations],
        users_for_high_scale=assessment.users_for_high_scale,
        active_days_for_high_scale=assessment.active_days_for_high_scale,
    )
    return values
