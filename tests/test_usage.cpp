// SPEC §10 usage from product events: event times, the aggregator (window, ids, merge, save/load)
// and every row of ../shared/conformance/usage.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "riskscale/usage.hpp"
#include "support/table.hpp"

namespace {

using riskscale::date;
using riskscale::event_status;
using riskscale::parse_event_time;
using riskscale::usage_aggregator;
using riskscale::usage_options;
using riskscale::usage_result;
using riskscale::testing::conformance_path;
using riskscale::testing::read_table;

std::string date_text(std::string_view time) {
  const std::optional<date> d = parse_event_time(time);
  return d ? d->to_string() : std::string("invalid");
}

usage_options window(const char* as_of, int days) {
  usage_options options;
  if (as_of != nullptr) options.as_of = date::parse(as_of);
  options.window_days = days;
  return options;
}

TEST(UsageTime, EveryFormOfSpec10) {
  EXPECT_EQ(date_text("2024-03-01"), "2024-03-01");
  EXPECT_EQ(date_text("2024-03-01T23:30:00"), "2024-03-01");
  EXPECT_EQ(date_text("2024-03-01 23:30:00"), "2024-03-01");
  EXPECT_EQ(date_text("2024-03-01T23:30:00.250"), "2024-03-01");
  EXPECT_EQ(date_text("2024-03-01T23:30:00.123456789Z"), "2024-03-01");
  EXPECT_EQ(date_text("2024-03-01T23:30:00Z"), "2024-03-01");
  EXPECT_EQ(date_text("2024-03-01T12:00:00+05:30"), "2024-03-01");
  EXPECT_EQ(date_text(" \t2024-03-01T12:00:00Z \t"), "2024-03-01");
  EXPECT_EQ(date_text("0"), "1970-01-01");
  EXPECT_EQ(date_text("86399"), "1970-01-01");
  EXPECT_EQ(date_text("86400"), "1970-01-02");
  EXPECT_EQ(date_text("1782993600"), "2026-07-02");  // 2026-07-02T12:00:00Z
  // Digits alone are always seconds (SPEC §10), so the ISO basic form is not a date here.
  EXPECT_EQ(date_text("20260630"), "1970-08-23");
}

TEST(UsageTime, OffsetsMoveTheUtcDateBothWays) {
  // West of UTC: late evening local is the next day in UTC.
  EXPECT_EQ(date_text("2026-06-02 23:45:00-03:00"), "2026-06-03");
  EXPECT_EQ(date_text("2026-06-02 20:59:59-03:00"), "2026-06-02");
  EXPECT_EQ(date_text("2026-06-02 21:00:00-03:00"), "2026-06-03");
  // East of UTC: just after midnight local is the previous day in UTC.
  EXPECT_EQ(date_text("2026-07-01T00:15:00.250+02:00"), "2026-06-30");
  EXPECT_EQ(date_text("2026-07-01T02:00:00+02:00"), "2026-07-01");
  EXPECT_EQ(date_text("2026-01-01T00:00:00+00:01"), "2025-12-31");
  EXPECT_EQ(date_text("2026-12-31T23:59:59-23:59"), "2027-01-01");
}

TEST(UsageTime, LeapDays) {
  EXPECT_EQ(date_text("2024-02-29"), "2024-02-29");
  EXPECT_EQ(date_text("2000-02-29T10:00:00Z"), "2000-02-29");
  EXPECT_EQ(date_text("2024-03-01T00:30:00+01:00"), "2024-02-29");
  EXPECT_EQ(date_text("2024-02-28T23:30:00-01:00"), "2024-02-29");
  EXPECT_EQ(date_text("2023-02-28T23:30:00-01:00"), "2023-03-01");
  EXPECT_EQ(date_text("1709164800"), "2024-02-29");  // 2024-02-29T00:00:00Z
  EXPECT_EQ(date_text("2023-02-29"), "invalid");
  EXPECT_EQ(date_text("1900-02-29"), "invalid");
  EXPECT_EQ(date_text("2100-02-29"), "invalid");
}

TEST(UsageTime, EpochSecondsBefore1970AndTheRangeEnds) {
  EXPECT_EQ(date_text("-1"), "1969-12-31");
  EXPECT_EQ(date_text("-86400"), "1969-12-31");
  EXPECT_EQ(date_text("-86401"), "1969-12-30");
  EXPECT_EQ(date_text("-2208988800"), "1900-01-01");
  EXPECT_EQ(date_text("-2208988801"), "invalid");  // 1899-12-31T23:59:59Z
  EXPECT_EQ(date_text("7258118399"), "2199-12-31");
  EXPECT_EQ(date_text("7258118400"), "invalid");     // 2200-01-01
  EXPECT_EQ(date_text("1782993600000"), "invalid");  // milliseconds: year 58,000
  EXPECT_EQ(date_text("1900-01-01"), "1900-01-01");
  EXPECT_EQ(date_text("1899-12-31"), "invalid");
  EXPECT_EQ(date_text("1900-01-01T00:30:00+01:00"), "invalid");
  EXPECT_EQ(date_text("2199-12-31"), "2199-12-31");
  EXPECT_EQ(date_text("2199-12-31T23:30:00-01:00"), "invalid");
  EXPECT_EQ(date_text("2200-01-01"), "invalid");
}

TEST(UsageTime, AnythingElseIsInvalid) {
  for (const char* text : {"",
                           " ",
                           "2024-02-30",
                           "2024-13-01",
                           "2024-00-10",
                           "2024-04-31",
                           "30/06/2026",
                           "2026/06/30",
                           "2024-3-01",
                           "2024-03-1",
                           "+1700000000",
                           "1.5",
                           "1e9",
                           "-",
                           "--5",
                           "2024-03-01T",
                           "2024-03-01T10:00",
                           "2024-03-01t10:00:00",
                           "2024-03-01T10:00:00z",
                           "2024-03-01T24:00:00",
                           "2024-03-01T10:60:00",
                           "2024-03-01T10:00:60",
                           "2024-03-01T10:00:00.",
                           "2024-03-01T10:00:00,5",
                           "2024-03-01T10:00:00+0200",
                           "2024-03-01T10:00:00+02",
                           "2024-03-01T10:00:00+24:00",
                           "2024-03-01T10:00:00+02:60",
                           "2024-03-01T10:00:00ZZ",
                           "2024-03-01T10:00:00 Z",
                           "2024-03-01  10:00:00",
                           "2024-03-01Z",
                           "2024-03-01 ",
                           "x2024-03-01",
                           "0000-01-01",
                           "2024-03-01T10:00:00+02:00x",
                           "１２３"}) {
    if (std::string_view(text) == "2024-03-01 ") {
      EXPECT_EQ(date_text(text), "2024-03-01") << "trailing blanks are trimmed";
      continue;
    }
    EXPECT_EQ(date_text(text), "invalid") << "'" << text << "'";
  }
}

TEST(UsageTime, ParsesAtCompileTime) {
  static_assert(parse_event_time("2024-02-29T23:30:00-01:00")->days_since_epoch() == 19783);
  static_assert(!parse_event_time("2024-02-30").has_value());
  SUCCEED();
}

TEST(UsageOptions, RefusesWindowsAndDatesOutOfRange) {
  EXPECT_THROW(usage_aggregator(window(nullptr, 0)), riskscale::error);
  EXPECT_THROW(usage_aggregator(window(nullptr, 367)), riskscale::error);
  EXPECT_NO_THROW(usage_aggregator(window(nullptr, 366)));
  EXPECT_THROW(usage_aggregator(window("1899-12-31", 30)), riskscale::error);
  EXPECT_THROW(usage_aggregator(window("2200-01-01", 30)), riskscale::error);
  try {
    usage_aggregator bad(window(nullptr, -3));
    FAIL();
  } catch (const riskscale::error& e) {
    EXPECT_NE(std::string(e.what()).find("window_days = -3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("1 to 366"), std::string::npos) << e.what();
  }
}

// One output row's values, for comparisons.
std::string row_text(const riskscale::account_usage& row) {
  std::ostringstream out;
  out.precision(17);
  out << row.account_id << "," << row.active_users << "," << row.active_days << "," << row.events << ","
      << (row.last_event ? row.last_event->to_string() : "");
  return out.str();
}

const riskscale::account_usage* find_row(const usage_result& result, const std::string& id) {
  for (const auto& row : result.accounts) {
    if (row.account_id == id) return &row;
  }
  return nullptr;
}

TEST(UsageAggregate, WindowEdges) {
  usage_aggregator usage(window("2024-03-10", 7));
  EXPECT_EQ(usage.add("A", "u", "2024-03-03"), event_status::valid);  // as_of − W: excluded
  usage.add("A", "u", "2024-03-04");                                  // first day in
  usage.add("A", "v", "2024-03-10T23:59:59Z");                        // as_of: included
  usage.add("A", "v", "2024-03-11T00:00:00Z");                        // after as_of: excluded
  usage.add("B", "w", "2024-03-03T23:59:59Z");                        // only outside: no row
  const usage_result result = usage.finish();
  ASSERT_EQ(result.accounts.size(), 1U);
  EXPECT_EQ(row_text(result.accounts[0]), "A,2,4.2857142857142856,2,2024-03-10");  // 2 dates / 2 users × 30/7
  EXPECT_EQ(result.counts.events_read, 5U);
  EXPECT_EQ(result.counts.used, 2U);
  EXPECT_EQ(result.counts.outside_window, 3U);
  EXPECT_EQ(result.as_of->to_string(), "2024-03-10");
}

TEST(UsageAggregate, AsOfDefaultsToTheLatestValidDate) {
  usage_aggregator usage(window(nullptr, 2));
  usage.add("A", "u", "2024-03-08");
  usage.add("A", "u", "2024-03-09");
  usage.add("A", "u", "2024-03-10");
  usage.add("A", "v", "2024-03-09 23:30:00-01:00");  // 2024-03-10 UTC
  usage.add("B", "w", "2024-03-12T00:00:00+02:00");  // 2024-03-11 UTC: the latest
  usage.add("B", "w", "2099-13-01");                 // invalid: does not count as latest
  const usage_result result = usage.finish();
  ASSERT_TRUE(result.as_of);
  EXPECT_EQ(result.as_of->to_string(), "2024-03-11");
  ASSERT_EQ(result.accounts.size(), 2U);
  EXPECT_EQ(row_text(result.accounts[0]), "A,2,15,2,2024-03-10");
  EXPECT_EQ(row_text(result.accounts[1]), "B,1,15,1,2024-03-11");
  EXPECT_EQ(result.counts.outside_window, 2U);
  EXPECT_EQ(result.counts.invalid_time, 1U);
}

TEST(UsageAggregate, DuplicatesCountAsEventsNotAsDays) {
  usage_aggregator usage(window("2024-03-10", 30));
  for (int i = 0; i < 5; ++i) usage.add("A", "u", "2024-03-05T10:00:00Z");
  usage.add("A", "u", "2024-03-05T23:00:00Z");
  const usage_result result = usage.finish();
  EXPECT_EQ(row_text(result.accounts.at(0)), "A,1,1,6,2024-03-05");
}

TEST(UsageAggregate, TheSameUserInTwoAccountsCountsInBoth) {
  usage_aggregator usage(window("2024-03-10", 10));
  usage.add("A", "shared", "2024-03-05");
  usage.add("B", "shared", "2024-03-06");
  usage.add("B", "shared", "2024-03-07");
  const usage_result result = usage.finish();
  ASSERT_EQ(result.accounts.size(), 2U);
  EXPECT_EQ(row_text(result.accounts[0]), "A,1,3,1,2024-03-05");
  EXPECT_EQ(row_text(result.accounts[1]), "B,1,6,2,2024-03-07");
}

TEST(UsageAggregate, IdsAreTrimmedThenExact) {
  usage_aggregator usage(window("2024-03-10", 30));
  usage.add(" A", "u1", "2024-03-05");
  usage.add("A\t", " u1 ", "2024-03-06");
  usage.add("\t A \t", "u 1", "2024-03-06");  // inner space: another user
  usage.add("a", "u1", "2024-03-06");         // case matters
  const usage_result result = usage.finish();
  ASSERT_EQ(result.accounts.size(), 2U);
  EXPECT_EQ(row_text(result.accounts[0]), "A,2,1.5,3,2024-03-06");  // u1: 2 dates, "u 1": 1; (2 + 1) / 2 × 30/30
  EXPECT_EQ(row_text(result.accounts[1]), "a,1,1,1,2024-03-06");
}

TEST(UsageAggregate, InvalidEventsAreCountedWithTheirReason) {
  usage_aggregator usage(window("2024-03-10", 30));
  EXPECT_EQ(usage.add("", "u", "2024-03-05"), event_status::missing_account);
  EXPECT_EQ(usage.add(" \t", "u", "2024-03-05"), event_status::missing_account);
  EXPECT_EQ(usage.add("A", "", "2024-03-05"), event_status::missing_user);
  EXPECT_EQ(usage.add("A", "u", ""), event_status::missing_time);
  EXPECT_EQ(usage.add("", "", "bad"), event_status::missing_account);  // first field in order wins
  EXPECT_EQ(usage.add("A", "u", "2024-02-30"), event_status::invalid_time);
  EXPECT_EQ(usage.add_epoch_seconds("A", "u", std::nullopt), event_status::missing_time);
  EXPECT_EQ(usage.add_epoch_seconds("A", "u", std::int64_t{-3000000000}), event_status::invalid_time);
  EXPECT_EQ(usage.add_epoch_seconds("A", "u", std::int64_t{1709640000}), event_status::valid);  // 2024-03-05
  EXPECT_EQ(usage.add_epoch_seconds_number("A", "u", std::nan("")), event_status::missing_time);
  EXPECT_EQ(usage.add_epoch_seconds_number("", "u", 1.5), event_status::missing_account);
  EXPECT_EQ(usage.add_epoch_seconds_number("A", "u", 1709640000.5), event_status::invalid_time);
  EXPECT_EQ(usage.add_epoch_seconds_number("A", "u", 1e300), event_status::invalid_time);
  EXPECT_EQ(usage.add_epoch_seconds_number("A", "u", 1709640000.0), event_status::valid);
  EXPECT_EQ(riskscale::reason_id(event_status::missing_user), "missing_value");
  EXPECT_EQ(riskscale::reason_id(event_status::invalid_time), "invalid_time");
  EXPECT_EQ(riskscale::field_of(event_status::missing_user), "user");
  const usage_result result = usage.finish();
  EXPECT_EQ(result.counts.missing_value, 8U);
  EXPECT_EQ(result.counts.invalid_time, 4U);
  EXPECT_EQ(result.counts.used, 2U);
  EXPECT_EQ(result.counts.events_read, 14U);
  EXPECT_EQ(row_text(result.accounts.at(0)), "A,1,1,2,2024-03-05");
}

TEST(UsageAggregate, NoEventsGiveNoRowsOrZeroRows) {
  const usage_aggregator empty(window(nullptr, 30));
  const usage_result none = empty.finish();
  EXPECT_FALSE(none.as_of);
  EXPECT_TRUE(none.accounts.empty());
  EXPECT_EQ(none.counts.events_read, 0U);
  const usage_result table = empty.finish({"X", " Y "});
  ASSERT_EQ(table.accounts.size(), 2U);
  EXPECT_EQ(row_text(table.accounts[0]), "X,0,0,0,");
  EXPECT_EQ(row_text(table.accounts[1]), "Y,0,0,0,");
  // Only invalid events: still no as_of.
  usage_aggregator invalid(window(nullptr, 30));
  invalid.add("A", "u", "nope");
  EXPECT_FALSE(invalid.finish().as_of);
  EXPECT_EQ(invalid.finish().counts.invalid_time, 1U);
}

TEST(UsageAggregate, AccountTableOrderZerosAndOthers) {
  usage_aggregator usage(window("2024-03-10", 30));
  usage.add("B", "u", "2024-03-05");
  usage.add("C", "u", "2024-03-05");  // not in the table
  usage.add("C", "u", "2023-03-05");  // outside the window: counted there, not as "not in accounts"
  usage.add("A", "u", "2024-03-06");
  const usage_result result = usage.finish({"A", "Z", "B"});
  ASSERT_EQ(result.accounts.size(), 3U);
  EXPECT_EQ(row_text(result.accounts[0]), "A,1,1,1,2024-03-06");
  EXPECT_EQ(row_text(result.accounts[1]), "Z,0,0,0,");
  EXPECT_EQ(row_text(result.accounts[2]), "B,1,1,1,2024-03-05");
  EXPECT_EQ(result.counts.used, 2U);
  EXPECT_EQ(result.counts.not_in_accounts, 1U);
  EXPECT_EQ(result.counts.outside_window, 1U);
  EXPECT_EQ(result.counts.events_read, 4U);
  try {
    (void)usage.finish({"A", "B", " A"});
    FAIL();
  } catch (const riskscale::input_error& e) {
    EXPECT_EQ(e.row(), std::optional<std::size_t>(2));
    EXPECT_EQ(e.account_id(), "A");
    EXPECT_NE(std::string(e.what()).find("first at row 0"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)usage.finish({"A", ""}), riskscale::input_error);
}

TEST(UsageAggregate, AMillionUsersInOneAccount) {
  usage_aggregator usage(window("2024-03-31", 30));
  std::string user;
  for (int u = 0; u < 1000000; ++u) {
    user = "user-" + std::to_string(u);
    usage.add("BIG", user, u % 2 == 0 ? "2024-03-30T12:00:00Z" : "1711800000");  // 2024-03-30T12:00Z both
    if (u % 4 == 0) usage.add("BIG", user, "2024-03-02");
  }
  const usage_result result = usage.finish();
  ASSERT_EQ(result.accounts.size(), 1U);
  EXPECT_EQ(result.accounts[0].active_users, 1000000U);
  EXPECT_EQ(result.accounts[0].events, 1250000U);
  EXPECT_DOUBLE_EQ(result.accounts[0].active_days, 1.25);  // (10^6 + 250,000 dates) / 10^6 users × 30/30
  EXPECT_EQ(usage.pairs(), 1000000U);
  // Memory is per pair (the user id, its day bits, an entry, an index slot), not per event.
  EXPECT_LT(usage.memory_bytes(), std::size_t{100} * 1000000);
}

// A reference written straight from SPEC §10 with sets, to check the aggregator against.
struct reference_usage {
  std::map<std::string, std::map<std::string, std::set<long>>> days;
  std::map<std::string, std::uint64_t> events;
  std::map<std::string, long> last;
};

reference_usage reference(const std::vector<std::array<std::string, 3>>& events, long as_of, int w) {
  reference_usage out;
  for (const auto& e : events) {
    const std::optional<date> d = parse_event_time(e[2]);
    const std::string account(riskscale::trim_id(e[0])), user(riskscale::trim_id(e[1]));
    if (!d || account.empty() || user.empty()) continue;
    const long day = d->days_since_epoch();
    if (!(as_of - w < day && day <= as_of)) continue;
    out.days[account][user].insert(day);
    ++out.events[account];
    out.last[account] = std::max(out.last.count(account) ? out.last[account] : day, day);
  }
  return out;
}

std::vector<std::array<std::string, 3>> random_events(std::mt19937_64& random, std::size_t count, int span_days) {
  std::vector<std::array<std::string, 3>> events;
  const long base = date::parse("2024-01-01").days_since_epoch();
  std::uniform_int_distribution<int> account(0, 11), user(0, 40), day(0, span_days - 1), form(0, 7), second(0, 86399),
      offset(-14 * 60, 14 * 60);
  for (std::size_t i = 0; i < count; ++i) {
    const int a = account(random);
    const long d = base + day(random);
    const date when = date::from_days_since_epoch(d);
    const int s = second(random);
    char clock[32];
    std::snprintf(clock, sizeof clock, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    std::string time;
    switch (form(random)) {
      case 0: time = when.to_string(); break;
      case 1: time = when.to_string() + "T" + clock; break;
      case 2: time = when.to_string() + " " + clock + ".125"; break;
      case 3: time = when.to_string() + "T" + clock + "Z"; break;
      case 4: {
        const int o = offset(random);
        char zone[16];
        std::snprintf(zone, sizeof zone, "%c%02d:%02d", o < 0 ? '-' : '+', std::abs(o) / 60, std::abs(o) % 60);
        time = when.to_string() + "T" + clock + zone;
        break;
      }
      case 5: time = std::to_string(d * 86400 + s); break;
      case 6: time = "not a time"; break;
      default: time = (i % 5 == 0) ? "" : when.to_string(); break;
    }
    // Some ids longer than what an entry holds inline (16 bytes of an account id, 28 of a user id).
    std::string account_id = a == 5 ? "ACCOUNT-WITH-A-LONG-IDENTIFIER-5" : "ACC-" + std::to_string(a);
    if (i % 7 == 0) account_id = " " + account_id + "\t";
    std::string user_id =
        a % 3 == 0 ? "shared-" + std::to_string(user(random) % 5) : "u" + std::to_string(user(random));
    if (a % 4 == 1) user_id = "a-user-identifier-of-more-than-28-bytes-" + user_id;
    if (i % 97 == 0) user_id.clear();
    events.push_back({account_id, user_id, time});
  }
  return events;
}

void expect_matches_reference(const usage_result& result, const reference_usage& ref, int w) {
  ASSERT_EQ(result.accounts.size(), ref.days.size());
  for (const auto& [account, users] : ref.days) {
    const auto* row = find_row(result, account);
    ASSERT_NE(row, nullptr) << account;
    std::uint64_t user_days = 0;
    for (const auto& entry : users) user_days += entry.second.size();
    EXPECT_EQ(row->active_users, users.size()) << account;
    EXPECT_DOUBLE_EQ(row->active_days, static_cast<double>(user_days) / static_cast<double>(users.size()) * 30.0 / w)
        << account;
    EXPECT_EQ(row->events, ref.events.at(account)) << account;
    ASSERT_TRUE(row->last_event);
    EXPECT_EQ(row->last_event->days_since_epoch(), ref.last.at(account)) << account;
  }
}

TEST(UsageAggregate, EqualsASetBasedReferenceForEveryWindowSize) {
  std::mt19937_64 random(17);
  const auto events = random_events(random, 20000, 400);
  for (const int w : {1, 7, 28, 63, 64, 65, 128, 200, 366}) {
    for (const bool fixed : {true, false}) {
      usage_aggregator usage(window(fixed ? "2024-09-15" : nullptr, w));
      for (const auto& e : events) usage.add(e[0], e[1], e[2]);
      const usage_result result = usage.finish();
      ASSERT_TRUE(result.as_of);
      SCOPED_TRACE("W " + std::to_string(w) + (fixed ? " as_of 2024-09-15" : " as_of latest"));
      expect_matches_reference(result, reference(events, result.as_of->days_since_epoch(), w), w);
      std::uint64_t used = 0;
      for (const auto& row : result.accounts) used += row.events;
      EXPECT_EQ(result.counts.used, used);
      EXPECT_EQ(result.counts.events_read, events.size());
      EXPECT_EQ(
          result.counts.used + result.counts.outside_window + result.counts.invalid() + result.counts.not_in_accounts,
          result.counts.events_read);
    }
  }
}

std::vector<std::string> rows_of(const usage_result& result) {
  std::vector<std::string> rows;
  for (const auto& row : result.accounts) rows.push_back(row_text(row));
  return rows;
}

TEST(UsageAggregate, MergeOfRandomSplitsEqualsTheWhole) {
  std::mt19937_64 random(2026);
  const auto events = random_events(random, 30000, 300);
  for (const int w : {28, 90}) {
    for (const bool fixed : {true, false}) {
      const usage_options options = window(fixed ? "2024-08-01" : nullptr, w);
      usage_aggregator whole(options);
      for (const auto& e : events) whole.add(e[0], e[1], e[2]);
      const usage_result expected = whole.finish();
      for (int trial = 0; trial < 4; ++trial) {
        const int parts = 2 + trial * 3;
        std::vector<usage_aggregator> partial(static_cast<std::size_t>(parts), usage_aggregator(options));
        // Random assignment (not contiguous ranges): every part sees dates in any order.
        std::uniform_int_distribution<int> pick(0, parts - 1);
        for (const auto& e : events) partial[static_cast<std::size_t>(pick(random))].add(e[0], e[1], e[2]);
        std::shuffle(partial.begin(), partial.end(), random);
        // Merge as a tree, some parts through save/load (as Dask sends them between processes).
        while (partial.size() > 1) {
          usage_aggregator right = trial % 2 == 0 ? usage_aggregator::load(partial.back().save()) : partial.back();
          partial.pop_back();
          partial[random() % partial.size()].merge(right);
        }
        const usage_result merged = partial[0].finish();
        SCOPED_TRACE("W " + std::to_string(w) + " parts " + std::to_string(parts) + (fixed ? " fixed" : " latest"));
        EXPECT_EQ(rows_of(merged), rows_of(expected));
        EXPECT_EQ(merged.as_of, expected.as_of);
        EXPECT_EQ(merged.counts.used, expected.counts.used);
        EXPECT_EQ(merged.counts.outside_window, expected.counts.outside_window);
        EXPECT_EQ(merged.counts.missing_value, expected.counts.missing_value);
        EXPECT_EQ(merged.counts.invalid_time, expected.counts.invalid_time);
      }
    }
  }
}

TEST(UsageAggregate, BatchesEqualOneEventAtATime) {
  std::mt19937_64 random(99);
  const auto events = random_events(random, 25000, 200);
  std::vector<usage_aggregator::event_text> texts;
  for (const auto& e : events) texts.push_back({e[0], e[1], e[2]});
  for (const int w : {5, 30, 64, 100}) {
    for (const bool fixed : {true, false}) {
      const usage_options options = window(fixed ? "2024-05-01" : nullptr, w);
      usage_aggregator one(options), batched(options);
      std::vector<event_status> expected_status, statuses(texts.size());
      for (const auto& e : events) expected_status.push_back(one.add(e[0], e[1], e[2]));
      // Uneven batch sizes, so groups of 16 end anywhere.
      for (std::size_t first = 0, size = 1; first < texts.size(); first += size, size = size * 3 % 97 + 1) {
        const std::size_t n = std::min(size, texts.size() - first);
        batched.add_batch(texts.data() + first, n, statuses.data() + first);
      }
      EXPECT_EQ(statuses, expected_status);
      EXPECT_EQ(rows_of(batched.finish()), rows_of(one.finish())) << "W " << w;
      EXPECT_EQ(batched.finish().counts.outside_window, one.finish().counts.outside_window);
    }
  }
  // The same for times given as epoch seconds (datetime and integer columns).
  std::vector<usage_aggregator::event_seconds> seconds;
  std::uniform_int_distribution<std::int64_t> when(1700000000, 1720000000);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::optional<std::int64_t> time = when(random);
    if (i % 13 == 0) time.reset();
    if (i % 17 == 0) time = std::int64_t{-9000000000};  // 1684: invalid_time
    seconds.push_back({texts[i].account, texts[i].user, time});
  }
  for (const bool fixed : {true, false}) {
    const usage_options options = window(fixed ? "2024-03-01" : nullptr, 30);
    usage_aggregator one(options), batched(options);
    std::vector<event_status> expected_status, statuses(seconds.size());
    for (const auto& e : seconds) expected_status.push_back(one.add_epoch_seconds(e.account, e.user, e.seconds));
    for (std::size_t first = 0, size = 5; first < seconds.size(); first += size, size = size * 7 % 61 + 1) {
      batched.add_batch(seconds.data() + first, std::min(size, seconds.size() - first), statuses.data() + first);
    }
    EXPECT_EQ(statuses, expected_status);
    EXPECT_EQ(rows_of(batched.finish()), rows_of(one.finish()));
    EXPECT_GT(one.finish().counts.invalid_time, 0U);
    EXPECT_GT(one.finish().counts.missing_value, 0U);
  }
}

TEST(UsageAggregate, DisjointPartsFinishAsTheWhole) {
  std::mt19937_64 random(7);
  const auto events = random_events(random, 20000, 150);
  const std::vector<std::string_view> table = {"ACC-3", "nobody", "ACCOUNT-WITH-A-LONG-IDENTIFIER-5", "ACC-0"};
  for (const bool fixed : {true, false}) {
    const usage_options options = window(fixed ? "2024-04-01" : nullptr, 30);
    usage_aggregator whole(options);
    std::vector<usage_aggregator> parts(3, usage_aggregator(options));
    for (const auto& e : events) {
      whole.add(e[0], e[1], e[2]);
      // Each part gets the events of its own accounts (as the CLI's threads do).
      parts[std::hash<std::string_view>()(riskscale::trim_id(e[0])) % parts.size()].add(e[0], e[1], e[2]);
    }
    const std::vector<const usage_aggregator*> views = {&parts[0], &parts[1], &parts[2]};
    const usage_result expected = whole.finish(), got = usage_aggregator::finish_disjoint(views);
    EXPECT_EQ(rows_of(got), rows_of(expected));
    EXPECT_EQ(got.as_of, expected.as_of);
    EXPECT_EQ(got.counts.outside_window, expected.counts.outside_window);
    EXPECT_EQ(got.counts.invalid(), expected.counts.invalid());
    EXPECT_EQ(got.counts.events_read, expected.counts.events_read);
    const usage_result expected_table = whole.finish(table),
                       got_table = usage_aggregator::finish_disjoint(views, table);
    EXPECT_EQ(rows_of(got_table), rows_of(expected_table));
    EXPECT_EQ(got_table.counts.not_in_accounts, expected_table.counts.not_in_accounts);
    EXPECT_EQ(got_table.counts.used, expected_table.counts.used);
  }
  usage_aggregator a(window("2024-03-10", 30)), b(window("2024-03-10", 30));
  a.add("A", "u", "2024-03-09");
  b.add("A", "v", "2024-03-09");
  EXPECT_THROW((void)usage_aggregator::finish_disjoint({&a, &b}), riskscale::error);
  EXPECT_THROW((void)usage_aggregator::finish_disjoint({&a, &b}, {"A"}), riskscale::error);
  const usage_aggregator c(window("2024-03-11", 30));
  EXPECT_THROW((void)usage_aggregator::finish_disjoint({&a, &c}), riskscale::error);
}

TEST(UsageAggregate, MergeRefusesAnotherWindowAndMergesItself) {
  usage_aggregator a(window("2024-03-10", 30));
  const usage_aggregator b(window("2024-03-10", 28));
  const usage_aggregator c(window(nullptr, 30));
  EXPECT_THROW(a.merge(b), riskscale::error);
  EXPECT_THROW(a.merge(c), riskscale::error);
  a.add("A", "u", "2024-03-09");
  a.merge(a);
  EXPECT_EQ(row_text(a.finish().accounts.at(0)), "A,1,1,2,2024-03-09");
}

TEST(UsageAggregate, WithoutAsOfOldPairsAreDroppedAsTheTableGrows) {
  // A year of daily cohorts: each day 2,000 new users; only the last W days' users stay held.
  usage_aggregator usage(window(nullptr, 7));
  const long base = date::parse("2025-01-01").days_since_epoch();
  for (int day = 0; day < 365; ++day) {
    const std::string when = date::from_days_since_epoch(base + day).to_string();
    for (int u = 0; u < 2000; ++u) {
      // Half the ids too long to be held inline, so the clean-up also moves ids held apart.
      const std::string prefix = u % 2 == 0 ? "a-user-identifier-longer-than-an-entry-" : "";
      usage.add("A", prefix + std::to_string(day) + "-" + std::to_string(u), when);
    }
  }
  EXPECT_LT(usage.pairs(), std::size_t{2000} * 7 * 3);  // never the 730,000 pairs of the year
  const usage_result result = usage.finish();
  EXPECT_EQ(row_text(result.accounts.at(0)), "A,14000,4.2857142857142856,14000,2025-12-31");
  EXPECT_EQ(rows_of(usage_aggregator::load(usage.save()).finish()), rows_of(result));
  EXPECT_EQ(result.counts.outside_window, 2000U * 358);
}

TEST(UsageAggregate, LoadRefusesBytesThatAreNotAnAggregate) {
  usage_aggregator usage(window(nullptr, 30));
  usage.add("A", "u", "2024-03-09");
  usage.add("B", "v", "2024-03-08");
  const std::string bytes = usage.save();
  EXPECT_EQ(rows_of(usage_aggregator::load(bytes).finish()), rows_of(usage.finish()));
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_THROW((void)usage_aggregator::load(std::string_view(bytes).substr(0, cut)), riskscale::error) << cut;
  }
  EXPECT_THROW((void)usage_aggregator::load(bytes + "x"), riskscale::error);
  EXPECT_THROW((void)usage_aggregator::load("riskscale.usage.v0\n"), riskscale::error);
  try {
    (void)usage_aggregator::load(bytes.substr(0, 30));
    FAIL();
  } catch (const riskscale::error& e) {
    EXPECT_NE(std::string(e.what()).find("ends early"), std::string::npos) << e.what();
  }
}

// ---- ../shared/conformance/usage, every row ----

struct conformance_events {
  std::vector<std::array<std::string, 3>> events;
};

conformance_events read_events() {
  const auto table = read_table(conformance_path("usage/events.csv"));
  conformance_events out;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    out.events.push_back({table.cell(r, "account"), table.cell(r, "user"), table.cell(r, "time")});
  }
  return out;
}

nlohmann::json expected_counts() {
  std::ifstream in(conformance_path("usage/expected_counts.json"));
  return nlohmann::json::parse(in);
}

void expect_rows(const usage_result& result, const std::string& expected_file) {
  const auto expected = read_table(conformance_path(expected_file));
  ASSERT_EQ(result.accounts.size(), expected.rows.size());
  for (std::size_t r = 0; r < expected.rows.size(); ++r) {
    const auto& row = result.accounts[r];
    SCOPED_TRACE(expected_file + " row " + std::to_string(r));
    EXPECT_EQ(row.account_id, expected.cell(r, "account_id"));
    EXPECT_EQ(static_cast<double>(row.active_users), expected.number(r, "active_users"));
    EXPECT_NEAR(row.active_days, expected.number(r, "active_days"), 1e-12);
    EXPECT_EQ(static_cast<double>(row.events), expected.number(r, "events"));
    EXPECT_EQ(row.last_event ? row.last_event->to_string() : "", expected.cell(r, "last_event"));
  }
}

TEST(UsageConformance, ExpectedUsageEveryRow) {
  const nlohmann::json counts = expected_counts();
  usage_aggregator usage(window(counts.at("as_of").get<std::string>().c_str(), counts.at("window_days").get<int>()));
  for (const auto& e : read_events().events) usage.add(e[0], e[1], e[2]);
  const usage_result result = usage.finish();
  expect_rows(result, "usage/expected_usage.csv");
  EXPECT_EQ(result.counts.invalid(), counts.at("invalid_events").get<std::uint64_t>());
  EXPECT_EQ(result.counts.outside_window, counts.at("outside_window").get<std::uint64_t>());
  EXPECT_EQ(result.counts.not_in_accounts, 0U);
  EXPECT_EQ(result.counts.used + result.counts.outside_window + result.counts.invalid(), result.counts.events_read);
}

TEST(UsageConformance, ExpectedUsageWithAccountsEveryRow) {
  const nlohmann::json counts = expected_counts();
  usage_aggregator usage(window(counts.at("as_of").get<std::string>().c_str(), counts.at("window_days").get<int>()));
  for (const auto& e : read_events().events) usage.add(e[0], e[1], e[2]);
  const auto accounts = read_table(conformance_path("usage/accounts.csv"));
  std::vector<std::string_view> ids;
  for (std::size_t r = 0; r < accounts.rows.size(); ++r) ids.push_back(accounts.cell(r, "account_id"));
  const usage_result result = usage.finish(ids);
  expect_rows(result, "usage/expected_usage_with_accounts.csv");
  EXPECT_EQ(result.counts.invalid(), counts.at("invalid_events").get<std::uint64_t>());
  EXPECT_EQ(result.counts.outside_window, counts.at("outside_window").get<std::uint64_t>());
  EXPECT_EQ(result.counts.not_in_accounts, 1U);  // ZZ_NOT_IN_ACCOUNTS
  EXPECT_EQ(result.counts.used + result.counts.outside_window + result.counts.invalid() + result.counts.not_in_accounts,
            result.counts.events_read);
}

TEST(UsageConformance, EveryChunkingGivesTheSameRows) {
  const nlohmann::json counts = expected_counts();
  const usage_options options =
      window(counts.at("as_of").get<std::string>().c_str(), counts.at("window_days").get<int>());
  const auto events = read_events().events;
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{100}}) {
    usage_aggregator merged(options);
    for (std::size_t first = 0; first < events.size(); first += chunk) {
      usage_aggregator part(options);
      for (std::size_t i = first; i < std::min(events.size(), first + chunk); ++i) {
        part.add(events[i][0], events[i][1], events[i][2]);
      }
      merged.merge(usage_aggregator::load(part.save()));
    }
    expect_rows(merged.finish(), "usage/expected_usage.csv");
  }
}

}  // namespace
