"""SPEC §9 from pandas: raw columns handed to the core's input mapping, and a starting ``inputs`` section."""

from __future__ import annotations

import difflib
import re
from typing import Any, Dict, List, Mapping, Optional, Tuple

import numpy as np
import pandas as pd

from . import _core
from ._policy import Policy, _core_policy

__all__ = ["policy_template"]


def _source(values: Any) -> Tuple:
    """One raw column as the core reads it: numbers, text cells or categories (never copied as text)."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = [_category_text(c) for c in dtype.categories]
        return ("categories", np.ascontiguousarray(series.cat.codes.to_numpy(), dtype=np.int32), categories)
    if pd.api.types.is_bool_dtype(dtype):
        # True/False as text, so a map {"true": ...} matches them (keys compare without case).
        codes = series.map({True: 1, False: 0}).fillna(-1).to_numpy(dtype=np.int32)
        return ("categories", np.ascontiguousarray(codes), ["False", "True"])
    if pd.api.types.is_numeric_dtype(dtype):
        if isinstance(dtype, pd.api.extensions.ExtensionDtype):
            array = series.to_numpy(dtype=np.float64, na_value=np.nan)  # nullable Int64/Float64: NA -> empty
        else:
            array = series.to_numpy()
        return ("numbers", np.ascontiguousarray(array, dtype=np.float64))
    # The object array as it is (no copy for object columns): the core reads each str in place and
    # takes None, NaN, pd.NA and pd.NaT for an empty cell.
    return ("text", np.ascontiguousarray(series.to_numpy(), dtype=object), _MISSING)


#: Objects that stand for an empty cell in a text column, besides None and float NaN.
_MISSING = (pd.NA, pd.NaT)


def _category_text(value: Any) -> str:
    """A category as a cell's text: whole numbers without a fraction (5, not 5.0), as the core writes them."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _sources(columns: Mapping[str, Any], core_policy: "_core.Policy") -> Dict[str, Tuple]:
    """The columns the policy reads, converted; a missing one raises naming the JSON path that wants it."""
    sources = {}
    for column, path, optional in _core.source_columns(core_policy):
        if column not in columns:
            if optional or column == core_policy.account_id_column:
                continue  # no seats; no account ids (the index names the rows)
            wanted = f"{path} reads it" if path else "the model input of that name needs it"
            raise ValueError(f"missing source column {column!r}: {wanted}; the frame has {', '.join(map(str, columns))}")
        sources[column] = _source(columns[column])
    return sources


# Words that suggest a model input in a column name (lower case), for policy_template.
_HINTS = {
    "account_id": ("account_id", "accountid", "account", "id"),
    "sensitive_data": ("sensitive", "industry", "data_class", "pii", "phi"),
    "org_disruption": ("admin", "disruption", "org", "department"),
    "physical_safety": ("safety", "physical", "hazard", "field"),
    "legal_exposure": ("compliance", "legal", "regulat", "certification"),
    "active_days": ("active_days", "days", "dau", "frequency", "usage"),
    "users": ("users", "active_users", "user_count", "licensed"),
    "seats": ("seats", "licen", "seat_count"),
}

# Placeholder values inside each input's SPEC §2 range: edit them by hand.
_PLACEHOLDER = {"active_days": 15.0, "users": 1.0, "seats": 1.0}


def _words(name: str) -> str:
    split = re.sub(r"([a-z])([A-Z])", r"\1_\2", str(name)).lower()  # camelCase -> camel_case
    return re.sub(r"[^a-z0-9]+", "_", split).strip("_")


def _match(field: str, names: List[str]) -> Optional[str]:
    """The column whose name best matches a model input: its own name, then hint words, then similarity."""
    for name in names:
        if _words(name) == field:
            return name
    best, best_score = None, 0.0
    hints = _HINTS.get(field, (field,))
    for name in names:
        words = re.sub(r"_c$", "", _words(name))  # Salesforce custom fields end in __c
        score = difflib.SequenceMatcher(None, words, field).ratio()
        for rank, hint in enumerate(hints):
            if hint in words:
                score = max(score, 1.0 - 0.05 * rank)
        if score > best_score:
            best, best_score = name, score
    return best if best_score >= 0.6 else None


def _mostly_numbers(series: pd.Series) -> bool:
    """A numeric column, or text whose cells are numbers but for a few typos (read as numbers, not mapped)."""
    if pd.api.types.is_bool_dtype(series.dtype) or isinstance(series.dtype, pd.CategoricalDtype):
        return False
    if pd.api.types.is_numeric_dtype(series.dtype):
        return True
    present = series.dropna().astype(str).str.strip()
    present = present[present != ""]
    return len(present) > 0 and pd.to_numeric(present, errors="coerce").notna().mean() >= 0.9


def policy_template(df: pd.DataFrame, policy: Optional[Policy] = None, *, max_distinct: int = 200) -> Dict[str, Any]:
    """A starting ``inputs`` section (SPEC §9) for a raw DataFrame, to be edited by hand.

    Every model input of the policy (``account_id``, its risk factors, ``active_days``, ``users``,
    ``seats``) gets the column whose name matches it best. A numeric column is read as it is; a
    text, category or boolean column gets a ``map`` with every distinct value (trimmed, at most
    ``max_distinct``; text cells that are nearly all numbers are read as numbers) and a placeholder value inside the input's SPEC §2 range (0.5 for a factor,
    15 for ``active_days``, 1 for ``users`` and ``seats``). An input with no plausible column is
    left out: it is then read from the column of its own name.

    Parameters
    ----------
    df : DataFrame
        The raw export (CRM, warehouse query).
    policy : Policy, optional
        Supplies the risk factors; the SPEC defaults otherwise.
    max_distinct : int
        Most keys written for one text column.

    Returns
    -------
    dict
        The ``inputs`` section: ``Policy(inputs=policy_template(df))`` loads as it is.

    Examples
    --------
    >>> crm = pd.DataFrame({"Id": ["a", "b"], "Industry": ["Retail", "Healthcare"], "Seats__c": [5, 50]})
    >>> policy_template(crm)["sensitive_data"]["map"]
    {'Healthcare': 0.5, 'Retail': 0.5}
    """
    core_policy = _core_policy(policy)
    names = [str(c) for c in df.columns]
    inputs: Dict[str, Any] = {}
    for field in ["account_id", *core_policy.input_fields]:
        column = _match(field, names)
        if column is None:
            continue
        series = df[column]
        if field == "account_id" or _mostly_numbers(series):
            inputs[field] = column
            continue
        placeholder = _PLACEHOLDER.get(field, 0.5)
        distinct = sorted({_category_text(v).strip(" \t") for v in series.dropna().unique()} - {""},
                          key=str.lower)
        keys: Dict[str, float] = {}
        for text in distinct:
            if text.lower() not in {k.lower() for k in keys} and len(keys) < max_distinct:
                keys[text] = placeholder
        inputs[field] = {"column": column, "map": keys}
    return inputs
