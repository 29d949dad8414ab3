#include "cli/usage_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <string_view>
#include <thread>
#include <vector>

#include "cli/classify_chunk.hpp"
#include "cli/cli_error.hpp"
#include "cli/command_options.hpp"
#include "cli/input_source.hpp"
#include "cli/output_file.hpp"
#include "cli/pipeline.hpp"
#include "cli/progress.hpp"
#include "cli/summary_text.hpp"
#include "csv/csv.hpp"
#include "riskscale/usage.hpp"

namespace riskscale::cli {
namespace {

constexpr std::size_t events_per_chunk = 8192;
constexpr const char* accepted_times =
    "accepted: YYYY-MM-DD, YYYY-MM-DDThh:mm:ss or YYYY-MM-DD hh:mm:ss (optional .fraction, then Z or ±hh:mm; "
    "none is UTC), or whole seconds since 1970-01-01 UTC; dates from 1900-01-01 to 2199-12-31";

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// The index of the column named `name` (exact text) in `header`; a missing or repeated name ends the command.
std::size_t find_column(const std::vector<std::string>& header, const std::string& name, const std::string& option,
                        const std::string& source) {
  const auto first = std::find(header.begin(), header.end(), name);
  if (first == header.end()) {
    throw cli_error(source + " has no column '" + name + "' (" + option +
                    "); accepted: one of its columns: " + listed(header));
  }
  if (std::find(first + 1, header.end(), name) != header.end()) {
    throw cli_error(source + " has two columns named '" + name + "' (" + option + "); accepted: a column named once");
  }
  return static_cast<std::size_t>(first - header.begin());
}

// The account table of --accounts: its ids in file order and the line of each.
struct account_table {
  std::string name;
  std::vector<std::string> ids;
  std::vector<std::size_t> lines;
};

account_table read_account_table(const std::string& path, const std::string& id_column) {
  account_table table;
  input_source source(path);
  table.name = source.name;
  csv::reader reader(*source.stream);
  csv::record record;
  read_header_row(reader, record, source.name, "an account table");
  const std::size_t fields = record.fields.size();
  const std::size_t id = find_column(record.fields, id_column, "--accounts-id", source.name);
  while (reader.next(record)) {
    const std::string where = source.name + " line " + std::to_string(record.line);
    if (record.malformed) throw cli_error(where + ": " + record.error + "; accepted: RFC 4180 CSV");
    if (record.fields.size() != fields) {
      throw cli_error(where + ": expected " + std::to_string(fields) + " fields as in the header, found " +
                      std::to_string(record.fields.size()));
    }
    table.ids.push_back(record.fields[id]);
    table.lines.push_back(record.line);
  }
  if (source.stream->bad()) throw cli_error("cannot read " + source.name + ": read error");
  return table;
}

// The aggregates the worker threads fill: the events of each account go to one shard, chosen by
// a hash of the trimmed account id, so the shards hold disjoint accounts and are finished
// together without a merge (usage_aggregator::finish_disjoint); each shard is filled by one
// thread at a time.
class usage_shards {
 public:
  usage_shards(const usage_options& options, std::size_t count)
      : parts_(count, usage_aggregator(options)),
        locks_(std::make_unique<std::mutex[]>(count)),
        seed_(std::random_device()()) {}
  [[nodiscard]] std::size_t size() const noexcept { return parts_.size(); }
  /// The shard of an event's account id.
  [[nodiscard]] std::size_t of(std::string_view account) const noexcept {
    return parts_.size() == 1 ? 0 : hash_bytes(trim_id(account), seed_) % parts_.size();
  }
  /// Adds each shard's batch, taking whichever shard is free first (a thread waits only when
  /// every shard it still needs is busy).
  void add(std::vector<std::vector<usage_aggregator::event_text>>& batches,
           std::vector<std::vector<event_status>>& statuses) {
    std::size_t left = 0;
    std::vector<char> pending(parts_.size(), 0);
    for (std::size_t s = 0; s < parts_.size(); ++s) {
      statuses[s].resize(batches[s].size());
      pending[s] = batches[s].empty() ? 0 : 1;
      left += pending[s];
    }
    while (left > 0) {
      bool added = false;
      for (std::size_t s = 0; s < parts_.size(); ++s) {
        if (pending[s] == 0 || !locks_[s].try_lock()) continue;
        add_locked(s, batches[s], statuses[s]);
        pending[s] = 0;
        --left;
        added = true;
      }
      if (added) continue;
      const std::size_t s = static_cast<std::size_t>(std::find(pending.begin(), pending.end(), 1) - pending.begin());
      locks_[s].lock();
      add_locked(s, batches[s], statuses[s]);
      pending[s] = 0;
      --left;
    }
  }
  /// The parts, for finishing once every thread is done.
  [[nodiscard]] std::vector<const usage_aggregator*> parts() const {
    std::vector<const usage_aggregator*> out;
    for (const usage_aggregator& part : parts_) out.push_back(&part);
    return out;
  }

 private:
  void add_locked(std::size_t s, const std::vector<usage_aggregator::event_text>& batch,
                  std::vector<event_status>& status) {
    std::lock_guard<std::mutex> unlock(locks_[s], std::adopt_lock);
    parts_[s].add_batch(batch.data(), batch.size(), status.data());
  }

  std::vector<usage_aggregator> parts_;
  std::unique_ptr<std::mutex[]> locks_;
  std::uint64_t seed_;
};

std::string reject_message(event_status status, std::string_view column, std::string_view time) {
  switch (status) {
    case event_status::missing_account:
      return "the account id (column " + std::string(column) + ") is empty; accepted: a non-empty id";
    case event_status::missing_user:
      return "the user id (column " + std::string(column) + ") is empty; accepted: a non-empty id";
    case event_status::missing_time:
      return std::string("the time (column ") + std::string(column) + ") is empty; " + accepted_times;
    case event_status::invalid_time:
      return "time '" + std::string(time) + "' is not a SPEC §10 time or lies outside 1900-01-01..2199-12-31 UTC; " +
             accepted_times;
    case event_status::valid: break;
  }
  return "";
}

void append_usage_row(std::string& out, const account_usage& row) {
  csv::append_field(out, row.account_id);
  out += ',';
  out += std::to_string(row.active_users);
  out += ',';
  csv::append_double(out, row.active_days);
  out += ',';
  out += std::to_string(row.events);
  out += ',';
  if (row.last_event) out += row.last_event->to_string();
  out += '\n';
}

}  // namespace

CLI::App* add_usage_command(CLI::App& app, usage_command_options& options) {
  CLI::App* command =
      app.add_subcommand("usage", "Per-account active_users and active_days from product events (SPEC §10)");
  command->add_option("input", options.input, "Events CSV, one row per event (- for stdin)")->required();
  command->add_option("-o,--output", options.output, "Usage CSV (- for stdout)")->required();
  command->add_option("--account", options.account_column, "Column of the account id (default: account_id)");
  command->add_option("--user", options.user_column, "Column of the user id (default: user_id)");
  command->add_option("--time", options.time_column, "Column of the event time (default: timestamp)");
  command->add_option("--as-of", options.as_of,
                      "Last day of the window, YYYY-MM-DD (default: the latest valid event date)");
  command->add_option("--window-days", options.window_days, "Window length W in days (default: 30)")
      ->check(CLI::Range(1, max_usage_window_days));
  auto* accounts = command->add_option("--accounts", options.accounts_path,
                                       "Account table: one output row per account, zeros when it had no event");
  command->add_option("--accounts-id", options.accounts_id_column, "Id column of --accounts (default: account_id)")
      ->needs(accounts);
  command->add_option("--rejects", options.rejects, "Rejected events CSV (default: OUT.rejects.csv)");
  command->add_option("--threads", options.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  command->footer(
      "Times: 2024-03-01, 2024-03-01T23:30:00[.250][Z|+02:00], the same with a space for T, or epoch seconds.\n"
      "Output: account_id, active_users, active_days, events, last_event; joins into classify. Example:\n"
      "  riskscale usage events.csv -o usage.csv --account account --user user --time time --accounts accounts.csv");
  add_max_record_bytes(command, options.max_record_bytes);
  return command;
}

int run_usage(const usage_command_options& options) {
  const auto start = std::chrono::steady_clock::now();
  usage_options window;
  window.window_days = options.window_days;
  if (!options.as_of.empty()) {
    try {
      window.as_of = date::parse(options.as_of);
      window.validate();
    } catch (const riskscale::error& e) {
      throw cli_error(std::string("--as-of: ") + e.what());
    }
  }
  if (options.input == "-" && options.accounts_path == "-") {
    throw cli_error("the events and --accounts cannot both be stdin; accepted: a file path for one of them");
  }
  const bool with_table = !options.accounts_path.empty();
  const account_table table =
      with_table ? read_account_table(options.accounts_path, options.accounts_id_column) : account_table{};

  const bool rejects_requested = !options.rejects.empty();
  const rejects_destination rejects_to =
      rejects_requested ? rejects_destination{options.rejects, false} : default_rejects(options.output);
  const std::string& rejects_path = rejects_to.path;
  if (rejects_path == options.output && !(rejects_path != "-" && output_file::is_stream(rejects_path))) {
    throw cli_error("--rejects " + rejects_path + " is the output itself; accepted: a different path");
  }
  refuse_clobbering({{"input", options.input}, {"account table", options.accounts_path}},
                    {{"output", options.output}, {"rejects file", rejects_path}});

  input_source source(options.input);
  chunk_reader reader(*source.stream, source.name, events_per_chunk, options.max_record_bytes);
  const std::vector<std::string> header = reader.read_header();
  const std::size_t account_column = find_column(header, options.account_column, "--account", source.name);
  const std::size_t user_column = find_column(header, options.user_column, "--user", source.name);
  const std::size_t time_column = find_column(header, options.time_column, "--time", source.name);

  output_file output(options.output);
  output_file rejects(rejects_path);
  rejects.write(rejects_header());

  progress bar(source.size);
  std::size_t events = 0, rejected = 0;
  const unsigned workers = worker_count(options.threads);
  usage_shards shards(window, workers);
  const auto process = [&](chunk& c) {
    // Well-formed records go to the core in one batch per shard; the others are rejected, and
    // every rejects row is written in record order.
    thread_local std::vector<std::vector<usage_aggregator::event_text>> batches;
    thread_local std::vector<std::vector<std::size_t>> records;
    thread_local std::vector<std::vector<event_status>> statuses;
    batches.resize(shards.size());
    records.resize(shards.size());
    statuses.resize(shards.size());
    for (std::size_t s = 0; s < shards.size(); ++s) {
      batches[s].clear();
      records[s].clear();
    }
    struct problem {
      std::size_t record, shard, position;  // position in the shard's batch, or npos when unreadable
    };
    std::vector<problem> problems;
    for (std::size_t r = 0; r < c.size(); ++r) {
      if (!c.errors[r].empty() || c.field_count(r) != header.size()) {
        problems.push_back({r, 0, std::string::npos});
        continue;
      }
      const std::string_view account = c.field(r, account_column);
      const std::size_t s = shards.of(account);
      batches[s].push_back({account, c.field(r, user_column), c.field(r, time_column)});
      records[s].push_back(r);
    }
    shards.add(batches, statuses);
    for (std::size_t s = 0; s < shards.size(); ++s) {
      for (std::size_t i = 0; i < batches[s].size(); ++i) {
        if (statuses[s][i] != event_status::valid) problems.push_back({records[s][i], s, i});
      }
    }
    std::sort(problems.begin(), problems.end(), [](const problem& x, const problem& y) { return x.record < y.record; });
    for (const problem& p : problems) {
      const std::size_t r = p.record;
      if (p.position == std::string::npos) {
        if (c.oversized[r]) {
          append_reject(c, r, "", "", "record_too_large", c.errors[r] + "; accepted: records up to --max-record-bytes");
        } else if (!c.errors[r].empty()) {
          append_reject(c, r, "", "", "malformed_csv", c.errors[r] + "; accepted: RFC 4180 CSV");
        } else {
          append_reject(c, r, "", "", "wrong_field_count",
                        "expected " + std::to_string(header.size()) + " fields as in the header, found " +
                            std::to_string(c.field_count(r)));
        }
        continue;
      }
      const event_status status = statuses[p.shard][p.position];
      const usage_aggregator::event_text& event = batches[p.shard][p.position];
      const std::string& column = status == event_status::missing_account ? options.account_column
                                  : status == event_status::missing_user  ? options.user_column
                                                                          : options.time_column;
      append_reject(c, r, trim_id(event.account), column, reason_id(status),
                    reject_message(status, column, event.time));
    }
  };
  const auto consume = [&](chunk& c) {
    rejects.write(c.rejects);
    events += c.size();
    rejected += c.rejected;
    bar.update(events, c.bytes_end);
  };
  if (workers == 1) {
    // One thread means one: read, aggregate and write in turn, without a pipeline.
    chunk c;
    while (reader.fill(c)) {
      process(c);
      consume(c);
    }
  } else {
    run_pipeline(reader, workers, 2 * workers + 2, process, consume);
  }
  bar.finish();

  usage_result result;
  if (with_table) {
    std::vector<std::string_view> ids(table.ids.begin(), table.ids.end());
    try {
      result = usage_aggregator::finish_disjoint(shards.parts(), ids);
    } catch (const riskscale::input_error& e) {
      const std::size_t line = e.row() ? table.lines[*e.row()] : 0;
      throw cli_error(table.name + " line " + std::to_string(line) + ", column " + options.accounts_id_column + ": " +
                      e.what());
    }
  } else {
    result = usage_aggregator::finish_disjoint(shards.parts());
  }

  // Every record is accounted for: rejected ones are invalid events (unreadable CSV included).
  const usage_counts& counts = result.counts;
  if (counts.used + counts.outside_window + rejected + counts.not_in_accounts != events ||
      counts.events_read + (rejected - counts.invalid()) != events) {
    throw cli_error("internal error: the event counts do not add up; please report it");
  }
  output.write("account_id,active_users,active_days,events,last_event\n");
  std::string block;
  for (const account_usage& row : result.accounts) {
    append_usage_row(block, row);
    if (block.size() >= (std::size_t{1} << 20)) {
      output.write(block);
      block.clear();
    }
  }
  output.write(block);
  output.commit();
  if (!rejects_to.only_when_rows_rejected || rejected > 0) rejects.commit();

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char timing[64];
  std::snprintf(timing, sizeof timing, " in %.2f s\n", seconds);
  std::string summary = "usage of " + with_thousands(result.accounts.size()) + " accounts, ";
  summary += result.as_of ? "window of " + std::to_string(result.window_days) + " days to " +
                                result.as_of->to_string() + (window.as_of ? "" : " (the latest event date)")
                          : std::string("no window (no valid event and no --as-of)");
  std::string sum = with_thousands(events) + " events read = " + with_thousands(counts.used) + " used + " +
                    with_thousands(counts.outside_window) + " outside the window + " + with_thousands(rejected) +
                    " invalid";
  if (rejected > 0) sum += " (see " + rejects.path() + ")";
  if (with_table) sum += " + " + with_thousands(counts.not_in_accounts) + " of accounts not in " + table.name;
  std::fputs((summary + timing + sum + "\n").c_str(), stderr);
  return rejected > 0 ? exit_rows_rejected : exit_ok;
}

}  // namespace riskscale::cli
