// libFuzzer harness for the SPEC §10 event-time parser and the usage aggregate's byte form.
//
// Invariants checked (any violation aborts):
//  1. parse_event_time never throws; a date it returns lies in [first_event_date, last_event_date].
//  2. An accepted date-time gives the date that the C library's timegm gives for the same local
//     fields minus the offset; an accepted date alone prints back as the same text; accepted
//     digits give floor(seconds / 86400).
//  3. Surrounding spaces and tabs never change the answer.
//  4. usage_aggregator::load either refuses the bytes with riskscale::error or gives an aggregate
//     whose save() is those bytes again, whose finish() counts add up, and that merges with
//     itself to twice its events.
//  5. Each input line "account,user,time" added to an aggregate gives the status the parser
//     predicts, and the aggregate survives save/load unchanged.
//  6. The same lines through add_batch (in uneven batches) give the same statuses and the same
//     finished result as one add at a time.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "riskscale/usage.hpp"

namespace {

void fail(const char* invariant) {
  std::fprintf(stderr, "usage fuzz invariant violated: %s\n", invariant);
  std::abort();
}

void check_time(std::string_view text) {
  const std::optional<riskscale::date> parsed = riskscale::parse_event_time(text);
  const std::string padded = " \t" + std::string(text) + "\t ";
  if (riskscale::parse_event_time(padded) != parsed) fail("blanks around a time change its date");
  if (!parsed) return;
  if (*parsed < riskscale::first_event_date || riskscale::last_event_date < *parsed) fail("a date out of range");
  const std::string_view trimmed = riskscale::detail::trim_blanks(text);
  const auto fields = riskscale::detail::split_event_time(trimmed);
  if (!fields) fail("an accepted time does not split");
  if (fields->epoch) {
    if (parsed->days_since_epoch() != riskscale::detail::floor_div(fields->epoch_seconds, 86400)) {
      fail("epoch seconds give another date than floor division");
    }
    return;
  }
  if (trimmed.size() == 10) {
    if (parsed->to_string() != trimmed) fail("a date does not print back as itself");
    return;
  }
  std::tm local{};
  local.tm_year = fields->year - 1900;
  local.tm_mon = fields->month - 1;
  local.tm_mday = fields->day;
  const std::int64_t local_seconds = std::stoll(std::string(trimmed.substr(11, 2))) * 3600 +
                                     std::stoll(std::string(trimmed.substr(14, 2))) * 60 +
                                     std::stoll(std::string(trimmed.substr(17, 2)));
  const std::int64_t offset = local_seconds - fields->seconds_of_day;  // local − UTC
  const auto midnight = static_cast<std::int64_t>(timegm(&local));
  const std::int64_t utc = midnight + local_seconds - offset;
  if (riskscale::detail::floor_div(utc, 86400) != parsed->days_since_epoch()) fail("timegm disagrees on the UTC date");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_time(input);

  try {
    const riskscale::usage_aggregator loaded = riskscale::usage_aggregator::load(input);
    if (loaded.save() != input) fail("save(load(bytes)) differs from the bytes");
    const riskscale::usage_result result = loaded.finish();
    const auto& c = result.counts;
    if (c.used + c.outside_window + c.invalid() + c.not_in_accounts != c.events_read)
      fail("loaded counts do not add up");
    riskscale::usage_aggregator twice = loaded;
    twice.merge(loaded);
    if (twice.finish().counts.events_read != 2 * c.events_read) fail("merging an aggregate with itself lost events");
  } catch (const riskscale::error&) {
    // Refused with a message: the expected answer for almost every input.
  }

  riskscale::usage_options options;
  options.window_days = 1 + static_cast<int>(size % riskscale::max_usage_window_days);
  riskscale::usage_aggregator events(options);
  std::vector<riskscale::usage_aggregator::event_text> batch;
  std::vector<riskscale::event_status> statuses;
  std::size_t start = 0;
  while (start <= input.size()) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view line = input.substr(start, end - start);
    const std::size_t first = line.find(','),
                      second = first == std::string_view::npos ? first : line.find(',', first + 1);
    if (second != std::string_view::npos) {
      const std::string_view account = line.substr(0, first), user = line.substr(first + 1, second - first - 1),
                             time = line.substr(second + 1);
      check_time(time);
      const riskscale::event_status status = events.add(account, user, time);
      batch.push_back({account, user, time});
      statuses.push_back(status);
      const bool ids = !riskscale::trim_id(account).empty() && !riskscale::trim_id(user).empty();
      if (ids && !riskscale::detail::trim_blanks(time).empty() &&
          (status == riskscale::event_status::valid) != riskscale::parse_event_time(time).has_value()) {
        fail("add disagrees with parse_event_time");
      }
    }
    start = end + 1;
  }
  const std::string bytes = events.save();
  if (riskscale::usage_aggregator::load(bytes).save() != bytes) fail("an aggregate does not survive save/load");

  riskscale::usage_aggregator batched(options);
  std::vector<riskscale::event_status> batch_statuses(batch.size());
  for (std::size_t first = 0, step = 1 + size % 7; first < batch.size(); first += step) {
    batched.add_batch(batch.data() + first, std::min(step, batch.size() - first), batch_statuses.data() + first);
  }
  if (batch_statuses != statuses) fail("add_batch gives other statuses than add");
  const riskscale::usage_result one = events.finish(), many = batched.finish();
  if (one.as_of != many.as_of || one.accounts.size() != many.accounts.size() ||
      one.counts.outside_window != many.counts.outside_window || one.counts.used != many.counts.used) {
    fail("add_batch gives another result than add");
  }
  for (std::size_t i = 0; i < one.accounts.size(); ++i) {
    const auto &x = one.accounts[i], &y = many.accounts[i];
    if (x.account_id != y.account_id || x.active_users != y.active_users || x.active_days != y.active_days ||
        x.events != y.events || x.last_event != y.last_event) {
      fail("add_batch gives another account row than add");
    }
  }
  return 0;
}
