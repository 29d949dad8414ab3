// riskscale: frequency and reach from product events (SPEC §10): event times, and a streaming,
// mergeable aggregator of (account, user, time) events into per-account usage (README "Usage").
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "riskscale/detail/event_time.hpp"
#include "riskscale/detail/usage_table.hpp"
#include "riskscale/error.hpp"
#include "riskscale/date.hpp"

namespace riskscale {

/// SPEC §10: the window length `W` when none is given.
inline constexpr int default_usage_window_days = 30;
/// The longest window accepted (a reading of the SPEC, README "Usage"): a year, leap day included.
inline constexpr int max_usage_window_days = 366;
/// The earliest event date accepted; an event before it is `invalid_time` (as every date in riskscale).
inline constexpr date first_event_date = *date::from_ymd(1900, 1, 1);
/// The latest event date accepted; an event after it is `invalid_time`.
inline constexpr date last_event_date = *date::from_ymd(2199, 12, 31);

/// SPEC §10: the UTC date of `seconds` since 1970-01-01 UTC, or nothing outside
/// [`first_event_date`, `last_event_date`].
[[nodiscard]] constexpr std::optional<date> event_date_from_epoch_seconds(std::int64_t seconds) noexcept {
  const date utc = date::from_days_since_epoch(static_cast<long>(detail::floor_div(seconds, detail::seconds_per_day)));
  if (utc < first_event_date || last_event_date < utc) return std::nullopt;
  return utc;
}

/// SPEC §10: the UTC date of an event time: `2024-03-01`, `2024-03-01T23:30:00`,
/// `2024-03-01 23:30:00`, an optional fraction of a second, `Z` or `±hh:mm` (converted to UTC;
/// none means UTC), or whole seconds since 1970-01-01 UTC; spaces and tabs around it are
/// ignored. Nothing (never an exception, never an allocation) for any other text, for a day
/// that does not exist (`2024-02-30`) and for a UTC date outside [`first_event_date`,
/// `last_event_date`].
[[nodiscard]] constexpr std::optional<date> parse_event_time(std::string_view text) noexcept {
  const std::optional<detail::event_time_fields> fields = detail::split_event_time(detail::trim_blanks(text));
  if (!fields) return std::nullopt;
  if (fields->epoch) return event_date_from_epoch_seconds(fields->epoch_seconds);
  const std::optional<date> local = date::from_ymd(fields->year, fields->month, fields->day);
  if (!local) return std::nullopt;
  const date utc =
      date::from_days_since_epoch(local->days_since_epoch() + static_cast<long>(detail::floor_div(
                                                                  fields->seconds_of_day, detail::seconds_per_day)));
  if (utc < first_event_date || last_event_date < utc) return std::nullopt;
  return utc;
}

/// What became of one event given to `usage_aggregator::add`.
enum class event_status : std::uint8_t {
  valid,            ///< counted (in the window or not, which is known when the aggregate is finished)
  missing_account,  ///< the account id is empty (after trimming): `missing_value`
  missing_user,     ///< the user id is empty: `missing_value`
  missing_time,     ///< the time is empty: `missing_value`
  invalid_time,     ///< the time is not a SPEC §10 time: `invalid_time`
};

/// The SPEC §10 reason of an invalid event (`missing_value`, `invalid_time`), empty for a valid one.
[[nodiscard]] constexpr std::string_view reason_id(event_status status) noexcept {
  switch (status) {
    case event_status::valid: return "";
    case event_status::missing_account:
    case event_status::missing_user:
    case event_status::missing_time: return "missing_value";
    case event_status::invalid_time: return "invalid_time";
  }
  return "";
}

/// Which of the three event fields an invalid event's reason is about: "account", "user", "time".
[[nodiscard]] constexpr std::string_view field_of(event_status status) noexcept {
  switch (status) {
    case event_status::missing_account: return "account";
    case event_status::missing_user: return "user";
    case event_status::valid:
    case event_status::missing_time:
    case event_status::invalid_time: return "time";
  }
  return "time";
}

/// SPEC §10 ids: compared as exact text after trimming spaces and tabs at both ends.
[[nodiscard]] constexpr std::string_view trim_id(std::string_view id) noexcept { return detail::trim_blanks(id); }

/// The window of a usage aggregate.
struct usage_options {
  /// The window's last day (included); nothing = the latest date of a valid event (SPEC §10).
  std::optional<date> as_of;
  /// `W`, the window's length in days, 1…`max_usage_window_days`.
  int window_days = default_usage_window_days;

  /// Throws `error` naming the value and what is accepted when the options are not usable.
  void validate() const {
    if (window_days < 1 || window_days > max_usage_window_days) {
      throw error("window_days = " + std::to_string(window_days) +
                  " is out of range; accepted: a whole number of days from 1 to " +
                  std::to_string(max_usage_window_days));
    }
    if (as_of && (*as_of < first_event_date || last_event_date < *as_of)) {
      throw error("as_of = " + as_of->to_string() + " is out of range; accepted: a date from " +
                  first_event_date.to_string() + " to " + last_event_date.to_string());
    }
  }
};

/// One account's usage over the window (SPEC §10), the columns a §9 `inputs` section maps.
struct account_usage {
  std::string account_id;
  std::uint64_t active_users = 0;  ///< distinct users with an event in the window
  double active_days = 0.0;        ///< mean distinct event dates per active user × 30 / W, in [0, 30]
  std::uint64_t events = 0;        ///< events in the window
  std::optional<date> last_event;  ///< the latest event date in the window, nothing when none
};

/// Where every event given to an aggregate went; `events_read` is the sum of the other five.
struct usage_counts {
  std::uint64_t events_read = 0;      ///< every event given, valid or not
  std::uint64_t used = 0;             ///< valid, in the window, of a reported account
  std::uint64_t outside_window = 0;   ///< valid, dated outside the window (whatever their account)
  std::uint64_t missing_value = 0;    ///< invalid: an empty account id, user id or time
  std::uint64_t invalid_time = 0;     ///< invalid: a time that is not a SPEC §10 time
  std::uint64_t not_in_accounts = 0;  ///< valid and in the window, of an account not in the account table
  /// The invalid events.
  [[nodiscard]] std::uint64_t invalid() const noexcept { return missing_value + invalid_time; }
};

/// The finished aggregate: per-account usage and the counts.
struct usage_result {
  std::optional<date> as_of;  ///< the window's last day; nothing when there was no valid event and none was given
  int window_days = default_usage_window_days;
  std::vector<account_usage> accounts;  ///< sorted by id; in table order when an account table is given
  usage_counts counts;
};

/// SPEC §10 over a stream of events, one `add` each, in any order; `merge` joins the aggregates
/// of two chunks, threads or Dask partitions into the aggregate of both, and `finish` computes
/// the result. Memory: per account, `W` event counters; per distinct (account, user) pair with an
/// event in the window, one set of its dates as ⌈W/64⌉ words of bits plus its user id, never
/// anything per event. Without `as_of`, the window ends on the latest valid date, known only at
/// the end, so pairs are kept for their own latest `W` days and those that fell behind the latest
/// date seen by `W` days are dropped as the table grows: the memory is that of the pairs active in
/// the `W` days before the latest date so far (at most twice that between clean-ups). An
/// aggregate is used by one thread at a time.
class usage_aggregator {
 public:
  /// An empty aggregate; throws `error` for options that `usage_options::validate` refuses.
  explicit usage_aggregator(usage_options options = {})
      : options_((options.validate(), options)),
        window_(options.window_days),
        words_(static_cast<std::size_t>((options.window_days + 63) / 64)),
        seed_(fresh_seed()) {}

  /// Adds one event whose time is text (SPEC §10 forms); returns what became of it. Ids and time
  /// are trimmed of spaces and tabs; an empty one is `missing_value`, checked in the order account,
  /// user, time.
  event_status add(std::string_view account, std::string_view user, std::string_view time) {
    std::int32_t day = 0;
    const event_status status = check_event(account, user, time, day);
    if (status == event_status::valid) add_valid(account, user, day);
    return status;
  }

  /// One event as its three text cells, for `add_batch`.
  struct event_text {
    std::string_view account, user, time;
  };

  /// Adds `count` events exactly as `add` would one after another, writing what became of each
  /// to `statuses`; faster, because the table memory of 16 events at a time is fetched together
  /// instead of one cache miss after another.
  void add_batch(const event_text* events, std::size_t count, event_status* statuses) {
    add_checked_batch(count, statuses,
                      [&](std::size_t i, std::string_view& account, std::string_view& user, std::int32_t& day) {
                        account = events[i].account;
                        user = events[i].user;
                        return check_event(account, user, events[i].time, day);
                      });
  }

  /// One event whose time is seconds since 1970-01-01 UTC (nothing: missing), for `add_batch`.
  struct event_seconds {
    std::string_view account, user;
    std::optional<std::int64_t> seconds;
  };

  /// `add_epoch_seconds` of `count` events, batched as `add_batch` is.
  void add_batch(const event_seconds* events, std::size_t count, event_status* statuses) {
    add_checked_batch(count, statuses,
                      [&](std::size_t i, std::string_view& account, std::string_view& user, std::int32_t& day) {
                        account = events[i].account;
                        user = events[i].user;
                        return check_epoch_event(account, user, events[i].seconds, day);
                      });
  }

  /// Adds one event whose time is already a number of seconds since 1970-01-01 UTC (a datetime
  /// or integer column); nothing means the time is missing.
  event_status add_epoch_seconds(std::string_view account, std::string_view user, std::optional<std::int64_t> seconds) {
    std::int32_t day = 0;
    const event_status status = check_epoch_event(account, user, seconds, day);
    if (status == event_status::valid) add_valid(account, user, day);
    return status;
  }

  /// Adds one event whose time is a number of seconds since 1970-01-01 UTC held as a double (a
  /// float column): NaN means the time is missing; a value that is not a whole number of seconds,
  /// or is infinite, is `invalid_time` (SPEC §10 accepts whole seconds only).
  event_status add_epoch_seconds_number(std::string_view account, std::string_view user, double seconds) {
    if (seconds != seconds) return add_epoch_seconds(account, user, std::nullopt);
    // ±1e13 s lies far outside every accepted date, so the cast below cannot overflow.
    if (!(seconds > -1e13 && seconds < 1e13) || static_cast<double>(static_cast<std::int64_t>(seconds)) != seconds) {
      account = trim_id(account);
      user = trim_id(user);
      if (account.empty()) return count_invalid(event_status::missing_account);
      if (user.empty()) return count_invalid(event_status::missing_user);
      return count_invalid(event_status::invalid_time);
    }
    return add_epoch_seconds(account, user, static_cast<std::int64_t>(seconds));
  }

  /// Counts an event the caller found invalid before reading it (e.g. an id that is not text);
  /// returns `status`.
  event_status count_invalid(event_status status) noexcept {
    ++events_read_;
    if (status == event_status::invalid_time) {
      ++invalid_time_;
    } else if (status != event_status::valid) {
      ++missing_value_;
    }
    return status;
  }

  /// Adds the events another aggregate has seen; throws `error` when its window differs.
  void merge(const usage_aggregator& other) {
    if (&other == this) {
      const usage_aggregator copy = other;  // NOLINT(performance-unnecessary-copy-initialization): merging itself
      merge(copy);
      return;
    }
    if (other.window_ != window_ || other.options_.as_of != options_.as_of) {
      throw error("cannot merge usage aggregates of different windows (W " + std::to_string(window_) + " and " +
                  std::to_string(other.window_) + ", as_of " + describe_as_of(options_.as_of) + " and " +
                  describe_as_of(other.options_.as_of) +
                  "); accepted: aggregates made with the same as_of and window_days");
    }
    events_read_ += other.events_read_;
    valid_ += other.valid_;
    missing_value_ += other.missing_value_;
    invalid_time_ += other.invalid_time_;
    latest_ = std::max(latest_, other.latest_);
    std::vector<std::uint32_t> account_map(other.accounts_.size(), no_entry);
    for (std::size_t a = 0; a < other.accounts_.size(); ++a) {
      const account_entry& theirs = other.accounts_[a];
      if (theirs.latest == no_day || is_dead(theirs.latest)) continue;
      const std::uint32_t mine = account_for(other.account_id(a));
      account_map[a] = mine;
      merge_account_days(mine, theirs.latest, &other.account_days_[a * static_cast<std::size_t>(window_)]);
    }
    // Room for every pair up front (no rehash midway), then the pairs 16 at a time: hashes and
    // their slots' memory first, the lookups after, as in add_batch.
    reserve_pairs(pairs_.size() + other.pairs_.size());
    std::vector<std::uint64_t> shifted(words_);
    constexpr std::size_t group = 16;
    std::uint64_t hashes[group];
    for (std::size_t first = 0; first < other.pairs_.size(); first += group) {
      const std::size_t n = std::min(group, other.pairs_.size() - first);
      for (std::size_t k = 0; k < n; ++k) {
        const pair_entry& theirs = other.pairs_[first + k];
        const std::uint32_t account = account_map[theirs.account];
        hashes[k] = account == no_entry ? 0 : pair_hash(account, other.user_id(first + k));
        __builtin_prefetch(pair_index_.slot_address(hashes[k]));
      }
      for (std::size_t k = 0; k < n; ++k) {
        const std::int64_t e = pair_index_.entry(pair_index_.home(hashes[k]));
        if (e >= 0) __builtin_prefetch(&pairs_[static_cast<std::size_t>(e)]);
      }
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t p = first + k;
        const pair_entry& theirs = other.pairs_[p];
        if (account_map[theirs.account] == no_entry || is_dead(theirs.latest)) continue;
        const std::uint64_t* their_bits = other.bits_of(p);
        const std::string_view user = other.user_id(p);
        const std::uint32_t account = account_map[theirs.account];
        const std::uint64_t hash = hashes[k];
        const std::uint32_t found = find_pair(account, user, hash);
        if (found == no_entry) {
          const std::uint32_t added = insert_pair(account, user, hash, theirs.latest);
          std::copy(their_bits, their_bits + words_, bits_of(added));
          continue;
        }
        pair_entry& entry = pairs_[found];
        std::uint64_t* bits = bits_of(found);
        if (theirs.latest > entry.latest) {
          detail::advance_day_bits(bits, words_, theirs.latest - entry.latest, window_);
          entry.latest = theirs.latest;
        }
        std::copy(their_bits, their_bits + words_, shifted.begin());
        detail::advance_day_bits(shifted.data(), words_, entry.latest - theirs.latest, window_);
        for (std::size_t w = 0; w < words_; ++w) bits[w] |= shifted[w];
      }
    }
  }

  /// SPEC §10 per account with an event in the window, sorted by id (byte order).
  [[nodiscard]] usage_result finish() const { return finish_disjoint({this}); }

  /// SPEC §10 with an account table: one row per id of `account_ids` (trimmed), in that order,
  /// zeros for an account without events in the window; in-window events of other accounts are
  /// counted in `not_in_accounts`. Throws `input_error` (field `account_id`, the 0-based row) for
  /// an empty or repeated id.
  [[nodiscard]] usage_result finish(const std::vector<std::string_view>& account_ids) const {
    return finish_disjoint({this}, account_ids);
  }

  /// `finish` of the merge of `parts`, aggregates of one window whose accounts are disjoint (each
  /// was given the events of its own share of the accounts, e.g. one per thread), computed
  /// without merging: no pair moves. Throws `error` when the windows differ or an account has
  /// events in two parts.
  [[nodiscard]] static usage_result finish_disjoint(const std::vector<const usage_aggregator*>& parts) {
    return finish_parts(parts, nullptr);
  }
  /// `finish(account_ids)` of the merge of disjoint `parts` (see above).
  [[nodiscard]] static usage_result finish_disjoint(const std::vector<const usage_aggregator*>& parts,
                                                    const std::vector<std::string_view>& account_ids) {
    return finish_parts(parts, &account_ids);
  }

  /// The counts so far that need no window: every event read, the invalid ones.
  [[nodiscard]] std::uint64_t events_read() const noexcept { return events_read_; }
  /// Invalid events so far.
  [[nodiscard]] std::uint64_t invalid_events() const noexcept { return missing_value_ + invalid_time_; }
  /// The latest valid event date so far, nothing before the first.
  [[nodiscard]] std::optional<date> latest_date() const noexcept {
    if (latest_ == no_day) return std::nullopt;
    return date::from_days_since_epoch(latest_);
  }
  /// The window options.
  [[nodiscard]] const usage_options& options() const noexcept { return options_; }
  /// (account, user) pairs held.
  [[nodiscard]] std::size_t pairs() const noexcept { return pairs_.size(); }
  /// Accounts held.
  [[nodiscard]] std::size_t accounts() const noexcept { return accounts_.size(); }
  /// Bytes of memory held by the aggregate's tables (capacity, not size).
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return account_ids_.capacity() + accounts_.capacity() * sizeof(account_entry) +
           account_days_.capacity() * sizeof(std::uint64_t) + account_index_.bytes() + user_ids_.capacity() +
           pairs_.capacity() * sizeof(pair_entry) + pair_bits_.capacity() * sizeof(std::uint64_t) + pair_index_.bytes();
  }

  /// The aggregate as bytes (for pickling and sending to another process); `load` reads them back.
  /// The layout is this library version's, little-endian, and not meant for storage.
  [[nodiscard]] std::string save() const {
    std::string out(magic);
    const auto put = [&out](auto value) {
      char bytes[sizeof value];
      std::memcpy(bytes, &value, sizeof value);
      out.append(bytes, sizeof value);
    };
    put(static_cast<std::int32_t>(window_));
    put(static_cast<std::int32_t>(options_.as_of ? options_.as_of->days_since_epoch() : no_day));
    put(static_cast<std::uint8_t>(options_.as_of ? 1 : 0));
    put(latest_);
    put(events_read_);
    put(valid_);
    put(missing_value_);
    put(invalid_time_);
    put(static_cast<std::uint64_t>(accounts_.size()));
    for (std::size_t a = 0; a < accounts_.size(); ++a) {
      const std::string_view id = account_id(a);
      put(static_cast<std::uint32_t>(id.size()));
      out.append(id);
      put(accounts_[a].latest);
      for (int k = 0; k < window_; ++k)
        put(account_days_[a * static_cast<std::size_t>(window_) + static_cast<std::size_t>(k)]);
    }
    put(static_cast<std::uint64_t>(pairs_.size()));
    for (std::size_t p = 0; p < pairs_.size(); ++p) {
      const std::string_view user = user_id(p);
      put(pairs_[p].account);
      put(static_cast<std::uint32_t>(user.size()));
      out.append(user);
      put(pairs_[p].latest);
      for (std::size_t w = 0; w < words_; ++w) put(bits_of(p)[w]);
    }
    return out;
  }

  /// An aggregate from the bytes of `save`; throws `error` naming the offset for bytes that are
  /// not such an aggregate (truncated, altered, or from another version).
  [[nodiscard]] static usage_aggregator load(std::string_view bytes) {
    std::size_t at = 0;
    const auto fail = [&](const std::string& why) -> error {
      return error("cannot read a usage aggregate: " + why + " at byte " + std::to_string(at) +
                   "; accepted: the bytes of usage_aggregator::save from this riskscale version");
    };
    const auto need = [&](std::size_t count) {
      if (bytes.size() - at < count) throw fail("the data ends early");
    };
    const auto get = [&](auto& value) {
      need(sizeof value);
      std::memcpy(&value, bytes.data() + at, sizeof value);
      at += sizeof value;
    };
    need(magic.size());
    if (bytes.substr(0, magic.size()) != magic) throw fail("the header is not a riskscale usage aggregate");
    at += magic.size();
    std::int32_t window = 0, as_of = 0, latest = 0;
    std::uint8_t has_as_of = 0;
    get(window);
    get(as_of);
    get(has_as_of);
    get(latest);
    if (window < 1 || window > max_usage_window_days) throw fail("the window is out of range");
    if (has_as_of > 1 || (has_as_of == 1 ? !valid_day(as_of) : as_of != no_day))
      throw fail("the as_of date is out of range");
    if (latest != no_day && !valid_day(latest)) throw fail("the latest date is out of range");
    usage_options options;
    options.window_days = window;
    if (has_as_of == 1) options.as_of = date::from_days_since_epoch(as_of);
    usage_aggregator result(options);
    result.latest_ = latest;
    get(result.events_read_);
    get(result.valid_);
    get(result.missing_value_);
    get(result.invalid_time_);
    if (result.valid_ > result.events_read_ || result.missing_value_ > result.events_read_ - result.valid_ ||
        result.invalid_time_ != result.events_read_ - result.valid_ - result.missing_value_) {
      throw fail("the event counts do not add up");
    }
    std::uint64_t account_count = 0;
    get(account_count);
    // Each account takes at least 9 + 8·W bytes: a count beyond that is refused before any allocation.
    if (account_count > (bytes.size() - at) / (9 + 8 * static_cast<std::size_t>(window)))
      throw fail("the account count is too large");
    result.account_index_.reset(static_cast<std::size_t>(account_count));
    std::uint64_t stored_events = 0;
    for (std::uint64_t a = 0; a < account_count; ++a) {
      std::uint32_t size = 0;
      get(size);
      need(size);
      const std::string_view id = bytes.substr(at, size);
      at += size;
      if (id.empty() || trim_id(id).size() != id.size()) throw fail("an account id is empty or not trimmed");
      const std::uint64_t hash = hash_bytes(id, result.seed_);
      if (result.find_account(id, hash) != no_entry) throw fail("an account id appears twice");
      const std::uint32_t index = result.insert_account(id, hash);
      std::int32_t account_latest = 0;
      get(account_latest);
      if (account_latest != no_day && (!valid_day(account_latest) || latest == no_day || account_latest > latest)) {
        throw fail("an account's latest date is out of range");
      }
      result.accounts_[index].latest = account_latest;
      for (int k = 0; k < window; ++k) {
        std::uint64_t& count =
            result.account_days_[index * static_cast<std::size_t>(window) + static_cast<std::size_t>(k)];
        get(count);
        if (account_latest == no_day && count != 0) throw fail("an account without events has event counts");
        if (count > result.valid_ - stored_events) throw fail("the accounts hold more events than were read");
        stored_events += count;
      }
    }
    std::uint64_t pair_count = 0;
    get(pair_count);
    // Sized up front, the table never grows (nor drops dead pairs) while loading: save() gives the bytes back.
    if (pair_count > (bytes.size() - at) / (13 + 8 * result.words_)) throw fail("the pair count is too large");
    result.pair_index_.reset(static_cast<std::size_t>(pair_count));
    for (std::uint64_t p = 0; p < pair_count; ++p) {
      std::uint32_t account = 0, size = 0;
      get(account);
      get(size);
      if (account >= account_count) throw fail("a pair names an account that does not exist");
      need(size);
      const std::string_view user = bytes.substr(at, size);
      at += size;
      if (user.empty() || trim_id(user).size() != user.size()) throw fail("a user id is empty or not trimmed");
      std::int32_t pair_latest = 0;
      get(pair_latest);
      if (!valid_day(pair_latest) || pair_latest > result.accounts_[account].latest ||
          result.accounts_[account].latest == no_day) {
        throw fail("a pair's latest date is out of range");
      }
      const std::uint64_t hash = result.pair_hash(account, user);
      if (result.find_pair(account, user, hash) != no_entry) throw fail("an (account, user) pair appears twice");
      const std::uint32_t index = result.insert_pair(account, user, hash, pair_latest);
      std::uint64_t* bits = result.bits_of(index);
      for (std::size_t w = 0; w < result.words_; ++w) get(bits[w]);
      const auto top_bits = static_cast<unsigned>(window % 64);
      if ((bits[0] & 1) == 0 || (top_bits != 0 && (bits[result.words_ - 1] >> top_bits) != 0)) {
        throw fail("a pair's dates are not a set of the window's days");
      }
    }
    if (at != bytes.size()) throw fail("there are bytes after the aggregate");
    return result;
  }

 private:
  static constexpr std::string_view magic = "riskscale.usage.v1\n";
  static constexpr std::int32_t no_day = std::numeric_limits<std::int32_t>::min();
  static constexpr std::uint32_t no_entry = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::int32_t first_day = static_cast<std::int32_t>(first_event_date.days_since_epoch());

  static constexpr std::size_t account_head_bytes = 16;
  struct account_entry {
    std::uint64_t hash = 0;
    std::size_t id_offset = 0;  ///< where the id lies in `account_ids_`
    std::uint32_t id_size = 0;
    std::int32_t latest = no_day;        ///< the account's latest stored event date
    char head[account_head_bytes] = {};  ///< the id's first bytes: most comparisons end here
  };
  static constexpr std::size_t inline_user_bytes = 28;
  /// One (account, user) pair in one cache line: hash, day set (W ≤ 64) and a short user id.
  struct alignas(64) pair_entry {
    std::uint64_t hash = 0;
    std::uint64_t bits = 0;         ///< the day set when W ≤ 64 (bit k: the date `latest − k`)
    std::uint64_t user_offset = 0;  ///< where a long user id lies in `user_ids_`
    std::uint32_t account = 0;
    std::int32_t latest = no_day;  ///< the pair's latest stored date
    std::uint32_t user_size = 0;
    char user_head[inline_user_bytes] = {};  ///< a user id of at most 28 bytes
  };
  /// Per account, what falls in the window; and the sum over accounts.
  struct window_totals {
    std::vector<std::uint64_t> events, users, user_days;
    std::uint64_t all_events = 0;
  };

  static std::uint64_t fresh_seed() {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  static constexpr bool valid_day(std::int32_t day) noexcept {
    return day >= first_day && day <= static_cast<std::int32_t>(last_event_date.days_since_epoch());
  }
  static std::string describe_as_of(const std::optional<date>& as_of) {
    return as_of ? as_of->to_string() : std::string("latest event");
  }

  [[nodiscard]] std::string_view account_id(std::size_t a) const noexcept {
    return std::string_view(account_ids_).substr(accounts_[a].id_offset, accounts_[a].id_size);
  }
  /// True when account `a` has the id `id`, read from the entry alone for ids of up to 16 bytes.
  [[nodiscard]] bool same_account(std::size_t a, std::string_view id) const noexcept {
    const account_entry& entry = accounts_[a];
    if (entry.id_size != id.size()) return false;
    const std::size_t head = std::min(id.size(), account_head_bytes);
    for (std::size_t i = 0; i < head; ++i) {
      if (entry.head[i] != id[i]) return false;
    }
    return id.size() <= account_head_bytes || account_id(a).substr(head) == id.substr(head);
  }
  [[nodiscard]] std::string_view user_id(std::size_t p) const noexcept {
    const pair_entry& entry = pairs_[p];
    if (entry.user_size <= inline_user_bytes) return std::string_view(entry.user_head, entry.user_size);
    return std::string_view(user_ids_).substr(entry.user_offset, entry.user_size);
  }
  /// True when pair `p` has the user id `user`; a short id is compared in the entry, without a call.
  [[nodiscard]] bool same_user(std::size_t p, std::string_view user) const noexcept {
    const pair_entry& entry = pairs_[p];
    if (entry.user_size != user.size()) return false;
    if (user.size() > inline_user_bytes) return user_id(p) == user;
    for (std::size_t i = 0; i < user.size(); ++i) {
      if (entry.user_head[i] != user[i]) return false;
    }
    return true;
  }
  /// The words of a pair's day set: in its entry when W ≤ 64, else in `pair_bits_`.
  [[nodiscard]] std::uint64_t* bits_of(std::size_t p) noexcept {
    return words_ == 1 ? &pairs_[p].bits : &pair_bits_[p * words_];
  }
  [[nodiscard]] const std::uint64_t* bits_of(std::size_t p) const noexcept {
    return words_ == 1 ? &pairs_[p].bits : &pair_bits_[p * words_];
  }
  /// Stores a user id in its entry when short (the common case: no second memory access to
  /// compare it), else in `user_ids_`.
  void store_user(pair_entry& entry, std::string_view user, std::string& arena) const {
    entry.user_size = static_cast<std::uint32_t>(user.size());
    if (user.size() <= inline_user_bytes) {
      std::memcpy(entry.user_head, user.data(), user.size());
    } else {
      entry.user_offset = arena.size();
      arena.append(user);
    }
  }
  [[nodiscard]] std::size_t ring_slot(std::int32_t day) const noexcept {
    return static_cast<std::size_t>(day - first_day) % static_cast<std::size_t>(window_);
  }
  /// Without `as_of`, a date `W` or more days before the latest valid date can never be in the window.
  [[nodiscard]] bool is_dead(std::int32_t day) const noexcept {
    return !options_.as_of && latest_ != no_day && day <= latest_ - window_;
  }
  [[nodiscard]] std::uint64_t pair_hash(std::uint32_t account, std::string_view user) const noexcept {
    return hash_bytes(user, seed_ ^ (static_cast<std::uint64_t>(account) * 0xD6E8FEB86659FD93ULL));
  }

  /// The body of both `add_batch`: `check(i, account, user, day)` trims, checks and dates event
  /// `i` (counting it when invalid) and returns its status; the valid ones are then stored in
  /// groups of 16 whose table memory is fetched before it is used.
  template <typename Check>
  void add_checked_batch(std::size_t count, event_status* statuses, Check&& check) {
    constexpr std::size_t group = 16;
    struct pending {
      std::string_view account, user;
      std::int32_t day;
      std::uint64_t hash;
      std::uint32_t account_index;
    };
    pending work[group];
    for (std::size_t first = 0; first < count; first += group) {
      const std::size_t n = std::min(group, count - first);
      std::size_t stored = 0;
      // 1. Check and date each event; hash the account ids of the ones to store.
      for (std::size_t k = 0; k < n; ++k) {
        pending& p = work[stored];
        statuses[first + k] = check(first + k, p.account, p.user, p.day);
        if (statuses[first + k] != event_status::valid || !count_valid(p.day)) continue;
        p.hash = hash_bytes(p.account, seed_);
        __builtin_prefetch(account_index_.slot_address(p.hash));
        ++stored;
      }
      // 2. Fetch the account entry each first slot names (usually the account itself).
      for (std::size_t k = 0; k < stored; ++k) {
        const std::int64_t e = account_index_.entry(account_index_.home(work[k].hash));
        if (e >= 0) __builtin_prefetch(&accounts_[static_cast<std::size_t>(e)]);
      }
      // 3. Find (or add) each account; fetch its day counter and its pair's first slot.
      for (std::size_t k = 0; k < stored; ++k) {
        pending& p = work[k];
        p.account_index = cached_account_for(p.account, p.hash);
        __builtin_prefetch(&account_days_[p.account_index * static_cast<std::size_t>(window_) + ring_slot(p.day)]);
        p.hash = pair_hash(p.account_index, p.user);
        __builtin_prefetch(pair_index_.slot_address(p.hash));
      }
      // 4. Fetch the pair entry each first slot names (usually the pair itself).
      for (std::size_t k = 0; k < stored; ++k) {
        const std::int64_t e = pair_index_.entry(pair_index_.home(work[k].hash));
        if (e >= 0) __builtin_prefetch(&pairs_[static_cast<std::size_t>(e)]);
      }
      // 5. Count the events and mark the dates.
      for (std::size_t k = 0; k < stored; ++k) {
        const pending& p = work[k];
        add_account_day(p.account_index, p.day);
        add_pair_day(p.account_index, p.user, p.hash, p.day);
      }
    }
  }
  /// `check_event` for a time given as epoch seconds.
  event_status check_epoch_event(std::string_view& account, std::string_view& user, std::optional<std::int64_t> seconds,
                                 std::int32_t& day) noexcept {
    account = trim_id(account);
    user = trim_id(user);
    if (account.empty()) return count_invalid(event_status::missing_account);
    if (user.empty()) return count_invalid(event_status::missing_user);
    if (!seconds) return count_invalid(event_status::missing_time);
    const std::optional<date> parsed = event_date_from_epoch_seconds(*seconds);
    if (!parsed) return count_invalid(event_status::invalid_time);
    day = static_cast<std::int32_t>(parsed->days_since_epoch());
    return event_status::valid;
  }
  /// Trims the ids, checks the three fields in order and dates the event (SPEC §10); counts it
  /// when invalid.
  event_status check_event(std::string_view& account, std::string_view& user, std::string_view time,
                           std::int32_t& day) noexcept {
    account = trim_id(account);
    user = trim_id(user);
    if (account.empty()) return count_invalid(event_status::missing_account);
    if (user.empty()) return count_invalid(event_status::missing_user);
    const std::string_view trimmed_time = detail::trim_blanks(time);
    if (trimmed_time.empty()) return count_invalid(event_status::missing_time);
    const std::optional<date> parsed = parse_event_time(trimmed_time);
    if (!parsed) return count_invalid(event_status::invalid_time);
    day = static_cast<std::int32_t>(parsed->days_since_epoch());
    return event_status::valid;
  }
  /// Counts a valid event; true when it must be stored, i.e. when it may lie in the window.
  bool count_valid(std::int32_t day) noexcept {
    ++events_read_;
    ++valid_;
    latest_ = std::max(latest_, day);
    if (options_.as_of) {
      // SPEC §10: in the window when as_of − W < date ≤ as_of.
      const auto as_of = static_cast<std::int32_t>(options_.as_of->days_since_epoch());
      return day <= as_of && day > as_of - window_;
    }
    // Without as_of any latest date seen is a lower bound of the window's end, so an event that
    // many days behind it can never be in the window (whatever the order of events).
    return !is_dead(day);
  }
  void add_valid(std::string_view account, std::string_view user, std::int32_t day) {
    if (!count_valid(day)) return;
    const std::uint32_t a = cached_account_for(account, hash_bytes(account, seed_));
    add_account_day(a, day);
    add_pair_day(a, user, pair_hash(a, user), day);
  }
  void add_pair_day(std::uint32_t a, std::string_view user, std::uint64_t hash, std::int32_t day) {
    const std::uint32_t found = find_pair(a, user, hash);
    if (found == no_entry) {
      const std::uint32_t added = insert_pair(a, user, hash, day);
      bits_of(added)[0] = 1;
      return;
    }
    pair_entry& entry = pairs_[found];
    std::uint64_t* bits = bits_of(found);
    if (day > entry.latest) {
      detail::advance_day_bits(bits, words_, day - entry.latest, window_);
      entry.latest = day;
    }
    const std::int32_t back = entry.latest - day;
    if (back < window_) bits[static_cast<std::size_t>(back) / 64] |= std::uint64_t{1} << (back % 64);
  }

  std::uint32_t cached_account_for(std::string_view id, std::uint64_t hash) {
    // Event exports often come grouped by account: the previous account is checked first.
    if (last_account_ != no_entry && accounts_[last_account_].hash == hash && same_account(last_account_, id)) {
      return last_account_;
    }
    const std::uint32_t found = find_account(id, hash);
    last_account_ = found != no_entry ? found : insert_account(id, hash);
    return last_account_;
  }
  std::uint32_t account_for(std::string_view id) {
    const std::uint64_t hash = hash_bytes(id, seed_);
    const std::uint32_t found = find_account(id, hash);
    return found != no_entry ? found : insert_account(id, hash);
  }
  [[nodiscard]] std::uint32_t find_account(std::string_view id, std::uint64_t hash) const noexcept {
    for (std::size_t slot = account_index_.home(hash);; slot = account_index_.next(slot)) {
      const std::int64_t e = account_index_.entry(slot);
      if (e < 0) return no_entry;
      if (account_index_.tag_matches(slot, hash) && accounts_[static_cast<std::size_t>(e)].hash == hash &&
          same_account(static_cast<std::size_t>(e), id)) {
        return static_cast<std::uint32_t>(e);
      }
    }
  }
  std::uint32_t insert_account(std::string_view id, std::uint64_t hash) {
    if (accounts_.size() >= no_entry - 1) throw error("more than 4294967294 accounts in one usage aggregate");
    if (accounts_.size() >= account_index_.limit()) {
      account_index_.reset(2 * accounts_.size() - 1);
      for (std::size_t a = 0; a < accounts_.size(); ++a) {
        account_index_.store(account_index_.free_slot(accounts_[a].hash), accounts_[a].hash, a);
      }
    }
    account_entry entry;
    entry.hash = hash;
    entry.id_offset = account_ids_.size();
    entry.id_size = static_cast<std::uint32_t>(id.size());
    std::memcpy(entry.head, id.data(), std::min(id.size(), account_head_bytes));
    account_ids_.append(id);
    const auto index = static_cast<std::uint32_t>(accounts_.size());
    accounts_.push_back(entry);
    account_days_.resize(account_days_.size() + static_cast<std::size_t>(window_), 0);
    account_index_.store(account_index_.free_slot(hash), hash, index);
    return index;
  }

  void add_account_day(std::uint32_t a, std::int32_t day) {
    account_entry& entry = accounts_[a];
    std::uint64_t* counts = &account_days_[a * static_cast<std::size_t>(window_)];
    if (entry.latest == no_day) {
      entry.latest = day;
    } else if (day > entry.latest) {
      advance_account(entry, counts, day);
    } else if (day <= entry.latest - window_) {
      return;  // outside any window that contains the account's latest date
    }
    ++counts[ring_slot(day)];
  }
  /// Moves an account's ring of day counters forward to `day`, clearing the days it passes.
  void advance_account(account_entry& entry, std::uint64_t* counts, std::int32_t day) const noexcept {
    for (std::int32_t k = std::max(entry.latest + 1, day - window_ + 1); k <= day; ++k) counts[ring_slot(k)] = 0;
    entry.latest = day;
  }
  void merge_account_days(std::uint32_t a, std::int32_t their_latest, const std::uint64_t* their_counts) {
    account_entry& entry = accounts_[a];
    std::uint64_t* counts = &account_days_[a * static_cast<std::size_t>(window_)];
    if (entry.latest == no_day) {
      entry.latest = their_latest;
      std::copy(their_counts, their_counts + window_, counts);
      return;
    }
    if (their_latest > entry.latest) advance_account(entry, counts, their_latest);
    for (std::int32_t k = std::max(their_latest - window_ + 1, entry.latest - window_ + 1); k <= their_latest; ++k) {
      counts[ring_slot(k)] += their_counts[ring_slot(k)];
    }
  }

  [[nodiscard]] std::uint32_t find_pair(std::uint32_t account, std::string_view user,
                                        std::uint64_t hash) const noexcept {
    for (std::size_t slot = pair_index_.home(hash);; slot = pair_index_.next(slot)) {
      const std::int64_t e = pair_index_.entry(slot);
      if (e < 0) return no_entry;
      const pair_entry& entry = pairs_[static_cast<std::size_t>(e)];
      if (pair_index_.tag_matches(slot, hash) && entry.hash == hash && entry.account == account &&
          same_user(static_cast<std::size_t>(e), user)) {
        return static_cast<std::uint32_t>(e);
      }
    }
  }
  std::uint32_t insert_pair(std::uint32_t account, std::string_view user, std::uint64_t hash, std::int32_t latest) {
    if (pairs_.size() >= pair_index_.limit()) make_room_for_pairs();
    if (pairs_.size() >= no_entry - 1) throw error("more than 4294967294 (account, user) pairs in one usage aggregate");
    pair_entry entry;
    entry.hash = hash;
    entry.account = account;
    entry.latest = latest;
    store_user(entry, user, user_ids_);
    const auto index = static_cast<std::uint32_t>(pairs_.size());
    pairs_.push_back(entry);
    if (words_ > 1) pair_bits_.resize(pair_bits_.size() + words_, 0);
    pair_index_.store(pair_index_.free_slot(hash), hash, index);
    return index;
  }
  /// Makes the pair index big enough for `count` pairs, so that inserting them never rehashes.
  void reserve_pairs(std::size_t count) {
    if (count < pair_index_.limit()) return;
    pair_index_.reset(count);
    for (std::size_t p = 0; p < pairs_.size(); ++p) {
      pair_index_.store(pair_index_.free_slot(pairs_[p].hash), pairs_[p].hash, p);
    }
  }
  /// Before the pair table grows: without `as_of`, drop the pairs that fell out of every possible
  /// window when they are a quarter or more of the table; else double the table.
  void make_room_for_pairs() {
    std::size_t dead = 0;
    for (const pair_entry& entry : pairs_) dead += is_dead(entry.latest) ? 1 : 0;
    if (dead > 0 && 4 * dead >= pairs_.size()) {
      std::string users;
      std::vector<pair_entry> kept;
      std::vector<std::uint64_t> bits;
      kept.reserve(pairs_.size() - dead);
      bits.reserve((pairs_.size() - dead) * words_);
      for (std::size_t p = 0; p < pairs_.size(); ++p) {
        if (is_dead(pairs_[p].latest)) continue;
        pair_entry entry = pairs_[p];
        if (entry.user_size > inline_user_bytes) store_user(entry, user_id(p), users);
        kept.push_back(entry);
        if (words_ > 1) bits.insert(bits.end(), bits_of(p), bits_of(p) + words_);
      }
      user_ids_ = std::move(users);
      pairs_ = std::move(kept);
      pair_bits_ = std::move(bits);
      // The accounts' rings drop their dead days by themselves; only the pairs held memory.
    }
    // A table that compaction left at most three-quarters full keeps its size; else it doubles.
    const std::size_t limit = pair_index_.limit();
    pair_index_.reset(4 * pairs_.size() <= 3 * limit ? limit - 1 : 2 * limit - 1);
    for (std::size_t p = 0; p < pairs_.size(); ++p) {
      pair_index_.store(pair_index_.free_slot(pairs_[p].hash), pairs_[p].hash, p);
    }
  }

  static usage_result finish_parts(const std::vector<const usage_aggregator*>& parts,
                                   const std::vector<std::string_view>* account_ids) {
    if (parts.empty()) throw error("finish_disjoint needs at least one usage aggregate");
    const usage_aggregator& first = *parts.front();
    usage_result result;
    result.window_days = first.window_;
    std::int32_t latest = no_day;
    for (const usage_aggregator* part : parts) {
      if (part->window_ != first.window_ || part->options_.as_of != first.options_.as_of) {
        throw error(
            "cannot finish usage aggregates of different windows together; accepted: aggregates made with "
            "the same as_of and window_days");
      }
      latest = std::max(latest, part->latest_);
    }
    // SPEC §10: the window ends on as_of, by default the latest valid date of all the parts.
    if (first.options_.as_of) {
      result.as_of = first.options_.as_of;
    } else if (latest != no_day) {
      result.as_of = date::from_days_since_epoch(latest);
    }
    std::vector<window_totals> totals;
    totals.reserve(parts.size());
    std::uint64_t all_events = 0, used = 0;
    for (const usage_aggregator* part : parts) {
      totals.push_back(part->compute_totals(result.as_of));
      all_events += totals.back().all_events;
      result.counts.events_read += part->events_read_;
      result.counts.missing_value += part->missing_value_;
      result.counts.invalid_time += part->invalid_time_;
      result.counts.outside_window += part->valid_;
    }
    result.counts.outside_window -= all_events;
    const auto twice = [](std::string_view id) {
      return error("the account '" + std::string(id) +
                   "' has events in two usage aggregates given as disjoint; "
                   "accepted: aggregates of disjoint accounts (else merge them)");
    };
    if (account_ids == nullptr) {
      std::vector<std::pair<std::uint32_t, std::uint32_t>> reported;  // (part, account)
      for (std::uint32_t k = 0; k < parts.size(); ++k) {
        for (std::uint32_t a = 0; a < parts[k]->accounts_.size(); ++a) {
          if (totals[k].events[a] > 0) reported.emplace_back(k, a);
        }
      }
      std::sort(reported.begin(), reported.end(), [&](const auto& x, const auto& y) {
        return parts[x.first]->account_id(x.second) < parts[y.first]->account_id(y.second);
      });
      result.accounts.reserve(reported.size());
      for (std::size_t r = 0; r < reported.size(); ++r) {
        const auto [k, a] = reported[r];
        if (r > 0 && parts[reported[r - 1].first]->account_id(reported[r - 1].second) == parts[k]->account_id(a)) {
          throw twice(parts[k]->account_id(a));
        }
        result.accounts.push_back(parts[k]->usage_of(a, totals[k], result.as_of));
      }
      used = all_events;
    } else {
      std::unordered_map<std::string_view, std::size_t> rows;
      rows.reserve(account_ids->size());
      result.accounts.reserve(account_ids->size());
      for (std::size_t row = 0; row < account_ids->size(); ++row) {
        const std::string_view id = trim_id((*account_ids)[row]);
        if (id.empty()) {
          throw input_error("account_id", row, "",
                            "the account table has an empty account id; accepted: one non-empty id per row");
        }
        const auto inserted = rows.emplace(id, row);
        if (!inserted.second) {
          throw input_error("account_id", row, std::string(id),
                            "the account table lists this id again (first at row " +
                                std::to_string(inserted.first->second) + "); accepted: each account once");
        }
        std::optional<account_usage> found;
        for (std::size_t k = 0; k < parts.size(); ++k) {
          const std::uint32_t a = parts[k]->find_account(id, hash_bytes(id, parts[k]->seed_));
          if (a == no_entry || totals[k].events[a] == 0) continue;
          if (found) throw twice(id);
          found = parts[k]->usage_of(a, totals[k], result.as_of);
          used += totals[k].events[a];
        }
        if (!found) {
          found.emplace();
          found->account_id = std::string(id);
        }
        result.accounts.push_back(std::move(*found));
      }
    }
    result.counts.used = used;
    result.counts.not_in_accounts = all_events - used;
    return result;
  }
  [[nodiscard]] window_totals compute_totals(const std::optional<date>& as_of) const {
    window_totals totals;
    totals.events.assign(accounts_.size(), 0);
    totals.users.assign(accounts_.size(), 0);
    totals.user_days.assign(accounts_.size(), 0);
    if (!as_of) return totals;
    const auto end = static_cast<std::int32_t>(as_of->days_since_epoch());
    const std::int32_t first_in_window = end - window_ + 1;
    for (std::size_t a = 0; a < accounts_.size(); ++a) {
      const account_entry& entry = accounts_[a];
      if (entry.latest == no_day || entry.latest < first_in_window) continue;
      const std::uint64_t* counts = &account_days_[a * static_cast<std::size_t>(window_)];
      // The ring holds the days entry.latest − W + 1 … entry.latest, and entry.latest ≤ as_of.
      for (std::int32_t k = std::max(first_in_window, entry.latest - window_ + 1); k <= entry.latest; ++k) {
        totals.events[a] += counts[ring_slot(k)];
      }
      totals.all_events += totals.events[a];
    }
    for (std::size_t p = 0; p < pairs_.size(); ++p) {
      const pair_entry& entry = pairs_[p];
      const std::int64_t in_window_bits = static_cast<std::int64_t>(entry.latest) - first_in_window + 1;
      if (in_window_bits <= 0) continue;
      const std::int64_t days = detail::count_day_bits(bits_of(p), words_, in_window_bits);
      if (days == 0) continue;
      ++totals.users[entry.account];
      totals.user_days[entry.account] += static_cast<std::uint64_t>(days);
    }
    return totals;
  }
  [[nodiscard]] account_usage usage_of(std::uint32_t a, const window_totals& totals,
                                       const std::optional<date>& as_of) const {
    account_usage usage;
    usage.account_id = std::string(account_id(a));
    usage.active_users = totals.users[a];
    usage.events = totals.events[a];
    // SPEC §10: mean distinct dates per active user × 30 / W; each product is exact below 2^53,
    // so the quotient is the correctly rounded value of the exact ratio.
    usage.active_days = usage.active_users == 0
                            ? 0.0
                            : (static_cast<double>(totals.user_days[a]) * 30.0) /
                                  (static_cast<double>(usage.active_users) * static_cast<double>(window_));
    if (as_of && totals.events[a] > 0) usage.last_event = date::from_days_since_epoch(accounts_[a].latest);
    return usage;
  }

  usage_options options_;
  int window_;
  std::size_t words_;
  std::uint64_t seed_;
  std::string account_ids_;
  std::vector<account_entry> accounts_;
  std::vector<std::uint64_t> account_days_;  ///< per account, W event counters indexed by date mod W
  detail::slot_index account_index_;
  std::string user_ids_;
  std::vector<pair_entry> pairs_;
  std::vector<std::uint64_t> pair_bits_;  ///< per pair, ⌈W/64⌉ words of its day set, when W > 64
  detail::slot_index pair_index_;
  std::int32_t latest_ = no_day;
  std::uint32_t last_account_ = no_entry;
  std::uint64_t events_read_ = 0, valid_ = 0, missing_value_ = 0, invalid_time_ = 0;
};

}  // namespace riskscale
