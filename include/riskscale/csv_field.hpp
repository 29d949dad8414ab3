// riskscale: one RFC 4180 field writer with one quoting rule, for every CSV the project writes.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace riskscale {

/// True when `value` must be quoted as a CSV field: it holds the delimiter, a quote, CR or LF, or
/// starts or ends with a space or tab (which a reader that trims blanks would lose).
[[nodiscard]] inline bool csv_needs_quotes(std::string_view value, char delimiter = ',') noexcept {
  if (value.empty()) return false;
  if (value.front() == ' ' || value.front() == '\t' || value.back() == ' ' || value.back() == '\t') return true;
  for (const char c : value) {
    if (c == delimiter || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

/// The most bytes `write_csv_field` can produce for a value of `size` bytes (each a doubled quote, plus two quotes).
[[nodiscard]] constexpr std::size_t csv_field_bound(std::size_t size) noexcept { return 2 * size + 2; }

/// Writes `value` at `out` as one CSV field (quoted when `csv_needs_quotes`, quotes inside doubled)
/// and returns the end of what it wrote; `out` must have room for `csv_field_bound(value.size())`.
/// An empty value is written as nothing, so a record made of a single empty field must be written
/// by the caller as `""` (an empty line reads back as a skipped blank line).
inline char* write_csv_field(char* out, std::string_view value, char delimiter = ',') noexcept {
  if (!csv_needs_quotes(value, delimiter)) {
    if (!value.empty()) std::memcpy(out, value.data(), value.size());
    return out + value.size();
  }
  *out++ = '"';
  for (const char c : value) {
    *out++ = c;
    if (c == '"') *out++ = '"';  // a quote inside is doubled
  }
  *out++ = '"';
  return out;
}

/// Appends `value` to `out` as one CSV field, as `write_csv_field` writes it.
inline void append_csv_field(std::string& out, std::string_view value, char delimiter = ',') {
  const std::size_t old_size = out.size();
  out.resize(old_size + csv_field_bound(value.size()));
  char* const end = write_csv_field(out.data() + old_size, value, delimiter);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

}  // namespace riskscale
