// riskscale internals: the building blocks of the SPEC §10 aggregator: an open-addressing index of entries, and day sets kept as bits relative to their latest day.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "riskscale/hash.hpp"

namespace riskscale::detail {

/// Slots of an open-addressing table with linear probing: each holds an entry index + 1 (0 =
/// empty) and the top 32 bits of the entry's hash, so most mismatches cost no entry access.
class slot_index {
 public:
  /// Room for `entries` entries at a load of at most one half.
  void reset(std::size_t entries) {
    std::size_t capacity = 16;
    while (capacity < 2 * entries + 2) capacity *= 2;
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
  }
  /// Entries the table takes before it must grow.
  [[nodiscard]] std::size_t limit() const noexcept { return slots_.size() / 2; }
  /// The first slot to probe for `hash`.
  [[nodiscard]] std::size_t home(std::uint64_t hash) const noexcept { return static_cast<std::size_t>(hash) & mask_; }
  /// Where the first slot to probe for `hash` lies in memory (to prefetch it).
  [[nodiscard]] const std::uint64_t* slot_address(std::uint64_t hash) const noexcept { return &slots_[home(hash)]; }
  /// The slot after `slot`, wrapping around.
  [[nodiscard]] std::size_t next(std::size_t slot) const noexcept { return (slot + 1) & mask_; }
  /// The entry index in `slot`, or -1 when it is empty.
  [[nodiscard]] std::int64_t entry(std::size_t slot) const noexcept {
    return static_cast<std::int64_t>(slots_[slot] & 0xFFFFFFFFULL) - 1;
  }
  /// True when `slot` may hold the entry of `hash` (the stored top bits agree).
  [[nodiscard]] bool tag_matches(std::size_t slot, std::uint64_t hash) const noexcept {
    return (slots_[slot] >> 32) == (hash >> 32);
  }
  /// Stores entry `index` of `hash` in `slot`.
  void store(std::size_t slot, std::uint64_t hash, std::size_t index) noexcept {
    slots_[slot] = (hash & 0xFFFFFFFF00000000ULL) | (static_cast<std::uint64_t>(index) + 1);
  }
  /// The first empty slot on the probe path of `hash` (for inserting a key known to be new).
  [[nodiscard]] std::size_t free_slot(std::uint64_t hash) const noexcept {
    std::size_t slot = home(hash);
    while (slots_[slot] != 0) slot = next(slot);
    return slot;
  }
  /// Bytes held.
  [[nodiscard]] std::size_t bytes() const noexcept { return slots_.capacity() * sizeof(std::uint64_t); }

 private:
  std::vector<std::uint64_t> slots_ = std::vector<std::uint64_t>(16, 0);
  std::size_t mask_ = 15;
};

/// A set of days kept as `words` 64-bit words: bit k stands for the day `anchor − k`, so only
/// the `window` days up to the latest one are held (older ones can never be in a window that
/// ends on or after the latest day). Moves `bits` to a later anchor: shifts by `days` and clears
/// what falls past `window`.
inline void advance_day_bits(std::uint64_t* bits, std::size_t words, std::int64_t days, int window) noexcept {
  if (days <= 0) return;
  if (days >= window) {
    for (std::size_t w = 0; w < words; ++w) bits[w] = 0;
    return;
  }
  const auto word_shift = static_cast<std::size_t>(days / 64);
  const auto bit_shift = static_cast<unsigned>(days % 64);
  for (std::size_t w = words; w-- > 0;) {
    std::uint64_t value = 0;
    if (w >= word_shift) {
      value = bits[w - word_shift] << bit_shift;
      if (bit_shift != 0 && w >= word_shift + 1) value |= bits[w - word_shift - 1] >> (64 - bit_shift);
    }
    bits[w] = value;
  }
  const auto top_bits = static_cast<unsigned>(window % 64);
  if (top_bits != 0) bits[words - 1] &= (std::uint64_t{1} << top_bits) - 1;
}

/// The number of days of the set among its first `count` bits (the days `anchor − count + 1`
/// … `anchor`).
[[nodiscard]] inline std::int64_t count_day_bits(const std::uint64_t* bits, std::size_t words,
                                                 std::int64_t count) noexcept {
  std::int64_t days = 0;
  for (std::size_t w = 0; w < words && count > 0; ++w, count -= 64) {
    const std::uint64_t mask = count >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
    days += __builtin_popcountll(bits[w] & mask);
  }
  return days;
}

}  // namespace riskscale::detail
