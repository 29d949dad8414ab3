// riskscale: a seeded 64-bit hash of bytes (account ids), for hash tables and for splitting a table by id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace riskscale {

/// A 64-bit hash of `bytes`, eight bytes a step; `seed` varies per table so that crafted ids
/// cannot make every lookup collide.
[[nodiscard]] inline std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t seed) noexcept {
  constexpr std::uint64_t multiplier = 0x9E3779B97F4A7C15ULL;
  std::uint64_t h = seed ^ (static_cast<std::uint64_t>(bytes.size()) * multiplier);
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  const auto mix = [](std::uint64_t x) noexcept {
    x *= 0xBF58476D1CE4E5B9ULL;
    return x ^ (x >> 31);
  };
  while (left >= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);
    h = mix(h ^ word) * multiplier;
    p += 8;
    left -= 8;
  }
  if (left > 0) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, left);
    h = mix(h ^ word) * multiplier;
  }
  h ^= h >> 29;
  h *= 0x94D049BB133111EBULL;
  return h ^ (h >> 32);
}

}  // namespace riskscale
