// riskscale: checking and mending UTF-8 text from users' files before it goes into JSON, which
// must be valid UTF-8 (RFC 8259 §8.1). Invalid bytes become U+FFFD, the replacement character.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace riskscale {

namespace detail {
// The length of the well-formed UTF-8 sequence at `text[i]` (Unicode Table 3-7: no overlongs, no
// surrogates, nothing above U+10FFFF), or 0 when the byte there starts none.
[[nodiscard]] inline std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint8_t low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}
}  // namespace detail

/// The 0-based index of the first byte of `text` that is not part of well-formed UTF-8, or nothing
/// when all of it is.
[[nodiscard]] inline std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = detail::utf8_sequence_length(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

/// `text` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD.
[[nodiscard]] inline std::string to_valid_utf8(std::string_view text) {
  std::string mended;
  mended.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = detail::utf8_sequence_length(text, i);
    if (length == 0) {
      mended += "\xEF\xBF\xBD";
      ++i;
    } else {
      mended.append(text.substr(i, length));
      i += length;
    }
  }
  return mended;
}

/// `text` for a message: printable ASCII as is, valid UTF-8 as is, every other byte as `\xHH`.
[[nodiscard]] inline std::string escaped_for_message(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string shown;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t length = detail::utf8_sequence_length(text, i);
    if (length > 1 || (length == 1 && c >= 0x20 && c != 0x7F)) {
      shown.append(text.substr(i, length));
      i += length;
    } else {
      shown += "\\x";
      shown += hex[c >> 4];
      shown += hex[c & 15];
      ++i;
    }
  }
  return shown;
}

}  // namespace riskscale
