"""A portfolio through the model: pandas (or a dict of arrays) in, a SPEC §8 DataFrame out."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple, Union

import numpy as np
import pandas as pd

from . import _columns, _core
from ._inputs import _sources
from ._policy import Policy, _core_policy, _policy_of

__all__ = ["ARCHETYPES", "SPEC_COLUMNS", "classify", "recommendations"]

#: Archetype ids in SPEC §1 order (the categories of the ``archetype`` column).
ARCHETYPES = tuple(item[0] for item in _core.ARCHETYPES)

#: SPEC §8 column order (the core's output schema).
SPEC_COLUMNS = tuple(_core.output_columns())


def _as_float64(values: Any, name: str, labels: pd.Index, not_numbers: Dict[str, Dict[int, Any]]) -> np.ndarray:
    """The column as a contiguous float64 array (the shared converter; ``labels`` kept for callers)."""
    del labels
    return _columns.as_float64(values, name, not_numbers)


def _refusal(core_policy: "_core.Policy", inputs: Dict[str, np.ndarray], not_numbers: Dict[str, Dict[int, Any]],
             out: Dict[str, np.ndarray], row: int) -> Dict[str, Any]:
    """The core's refusal of an invalid row, as data (field, reason, value, accepted range, message)."""
    return _columns.refused_row(core_policy, inputs, not_numbers, out["status"], out["invalid_field"], row)


def classify(
    data: Union[pd.DataFrame, Mapping[str, Any]],
    policy: Optional[Policy] = None,
    *,
    threads: Optional[int] = None,
    on_invalid: str = "raise",
    inputs: bool = False,
) -> pd.DataFrame:
    """Classify every account of a portfolio.

    Parameters
    ----------
    data : DataFrame or mapping of column name to array
        The SPEC §2 inputs as columns (``sensitive_data``, ``org_disruption``,
        ``physical_safety``, ``legal_exposure``, ``active_days``, ``users``, optional
        ``seats`` and ``account_id``, and any factor the policy adds). float64 columns
        are read in place, without a copy; other numeric dtypes are converted once.
    policy : Policy, optional
        Defaults to the SPEC defaults.
    threads : int, optional
        Worker threads; all cores by default (or 0). Results do not depend on it.
    on_invalid : {"raise", "flag"}
        ``"raise"``: a ``ValueError`` naming the first invalid row's index label, column,
        value and accepted range. ``"flag"``: keep every row; invalid rows get NaN scores,
        a missing archetype and an ``invalid_reason``. A cell that is text rather than a
        number (``'high'``) makes its row invalid like any other bad value: the first
        invalid row raises in ``"raise"`` mode, the row is flagged in ``"flag"`` mode.
    inputs : bool
        Add the model inputs (one column per input field, after the SPEC §8 columns) as the
        policy derived them: with an ``inputs`` section (SPEC §9) they audit the mapping.

    When the policy has an ``inputs`` section (SPEC §9), ``data`` is a raw export: the columns
    it names are read through its rules in the core (object, string, category, boolean, numeric
    and pandas nullable columns alike; a ``map`` is resolved once per distinct cell), and an
    invalid row's error names the row label, the source column, the cell and the rule.

    Returns
    -------
    DataFrame
        The SPEC §8 columns, the input's index; ``archetype`` is a Categorical with the
        four ids in SPEC order.

    Examples
    --------
    >>> df = pd.DataFrame({"account_id": ["a"], "sensitive_data": [0.9], "org_disruption": [0.2],
    ...                    "physical_safety": [0.0], "legal_exposure": [0.7],
    ...                    "active_days": [18.0], "users": [450.0]})
    >>> classify(df).loc[0, "archetype"]
    'high_scale_high_risk'
    """
    if on_invalid not in ("raise", "flag"):
        raise ValueError(f"on_invalid={on_invalid!r}; accepted: 'raise' or 'flag'")
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 0):
        raise ValueError(f"threads={threads!r}; accepted: None or 0 (every core) or a whole number of threads")
    core_policy = _core_policy(policy)
    if isinstance(data, pd.DataFrame):
        index = data.index
        columns = data
    else:
        columns = dict(data)
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns have different lengths {sorted(lengths)}; accepted: equal lengths")
        index = pd.RangeIndex(lengths.pop() if lengths else 0)
    fields = core_policy.input_fields
    if core_policy.has_inputs or inputs:
        return _classify_mapped(columns, index, policy, core_policy, int(threads or 0), on_invalid, inputs)
    missing = [f for f in fields if f != "seats" and f not in columns]
    if missing:
        raise ValueError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; the policy needs "
            f"{', '.join(f for f in fields if f != 'seats')} (seats optional)"
        )
    not_numbers: Dict[str, Dict[int, Any]] = {}
    inputs = {f: _as_float64(columns[f], f, index, not_numbers) for f in fields if f in columns}
    out = _core.classify_columns(inputs, core_policy, int(threads or 0))

    status = out["status"]
    invalid = np.flatnonzero(status)
    if invalid.size and on_invalid == "raise":
        row = int(invalid[0])
        raise _columns.refusal_error(index[row], _refusal(core_policy, inputs, not_numbers, out, row))

    # The float columns arrive as rows of one (columns, rows) block; with copy=False pandas keeps
    # every column as given (no consolidation), so nothing of the result is copied.
    result = dict(zip(out["float_columns"], out["float_block"]))
    result["archetype"] = pd.Categorical.from_codes(out["archetype"], categories=list(ARCHETYPES))
    result["borderline"] = out["borderline"]
    result["recommendations"] = out["recommendations"]  # object column; rows with the same list share one str
    if "account_id" in columns:
        account_id = columns["account_id"]
        result["account_id"] = account_id.to_numpy() if isinstance(account_id, pd.Series) else np.asarray(account_id)
    ordered = {name: result[name] for name in SPEC_COLUMNS if name in result}
    if on_invalid == "flag":
        reasons = np.full(len(index), None, dtype=object)
        for row in invalid:
            refusal = _refusal(core_policy, inputs, not_numbers, out, int(row))
            reasons[row] = f"{refusal['field']}: {refusal['message']}"
        ordered["invalid_reason"] = reasons
    frame = pd.DataFrame(ordered, index=index, copy=False)
    frame.attrs["riskscale_policy"] = policy.to_json(0) if policy is not None else None
    return frame


def _result_frame(out: Dict[str, Any], index: pd.Index, account_id: Any) -> Dict[str, Any]:
    """The SPEC §8 columns of the core's arrays, in order (the float block is not copied)."""
    result = dict(zip(out["float_columns"], out["float_block"]))
    result["archetype"] = pd.Categorical.from_codes(out["archetype"], categories=list(ARCHETYPES))
    result["borderline"] = out["borderline"]
    result["recommendations"] = out["recommendations"]
    if account_id is not None:
        result["account_id"] = account_id.to_numpy() if isinstance(account_id, pd.Series) else np.asarray(account_id)
    return {name: result[name] for name in SPEC_COLUMNS if name in result}


def _classify_mapped(columns: Mapping[str, Any], index: pd.Index, policy: Optional[Policy],
                     core_policy: "_core.Policy", threads: int, on_invalid: str, with_inputs: bool) -> pd.DataFrame:
    """SPEC §9 then §8: the raw columns through the policy's inputs, in the core."""
    sources = _sources(columns, core_policy)
    out = _core.classify_sources(sources, core_policy, len(index), threads)
    status = out["status"]
    invalid = np.flatnonzero(status)
    fields = out["input_columns"]

    def failures(rows: np.ndarray) -> list:
        """(source column, reason, message) of each invalid row, the table bound once."""
        return _core.source_failures(sources, core_policy, len(index), rows.tolist(),
                                     out["invalid_field"][rows].astype(np.int64).tolist())

    if invalid.size and on_invalid == "raise":
        row = invalid[0]
        column, _, message = failures(invalid[:1])[0]
        raise ValueError(f"row {index[row]!r}, column {column!r}: {message}")
    id_column = core_policy.account_id_column
    ordered = _result_frame(out, index, columns[id_column] if id_column in columns else None)
    if on_invalid == "flag":
        reasons = np.full(len(index), None, dtype=object)
        reasons[invalid] = [message for _, _, message in failures(invalid)] if invalid.size else []
        ordered["invalid_reason"] = reasons
    if with_inputs:
        for name, values in zip(fields, out["inputs_block"]):
            ordered[name] = values
    frame = pd.DataFrame(ordered, index=index, copy=False)
    frame.attrs["riskscale_policy"] = policy.to_json(0) if policy is not None else None
    return frame


def recommendations(result: pd.DataFrame, policy: Optional[Policy] = None) -> pd.DataFrame:
    """Recommendations in long form: one row per (account, format).

    Parameters
    ----------
    result : DataFrame
        The output of :func:`classify`.
    policy : Policy, optional
        The policy used to classify (defaults to the SPEC defaults); it supplies the scores.

    Returns
    -------
    DataFrame
        Columns ``account_id``, ``rank`` (1 = first choice), ``format``, ``score``.
    """
    core_policy = _core_policy(_policy_of(result, policy))
    # Scores come from the core: re-run the ranking on the memberships the result holds.
    p = [result[f"p_{a}"].to_numpy(dtype=np.float64) for a in ARCHETYPES]
    ranked = _core.rank_memberships(*p, core_policy)
    index, scores, counts = ranked
    rows = np.repeat(np.arange(len(result)), counts)
    ranks = np.concatenate([np.arange(1, c + 1) for c in counts]) if len(counts) else np.array([], dtype=int)
    mask = np.arange(index.shape[1])[None, :] < counts[:, None]
    ids = np.asarray(core_policy.catalog_ids, dtype=object)
    account_ids = result["account_id"].to_numpy() if "account_id" in result else result.index.to_numpy()
    return pd.DataFrame(
        {
            "account_id": account_ids[rows],
            "rank": ranks.astype(np.int64),
            "format": ids[index[mask]],
            "score": scores[mask],
        }
    )
