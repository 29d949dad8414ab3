"""SPEC §10: per-account usage (active_users, active_days) from a table of product events.

The aggregation is the C++ core's (``riskscale._core.UsageAggregate``); this module only turns
pandas columns into what the core reads and its result back into a DataFrame.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _core
from ._core import InputError

__all__ = ["usage"]

#: Objects that mean "no value" in an object column, besides None and NaN.
_MISSING = [pd.NA, pd.NaT]
_TIME_FORMS = ("accepted: YYYY-MM-DD, YYYY-MM-DDThh:mm:ss or YYYY-MM-DD hh:mm:ss (optional .fraction, then Z or "
               "±hh:mm; none is UTC), whole seconds since 1970-01-01 UTC, or a datetime column; dates from "
               "1900-01-01 to 2199-12-31")


def _text_spec(series: pd.Series) -> Tuple[Any, ...]:
    """An id or text-time column as the core reads it: ("object", values) or ("categorical", categories, codes)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = [str(c) for c in series.cat.categories]
        return ("categorical", categories, series.cat.codes.to_numpy(dtype=np.int64))
    if series.dtype == object:
        return ("object", series.to_numpy())
    if pd.api.types.is_string_dtype(series.dtype):  # pandas' StringDtype: missing values become None
        return ("object", series.to_numpy(dtype=object, na_value=None))
    # Numbers or booleans as ids: their text, as a CSV would hold it; missing stays missing.
    text = series.astype(str).to_numpy(dtype=object)
    text[series.isna().to_numpy()] = None
    return ("object", text)


def _time_spec(series: pd.Series, name: str) -> Tuple[Any, ...]:
    """The time column as the core reads it: text, epoch seconds (+ missing mask) or float seconds."""
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dtype):
        # datetime64: naive means UTC; tz-aware values are held as UTC already. Nanoseconds to
        # whole seconds toward the past, so a time before 1970 keeps its date.
        nanoseconds = series.array.asi8 if isinstance(dtype, pd.DatetimeTZDtype) else \
            series.to_numpy(dtype="datetime64[ns]").view(np.int64)
        missing = series.isna().to_numpy()
        return ("seconds", np.floor_divide(nanoseconds, 1_000_000_000), missing)
    if pd.api.types.is_bool_dtype(dtype):
        raise InputError(f"column {name!r}: booleans are not times; {_TIME_FORMS}")
    if pd.api.types.is_integer_dtype(dtype):
        missing = series.isna().to_numpy()
        values = series.to_numpy(dtype=np.int64, na_value=0) if missing.any() else series.to_numpy(dtype=np.int64)
        return ("seconds", values, missing)
    if pd.api.types.is_float_dtype(dtype):
        return ("float_seconds", series.to_numpy(dtype=np.float64, na_value=np.nan))
    return _text_spec(series)


def _as_of_text(as_of: Any) -> Optional[str]:
    if as_of is None:
        return None
    if isinstance(as_of, str):
        return as_of
    if isinstance(as_of, pd.Timestamp):
        return (as_of.tz_convert("UTC") if as_of.tzinfo is not None else as_of).strftime("%Y-%m-%d")
    if isinstance(as_of, _dt.datetime):
        return (as_of.astimezone(_dt.timezone.utc) if as_of.tzinfo is not None else as_of).strftime("%Y-%m-%d")
    if isinstance(as_of, _dt.date):
        return as_of.isoformat()
    if isinstance(as_of, np.datetime64):
        return str(as_of.astype("datetime64[D]"))
    raise ValueError(f"as_of={as_of!r}; accepted: None, 'YYYY-MM-DD', a date, a datetime or a Timestamp")


def _account_ids(accounts: Any) -> Optional[List[str]]:
    if accounts is None:
        return None
    if isinstance(accounts, pd.DataFrame):
        if "account_id" not in accounts.columns:
            raise ValueError("accounts: a DataFrame needs an 'account_id' column; accepted: such a frame, "
                             "or a list, Series or Index of account ids")
        accounts = accounts["account_id"]
    values = list(accounts)
    for position, value in enumerate(values):
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            label = accounts.index[position] if isinstance(accounts, pd.Series) else position
            raise InputError(f"accounts row {label!r}: the account id is missing; accepted: one id per account")
    return [str(v) for v in values]


def _check_arguments(events: Any, account: str, user: str, time: str, window_days: Any, on_invalid: str) -> None:
    if not isinstance(events, pd.DataFrame):
        raise TypeError(f"events: expected a pandas DataFrame, got {type(events).__name__}")
    missing = [c for c in (account, user, time) if c not in events.columns]
    if missing:
        raise ValueError(f"events has no column {', '.join(repr(c) for c in missing)}; accepted: one of "
                         f"{', '.join(repr(str(c)) for c in events.columns)} (see the account=, user=, time= arguments)")
    if isinstance(window_days, bool) or not isinstance(window_days, (int, np.integer)) or not 1 <= window_days <= 366:
        raise ValueError(f"window_days={window_days!r}; accepted: a whole number of days from 1 to 366")
    if on_invalid not in ("raise", "flag"):
        raise ValueError(f"on_invalid={on_invalid!r}; accepted: 'raise' or 'flag'")


def _new_aggregate(as_of: Any, window_days: int) -> "_core.UsageAggregate":
    try:
        return _core.UsageAggregate(_as_of_text(as_of), int(window_days))
    except _core.RiskscaleError as error:
        raise ValueError(f"as_of={as_of!r}: {error}") from None


def _invalid_details(events: pd.DataFrame, found: Dict[str, np.ndarray], columns: Dict[str, str]) -> Dict[str, Any]:
    """Row labels, columns and reasons of the invalid events, in row order."""
    rows, reasons, named = [], [], []
    counts = {"missing_value": 0, "invalid_time": 0}
    for position, status in zip(found["rows"].tolist(), found["statuses"].tolist()):
        reason, field = _core.event_status_reason(status)
        counts[reason] += 1
        rows.append(events.index[position])
        reasons.append(reason)
        named.append(columns[field])
    return {"count": len(rows), **counts, "rows": rows, "columns": named, "reasons": reasons}


def _raise_first(events: pd.DataFrame, found: Dict[str, np.ndarray], columns: Dict[str, str]) -> None:
    position, status = int(found["rows"][0]), int(found["statuses"][0])
    reason, field = _core.event_status_reason(status)
    column = columns[field]
    label = events.index[position]
    if reason == "invalid_time":
        message = f"time {events[column].iloc[position]!r} is not a SPEC §10 time; {_TIME_FORMS}"
    else:
        message = f"the {field} is missing; accepted: a non-empty {'time' if field == 'time' else 'id'}"
    more = len(found["rows"]) - 1
    suffix = f" ({more} more invalid event{'s' if more != 1 else ''}; on_invalid='flag' lists them)" if more else ""
    error = InputError(f"row {label!r}, column {column!r}: {reason}: {message}{suffix}")
    error.row = label
    error.column = column
    error.reason = reason
    raise error


def _aggregate(events: pd.DataFrame, account: str, user: str, time: str, as_of: Any, window_days: int,
               on_invalid: str) -> Tuple["_core.UsageAggregate", Dict[str, Any]]:
    """The core's partial aggregate of one frame and the details of its invalid events."""
    state = _new_aggregate(as_of, window_days)
    found = state.add_events(_text_spec(events[account]), _text_spec(events[user]), _time_spec(events[time], time),
                             _MISSING)
    columns = {"account": account, "user": user, "time": time}
    if len(found["rows"]) and on_invalid == "raise":
        _raise_first(events, found, columns)
    return state, _invalid_details(events, found, columns)


def _frame(state: "_core.UsageAggregate", accounts: Any) -> pd.DataFrame:
    """The finished aggregate as the usage DataFrame (columns as the CLI writes them)."""
    try:
        out = state.finish(_account_ids(accounts))
    except _core.InputError as error:
        raise InputError(f"accounts: {error}") from None
    last_event = out["last_event"].astype("datetime64[D]").astype("datetime64[ns]")
    frame = pd.DataFrame({
        "account_id": pd.array(out["account_id"], dtype=object),
        "active_users": out["active_users"],
        "active_days": out["active_days"],
        "events": out["events"],
        "last_event": last_event,
    })
    frame.attrs["as_of"] = out["as_of"]
    frame.attrs["window_days"] = out["window_days"]
    frame.attrs["counts"] = dict(out["counts"])
    return frame


def usage(
    events: pd.DataFrame,
    account: str = "account_id",
    user: str = "user_id",
    time: str = "timestamp",
    as_of: Union[None, str, _dt.date, pd.Timestamp] = None,
    window_days: int = 30,
    accounts: Union[None, pd.DataFrame, pd.Series, pd.Index, Sequence[Any]] = None,
    on_invalid: str = "raise",
) -> pd.DataFrame:
    """Per-account usage over a window from product events (SPEC §10).

    Parameters
    ----------
    events : pandas.DataFrame
        One row per event, with an account id, a user id and a time.
    account, user, time : str
        The column names. Ids may be text, categorical or numbers (compared as their text after
        trimming spaces and tabs at both ends). Times may be text in the SPEC §10 forms
        (``2024-03-01``, ``2024-03-01T23:30:00``, ``2024-03-01 23:30:00.250+02:00``, ``...Z``,
        epoch seconds), categorical text, ``datetime64`` (naive means UTC; tz-aware is
        converted) or integer epoch seconds.
    as_of : str, date or Timestamp, optional
        The window's last day (included); by default the latest date of a valid event.
    window_days : int
        ``W``, the window's length in days (1–366; default 30). An event is in the window when
        ``as_of − W < date ≤ as_of``.
    accounts : DataFrame, Series, Index or list, optional
        The account table (a DataFrame's ``account_id`` column): one row per account in its
        order, zeros for accounts without events in the window; events of other accounts are
        counted in ``attrs["counts"]["not_in_accounts"]``.
    on_invalid : {"raise", "flag"}
        An event with an empty account id, user id or time (``missing_value``), or a time that
        is not a SPEC §10 time (``invalid_time``), raises :class:`InputError` naming its row
        label and column; with "flag" it is counted instead, and ``result.attrs["invalid_events"]``
        holds ``count``, ``missing_value``, ``invalid_time`` and the ``rows`` (labels),
        ``columns`` and ``reasons`` of every invalid event.

    Returns
    -------
    pandas.DataFrame
        ``account_id``, ``active_users``, ``active_days``, ``events``, ``last_event``
        (datetime64, NaT when none), sorted by ``account_id`` (or in the account table's
        order). ``attrs`` holds ``as_of``, ``window_days`` and ``counts`` (``events_read``,
        ``used``, ``outside_window``, ``missing_value``, ``invalid_time``, ``not_in_accounts``).

    Examples
    --------
    >>> events = pd.DataFrame({"account_id": ["A", "A", "B"], "user_id": ["u1", "u2", "u1"],
    ...                        "timestamp": ["2024-03-01", "2024-03-02T23:30:00-02:00", 1709251200]})
    >>> usage(events, window_days=7)[["account_id", "active_users", "active_days"]]
      account_id  active_users  active_days
    0          A             2     4.285714
    1          B             1     4.285714
    """
    _check_arguments(events, account, user, time, window_days, on_invalid)
    state, invalid = _aggregate(events, account, user, time, as_of, window_days, on_invalid)
    frame = _frame(state, accounts)
    if on_invalid == "flag":
        frame.attrs["invalid_events"] = invalid
    return frame
