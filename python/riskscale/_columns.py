"""Column converters shared by classify, drift, plans and metrics: pandas columns to the core's
float64 arrays (no copy when a column already is one), with text cells read by the core's rules
(numbers as SPEC §2 reads them, flags as ``true/false``, ``yes/no``, ``1/0`` in any case), and refused
rows raised as :class:`InputError` carrying the core's refusal as data."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from . import _core

__all__: List[str] = []  # private module: the public names are re-exported by the package

#: Texts a flag cell accepts, in the words of error messages (the core's list).
FLAG_TEXTS: str = _core.FLAG_TEXTS


def as_float64(values: Any, name: str, not_numbers: Dict[str, Dict[int, Any]]) -> np.ndarray:
    """The column as a contiguous float64 array: no copy when it already is one.

    Text cells are read by the core's number reader, as the CLI reads CSV cells ("1e309" is infinite
    in both, a blank cell is NaN); the positions of text that is no number are recorded in
    ``not_numbers[name]`` (row position -> original value) for the message.
    """
    if isinstance(values, pd.Series):
        if isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
            values = values.to_numpy(dtype=np.float64, na_value=np.nan)  # nullable Int64/Float64: NA -> NaN
        else:
            values = values.to_numpy()
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"column {name!r}: expected one value per row, got an array of shape {array.shape}")
    if array.dtype == np.float64 and array.flags.c_contiguous:
        return array
    if array.dtype.kind in "biuf":
        return np.ascontiguousarray(array, dtype=np.float64)  # one conversion, documented
    converted, bad = _core.parse_numbers(np.asarray(array, dtype=object))
    if bad:
        not_numbers[name] = {int(row): array[row] for row in bad}
    return converted


def input_error(message: str, **data: Any) -> "_core.InputError":
    """An :class:`InputError` with ``message`` and the given attributes (row, column, reason, ...)."""
    error = _core.InputError(message)
    for key, value in data.items():
        setattr(error, key, value)
    return error


def refused_row(core_policy: "_core.Policy", inputs: Mapping[str, np.ndarray], not_numbers: Dict[str, Dict[int, Any]],
                status: np.ndarray, field: np.ndarray, row: int) -> Dict[str, Any]:
    """The core's refusal of a row as data: field, reason, value, lower, upper and message."""
    index = int(field[row])
    name = core_policy.input_fields[index]
    text = not_numbers.get(name, {}).get(row)
    refusal = _core.row_refusal(core_policy, index, float(inputs[name][row]), int(status[row]),
                                None if text is None else str(text))
    if text is not None:
        refusal["value"] = text  # the cell as the user gave it
    return refusal


def refusal_error(label: Any, refusal: Mapping[str, Any], where: str = "") -> "_core.InputError":
    """The :class:`InputError` of a refused row, its message naming the row label and column."""
    return input_error(f"{where}row {label!r}, column {refusal['field']!r}: {refusal['message']}",
                       row=label, column=refusal["field"], reason=refusal["reason"], value=refusal["value"],
                       accepted=(refusal["lower"], refusal["upper"]))


def archetype_codes(values: pd.Series) -> Tuple[np.ndarray, Optional[int]]:
    """An archetype column as int8 SPEC §1 codes read by the core's rule (-1 for a missing or an
    empty cell), and the position of the first cell that is no archetype (None when there is none).

    Each distinct text is read once by the core, so a column of 10^6 rows costs one factorize.
    """
    positions, uniques = pd.factorize(values, sort=False)  # a missing cell gets -1
    read = _core.archetype_codes([str(u) for u in uniques])
    lookup = np.asarray([-1 if code is None else code for code in read] + [-1], dtype=np.int8)
    codes = np.ascontiguousarray(lookup[positions])  # position -1 picks the last entry: missing
    unknown = [u for u, code in enumerate(read) if code is None]
    first = int(np.flatnonzero(np.isin(positions, unknown))[0]) if unknown else None
    return codes, first


def split_lists(texts: Sequence[Any]) -> List[List[str]]:
    """Recommendation cells (distinct texts) split by the core's rule: ids in order, empty ones dropped."""
    return _core.split_lists([str(t) for t in texts])


def numbers(frame: pd.DataFrame, name: str, accepted: str, required: bool = True,
            flag: bool = False) -> Optional[np.ndarray]:
    """A metric column as contiguous float64 (no copy when it already is); booleans become 1/0.

    Text cells are read by the core: numbers, and with ``flag`` the flag texts too. Text that is
    neither raises, naming the first such row; missing cells become NaN, which each metric treats
    as documented (a reason, or a refusal by the core).
    """
    if name not in frame.columns:
        if required:
            raise _core.InputError(f"missing column {name!r}; accepted: {accepted}")
        return None
    values = frame[name]
    if isinstance(values.dtype, pd.api.extensions.ExtensionDtype) and (
            pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(values.dtype)):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    array = values.to_numpy()
    if array.dtype == np.float64 and array.flags.c_contiguous:
        return array
    if array.dtype.kind in "biuf":
        return np.ascontiguousarray(array, dtype=np.float64)
    cells = np.asarray(array, dtype=object)
    if flag:
        converted, bad = _core.parse_flags(cells)
        if bad:
            # A flag column may hold counts written as numbers too ("2" is refused by value later).
            numbers_read, still_bad = _core.parse_numbers(cells[bad])
            converted[bad] = numbers_read
            bad = [bad[i] for i in still_bad]
    else:
        converted, bad = _core.parse_numbers(cells)
    if bad:
        row = int(bad[0])
        what = "is not a flag" if flag else "is not a number"
        raise input_error(f"row {frame.index[row]!r}, column {name!r}: {array[row]!r} {what}; accepted: {accepted}",
                          row=frame.index[row], column=name, value=array[row])
    return converted
