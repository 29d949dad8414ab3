// riskscale: a double as the shortest text that reads back the same, for messages and text output.
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <string>

namespace riskscale {

/// Formats a double for messages: shortest form that reads back the same ("1e+09", "0.5", "nan").
[[nodiscard]] inline std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

}  // namespace riskscale
