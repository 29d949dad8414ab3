// riskscale: the project's one JSON reader for every document a user writes (policies, traits,
// settings, goals): nesting limited to 64 levels, duplicate keys and numbers out of range refused,
// each error with its JSON path (`$.catalog[2].id`) or its line and column.
#pragma once

#include "riskscale/detail/json_parse.hpp"

namespace riskscale {

/// A JSON document was refused: `json_path()` names where, `message(accepted)` says what was wrong.
using json_document_error = detail::json_document_error;

/// Parses `text` into `Json` (nlohmann::json or nlohmann::ordered_json) under the project's rules;
/// throws `json_document_error`.
using detail::parse_json_document;

/// The JSON path of member `key` of the object at `parent`: `$.a.b`, or `$["odd key"]`.
using detail::json_member_path;

}  // namespace riskscale
