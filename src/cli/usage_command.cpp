#include "cli/usage_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "cli/classify_chunk.hpp"
#include "cli/cli_error.hpp"
#include "cli/input_source.hpp"
#include "cli/output_file.hpp"
#include "cli/pipeline.hpp"
#include "cli/progress.hpp"
#include "cli/report.hpp"
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
    throw cli_error(source + " has no column '" + name + "' (" + option + "); accepted: one of its columns: " +
                    listed(header));
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
  if (!reader.next(record)) {
    throw cli_error(source.name + " is empty; accepted: an account table whose first row names the columns");
  }
  if (record.malformed) throw cli_error(source.name + ": the header row is malformed (" + record.error + ")");
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

// One aggregate per worker thread at a time, merged at the end (SPEC §10 aggregates are mergeable).
class aggregator_pool {
 public:
  explicit aggregator_pool(const usage_options& options) : options_(options) {}
  std::unique_ptr<usage_aggregator> take() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) return std::make_unique<usage_aggregator>(options_);
    std::unique_ptr<usage_aggregator> state = std::move(free_.back());
    free_.pop_back();
    return state;
  }
  void give(std::unique_ptr<usage_aggregator> state) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(state));
  }
  /// Every aggregate merged into one (call once the workers are done).
  usage_aggregator merged() {
    usage_aggregator all(options_);
    if (free_.empty()) return all;
    // Merge into the largest, so the fewest pairs move.
    std::sort(free_.begin(), free_.end(), [](const auto& a, const auto& b) { return a->pairs() > b->pairs(); });
    for (std::size_t i = 1; i < free_.size(); ++i) free_[0]->merge(*free_[i]);
    return std::move(*free_[0]);
  }

 private:
  usage_options options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<usage_aggregator>> free_;
};

std::string reject_message(event_status status, std::string_view column, std::string_view time) {
  switch (status) {
    case event_status::missing_account: return "the account id (column " + std::string(column) + ") is empty; accepted: a non-empty id";
    case event_status::missing_user: return "the user id (column " + std::string(column) + ") is empty; accepted: a non-empty id";
    case event_status::missing_time: return std::string("the time (column ") + std::string(column) + ") is empty; " + accepted_times;
    case event_status::invalid_time:
      return "time '" + std::string(time) + "' is not a SPEC §10 time or lies outside 1900-01-01..2199-12-31 UTC; " + accepted_times;
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
  command->add_option("--as-of", options.as_of, "Last day of the window, YYYY-MM-DD (default: the latest valid event date)");
  command->add_option("--window-days", options.window_days, "Window length W in days (default: 30)")
      ->check(CLI::Range(1, max_usage_window_days));
  auto* accounts = command->add_option("--accounts", options.accounts_path,
                                       "Account table: one output row per account, zeros when it had no event");
  command->add_option("--accounts-id", options.accounts_id_column, "Id column of --accounts (default: account_id)")
      ->needs(accounts);
  command->add_option("--rejects", options.rejects, "Rejected events CSV (default: OUT.rejects.csv)");
  command->add_option("--threads", options.threads, "Worker threads (default: all cores)")->check(CLI::Range(1u, 1024u));
  command->footer(
      "Times: 2024-03-01, 2024-03-01T23:30:00[.250][Z|+02:00], the same with a space for T, or epoch seconds.\n"
      "Output: account_id, active_users, active_days, events, last_event; joins into classify. Example:\n"
      "  riskscale usage events.csv -o usage.csv --account account --user user --time time --accounts accounts.csv");
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
  const account_table table = with_table ? read_account_table(options.accounts_path, options.accounts_id_column) : account_table{};

  input_source source(options.input);
  chunk_reader reader(*source.stream, source.name, events_per_chunk);
  const std::vector<std::string> header = reader.read_header();
  const std::size_t account_column = find_column(header, options.account_column, "--account", source.name);
  const std::size_t user_column = find_column(header, options.user_column, "--user", source.name);
  const std::size_t time_column = find_column(header, options.time_column, "--time", source.name);

  const bool rejects_requested = !options.rejects.empty();
  const std::string rejects_path = rejects_requested ? options.rejects : default_rejects_path(options.output);
  if (rejects_path == options.output) {
    throw cli_error("--rejects " + rejects_path + " is the output itself; accepted: a different path");
  }
  output_file output(options.output);
  output_file rejects(rejects_path);
  rejects.write(rejects_header());

  aggregator_pool pool(window);
  progress bar(source.size);
  std::size_t events = 0, rejected = 0;
  const unsigned workers = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const auto process = [&](chunk& c) {
        std::unique_ptr<usage_aggregator> state = pool.take();
        // Well-formed records go to the core in one batch; the others are rejected here.
        thread_local std::vector<usage_aggregator::event_text> batch;
        thread_local std::vector<std::size_t> batch_records;
        thread_local std::vector<event_status> statuses;
        batch.clear();
        batch_records.clear();
        for (std::size_t r = 0; r < c.size(); ++r) {
          if (!c.errors[r].empty()) {
            append_reject(c, r, "", "", "malformed_csv", c.errors[r] + "; accepted: RFC 4180 CSV");
            continue;
          }
          if (c.field_count(r) != header.size()) {
            append_reject(c, r, "", "", "wrong_field_count",
                          "expected " + std::to_string(header.size()) + " fields as in the header, found " +
                              std::to_string(c.field_count(r)));
            continue;
          }
          batch.push_back({c.field(r, account_column), c.field(r, user_column), c.field(r, time_column)});
          batch_records.push_back(r);
        }
        statuses.resize(batch.size());
        state->add_batch(batch.data(), batch.size(), statuses.data());
        pool.give(std::move(state));
        for (std::size_t i = 0; i < batch.size(); ++i) {
          const event_status status = statuses[i];
          if (status == event_status::valid) continue;
          const std::string& column = status == event_status::missing_account ? options.account_column
                                      : status == event_status::missing_user  ? options.user_column
                                                                              : options.time_column;
          append_reject(c, batch_records[i], trim_id(batch[i].account), column, reason_id(status),
                        reject_message(status, column, batch[i].time));
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

  const usage_aggregator all = pool.merged();
  usage_result result;
  if (with_table) {
    std::vector<std::string_view> ids(table.ids.begin(), table.ids.end());
    try {
      result = all.finish(ids);
    } catch (const riskscale::input_error& e) {
      const std::size_t line = e.row() ? table.lines[*e.row()] : 0;
      throw cli_error(table.name + " line " + std::to_string(line) + ", column " + options.accounts_id_column + ": " +
                      e.what());
    }
  } else {
    result = all.finish();
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
  if (options.output != "-" || rejects_requested || rejected > 0) rejects.commit();

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char timing[64];
  std::snprintf(timing, sizeof timing, " in %.2f s\n", seconds);
  std::string summary = "usage of " + with_thousands(result.accounts.size()) + " accounts, ";
  summary += result.as_of ? "window of " + std::to_string(result.window_days) + " days to " + result.as_of->to_string() +
                                (window.as_of ? "" : " (the latest event date)")
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
