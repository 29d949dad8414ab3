#include "cli/drift_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cli/account_record.hpp"
#include "cli/classify_chunk.hpp"
#include "cli/cli_error.hpp"
#include "cli/command_options.hpp"
#include "cli/input_layout.hpp"
#include "cli/input_source.hpp"
#include "cli/mapped_input.hpp"
#include "cli/output_file.hpp"
#include "cli/pipeline.hpp"
#include "cli/progress.hpp"
#include "cli/summary_text.hpp"
#include "csv/csv.hpp"
#include "riskscale/assess.hpp"
#include "riskscale/batch.hpp"
#include "riskscale/drift.hpp"

namespace riskscale::cli {
namespace {

constexpr std::size_t drift_rows_per_chunk = 2048;
constexpr std::size_t no_match = std::numeric_limits<std::size_t>::max();

// The account id of record r, or nothing when the record has no such field.
std::optional<std::string_view> record_id(const chunk& c, std::size_t r, const input_layout& layout) {
  if (layout.account_id >= c.field_count(r)) return std::nullopt;
  return c.field(r, layout.account_id);
}

// One snapshot chunk read and classified, as classify reads it; a record's model row or no_match.
struct classified_chunk {
  chunk_inputs inputs;
  std::vector<std::size_t> row_of_record;
  std::optional<batch_result> result;
  std::vector<double> factor_rows;  // row-major factor values of the readable rows
  std::size_t factor_count = 0;
  std::vector<std::uint64_t> hashes;  // drift_snapshot::hash_of each record's id

  void classify(const chunk& c, const policy& pol, const input_layout& layout) {
    read_chunk_inputs(c, pol, layout, inputs);
    const std::vector<std::string> fields = pol.input_fields();
    portfolio input(inputs.rows);
    for (std::size_t f = 0; f < fields.size(); ++f) {
      // With the policy's inputs (SPEC §9) the mapping gives every field; without, the header does.
      if (layout.mapped || layout.fields[f] != no_column) input.add(fields[f], inputs.columns[f].data());
    }
    result.emplace(inputs.rows, pol);
    batch_output view = result->view();
    view.recommendation_scores = nullptr;
    classify_into(input, pol, view, {1, 0});
    row_of_record.assign(c.size(), no_match);
    std::size_t row = 0;
    for (std::size_t r = 0; r < c.size(); ++r) {
      if (!inputs.unreadable_records[r]) row_of_record[r] = row++;
    }
    factor_count = pol.risk_factors().size();
    factor_rows.assign(inputs.rows * factor_count, 0.0);
    for (std::size_t j = 0; j < factor_count; ++j) {
      for (std::size_t i = 0; i < inputs.rows; ++i) factor_rows[i * factor_count + j] = inputs.columns[j][i];
    }
  }

  // Record r as a drift observation (invalid when unreadable or out of range).
  [[nodiscard]] drift_observation observation(std::size_t r) const {
    drift_observation o;
    const std::size_t row = row_of_record[r];
    if (row == no_match) return o;
    o.valid = result->status[row] == row_status::ok;
    o.factor_values = factor_rows.data() + row * factor_count;
    o.active_days = inputs.columns[factor_count][row];
    o.users = inputs.columns[factor_count + 1][row];
    if (!o.valid) return o;
    const auto i = static_cast<Eigen::Index>(row);
    o.risk_score = result->risk_score[i];
    o.scale_score = result->scale_score[i];
    o.frequency_score = result->frequency_score[i];
    o.reach_score = result->reach_score[i];
    o.margin = result->margin[i];
    o.archetype = static_cast<archetype>(result->archetype[row]);
    o.recommendations = result->recommendations.data() + row * result->recommendation_width;
    o.recommendation_count = static_cast<std::size_t>(result->recommendation_count[row]);
    return o;
  }

  // Appends the rejects row of record r (unreadable or out of range) to c.rejects, tagged with the
  // snapshot; does nothing for a valid record.
  void reject(chunk& c, std::size_t r, const policy& pol, const input_layout& layout, std::string_view snapshot) const {
    const std::string_view id = record_id(c, r, layout).value_or(std::string_view());
    if (inputs.unreadable_records[r]) {
      const auto& why = *inputs.unreadable_records[r];
      c.rejects += snapshot;
      c.rejects += ',';
      append_reject(c, r, id, why.column, why.reason, why.message);
      return;
    }
    const std::size_t row = row_of_record[r];
    if (result->status[row] == row_status::ok) return;
    const std::vector<input_descriptor> schema = input_schema(pol);
    const auto field = static_cast<std::size_t>(result->invalid_field[row]);
    const double value = inputs.columns[field][row];  // the number the model refused, as read
    c.rejects += snapshot;
    c.rejects += ',';
    append_reject(c, r, id, schema[field].name, to_string(result->status[row]),
                  describe_refusal(schema[field], value, result->status[row]));
  }
};

std::string_view state_cell(snapshot_state s) {
  if (s == snapshot_state::absent || s == snapshot_state::invalid) return {};
  return to_string(static_cast<archetype>(s));
}

std::string drift_header(const policy& pol) {
  std::string header =
      "account_id,status,archetype_old,archetype_new,risk_old,risk_new,scale_old,scale_new,risk_change,scale_change";
  for (const auto& factor : pol.risk_factors()) {
    header += ',';
    csv::append_field(header, "cause_" + factor.name);
  }
  return header + ",cause_frequency,cause_reach,driver,reason\n";
}

constexpr const char* alerts_header = "account_id,alert,from,to,driver,reason,new_formats,dropped_formats,replan\n";
constexpr const char* watch_header = "account_id,archetype,axis,line,distance_old,distance_new,driver,reason\n";
constexpr const char* drift_rejects_header = "snapshot,line,account_id,column,reason,message,record\n";

void append_id(std::string& out, std::string_view id) {
  if (id.empty()) {
    out += "\"\"";  // a row starting with an empty id stays a row
  } else {
    csv::append_field(out, id);
  }
}

// Writes `value` at `p`: nothing for NaN (absent), 0 for +0 without to_chars' work, else the
// shortest round-trip text; returns the end.
char* put_number(char* p, double value) noexcept {
  if (std::isnan(value)) return p;
  if (value == 0.0 && !std::signbit(value)) {
    *p = '0';
    return p + 1;
  }
  return csv::write_double(p, value);
}

char* put_text(char* p, std::string_view text) noexcept {
  if (text.empty()) return p;  // an empty view may hold a null pointer, which memcpy must not get
  std::memcpy(p, text.data(), text.size());
  return p + text.size();
}

// One drift.csv row, written into one span reserved at its largest possible size (as classify
// writes its rows): most rows are a handful of numbers, and per-field string calls would dominate.
void append_drift_row(std::string& out, std::string_view id, const account_drift& d, const policy& pol,
                      const std::string& reason) {
  const std::size_t factors = pol.risk_factors().size();
  const std::string_view driver = player_name(pol, d.driver);
  const std::string_view status = to_string(d.status);
  const std::string_view old_state = state_cell(d.old_state), new_state = state_cell(d.new_state);
  const std::size_t bound = csv::field_bound(id.size()) + 2 + status.size() + old_state.size() + new_state.size() +
                            (10 + factors) * (csv::double_bound + 1) + driver.size() + csv::field_bound(reason.size()) +
                            8;
  const std::size_t old_size = out.size();
  out.resize(old_size + bound);
  char* const begin = out.data() + old_size;
  char* p = begin;
  if (id.empty()) {
    p = put_text(p, "\"\"");  // a row starting with an empty id stays a row
  } else {
    p = csv::write_field(p, id);
  }
  *p++ = ',';
  p = put_text(p, status);
  *p++ = ',';
  p = put_text(p, old_state);
  *p++ = ',';
  p = put_text(p, new_state);
  for (const auto& [old_value, new_value] : {std::pair{d.risk_old, d.risk_new}, std::pair{d.scale_old, d.scale_new}}) {
    *p++ = ',';
    char* const old_text = p;
    p = put_number(p, old_value);
    const std::size_t old_length = static_cast<std::size_t>(p - old_text);
    *p++ = ',';
    // Most accounts keep their scores: the new one is the old one's text.
    if (!std::isnan(new_value) && new_value == old_value && std::signbit(new_value) == std::signbit(old_value)) {
      std::memmove(p, old_text, old_length);
      p += old_length;
    } else {
      p = put_number(p, new_value);
    }
  }
  for (double value : {d.risk_change, d.scale_change}) {
    *p++ = ',';
    p = put_number(p, value);
  }
  const bool causes = d.has_causes();
  for (std::size_t i = 0; i < factors; ++i) {
    *p++ = ',';
    if (causes) p = put_number(p, d.risk_causes[i]);
  }
  *p++ = ',';
  p = put_number(p, d.cause_frequency);
  *p++ = ',';
  p = put_number(p, d.cause_reach);
  *p++ = ',';
  p = put_text(p, driver);
  *p++ = ',';
  p = csv::write_field(p, reason);
  *p++ = '\n';
  out.resize(old_size + static_cast<std::size_t>(p - begin));
}

std::string joined_formats(const policy& pol, const std::vector<std::size_t>& formats) {
  std::string text;
  for (std::size_t k : formats) {
    if (!text.empty()) text += ';';
    text += pol.catalog()[k].id;
  }
  return text;
}

void append_alert_rows(std::string& out, std::string_view id, const std::vector<drift_alert>& alerts,
                       const drift_comparer& comparer) {
  const policy& pol = comparer.new_policy();
  for (const drift_alert& alert : alerts) {
    append_id(out, id);
    out += ',';
    out += to_string(alert.kind);
    out += ',';
    if (alert.from) out += to_string(*alert.from);
    out += ',';
    if (alert.to) out += to_string(*alert.to);
    out += ',';
    out += player_name(pol, alert.driver);
    out += ',';
    csv::append_field(out, alert.reason);
    out += ',';
    csv::append_field(out, joined_formats(pol, alert.new_formats));
    out += ',';
    csv::append_field(out, joined_formats(comparer.old_policy(), alert.dropped_formats));
    out += alert.replan ? ",true\n" : ",false\n";
  }
}

void append_watch_row(std::string& out, std::string_view id, const drift_watch& watch, archetype type,
                      const policy& pol) {
  append_id(out, id);
  out += ',';
  out += to_string(type);
  out += watch.risk_axis ? ",risk," : ",scale,";
  csv::append_double(out, watch.line);
  out += ',';
  csv::append_double(out, watch.distance_old);
  out += ',';
  csv::append_double(out, watch.distance_new);
  out += ',';
  out += player_name(pol, watch.driver);
  out += ',';
  csv::append_field(out, watch.reason);
  out += '\n';
}

// The outputs of one account, appended to the chunk's (or the final) text.
struct drift_text {
  std::string rows, alerts, watch;
  drift_matrix matrix;
  drift_counts counts;
};

void describe_account(drift_comparer& comparer, std::string_view id, const drift_observation* old_side,
                      const drift_observation* new_side, account_drift& d, drift_text& out) {
  comparer.compare(old_side, new_side, d);
  out.matrix.add(d);
  out.counts.add(d.status);
  const policy& pol = comparer.new_policy();
  append_drift_row(out.rows, id, d, pol, drift_reason(comparer, d, old_side, new_side));
  append_alert_rows(out.alerts, id, drift_alerts(comparer, d, old_side, new_side), comparer);
  if (const auto watch = drift_watch_entry(comparer, d, old_side, new_side)) {
    append_watch_row(out.watch, id, *watch, new_side->archetype, pol);
  }
}

// What a new-snapshot chunk hands from its worker to the writer.
struct new_chunk_payload {
  classified_chunk classified;
  std::vector<std::size_t> matched;  // per record: the old account's index, or no_match
  drift_text text;
};

std::string matrix_csv(const drift_matrix& matrix) {
  std::string out = "old";
  for (std::size_t j = 0; j < drift_matrix_size; ++j) {
    out += ',';
    out += drift_matrix::column_label(j);
  }
  out += '\n';
  for (std::size_t i = 0; i < drift_matrix_size; ++i) {
    out += drift_matrix::row_label(i);
    for (std::size_t j = 0; j < drift_matrix_size; ++j) out += ',' + std::to_string(matrix.counts[i][j]);
    out += '\n';
  }
  return out;
}

std::string matrix_text(const drift_matrix& matrix, const drift_counts& counts) {
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header = {"old \\ new"};
  for (std::size_t j = 0; j < drift_matrix_size; ++j) header.emplace_back(drift_matrix::column_label(j));
  cells.push_back(header);
  for (std::size_t i = 0; i < drift_matrix_size; ++i) {
    std::vector<std::string> row = {std::string(drift_matrix::row_label(i))};
    for (std::size_t j = 0; j < drift_matrix_size; ++j) row.push_back(with_thousands(matrix.counts[i][j]));
    cells.push_back(row);
  }
  std::vector<std::size_t> width(drift_matrix_size + 1, 0);
  for (const auto& row : cells) {
    for (std::size_t j = 0; j < row.size(); ++j) width[j] = std::max(width[j], row[j].size());
  }
  std::string out = "transition matrix (rows: old snapshot, columns: new snapshot)\n";
  for (const auto& row : cells) {
    for (std::size_t j = 0; j < row.size(); ++j) {
      const std::string& cell = row[j];
      if (j == 0) {
        out += cell + std::string(width[j] - cell.size(), ' ');
      } else {
        out += "  " + std::string(width[j] - cell.size(), ' ') + cell;
      }
    }
    out += '\n';
  }
  out += "accounts: " + with_thousands(matrix.total());
  for (std::size_t s = 0; s < drift_status_count; ++s) {
    const auto status = static_cast<drift_status>(s);
    out += std::string(s == 0 ? " (" : ", ") + std::string(to_string(status)) + " " + with_thousands(counts[status]);
  }
  return out + ")\n";
}

std::string duplicate_message(std::string_view id, const std::string& source, std::size_t first_line,
                              std::size_t second_line) {
  return "account_id '" + std::string(id) + "' appears twice in " + source + " (lines " + std::to_string(first_line) +
         " and " + std::to_string(second_line) + "); accepted: each account_id once per snapshot";
}

}  // namespace

CLI::App* add_drift_command(CLI::App& app, drift_command_options& options) {
  CLI::App* drift = app.add_subcommand("drift", "Drift between two snapshots (SPEC §11): who moved quadrant, and why");
  drift->add_option("old", options.old_input, "Old snapshot CSV (accounts, as classify reads them)")->required();
  drift->add_option("new", options.new_input,
                    "New snapshot CSV (- for stdin); omit it with --old-policy to compare one file under two policies");
  drift->add_option("-o,--output", options.output, "Per-account drift CSV (- for stdout)")->required();
  drift->add_option("--policy", options.policy_path, "Policy JSON file (default: the SPEC defaults)");
  drift->add_option("--old-policy", options.old_policy_path,
                    "Policy of the old snapshot (what-if: who would move under --policy; no causes, driver 'policy')");
  drift->add_option("--alerts", options.alerts, "Alert rows CSV, one per crossed line and per new or gone account");
  drift->add_option("--watch", options.watch, "Watch-list CSV: stayed accounts that slid into the borderline band");
  drift->add_option("--matrix", options.matrix, "Transition matrix CSV (old archetype x new archetype)");
  drift->add_option("--rejects", options.rejects, "Invalid rows of both snapshots (default: OUT.rejects.csv)");
  drift->add_option("--threads", options.threads, "Worker threads (default: all cores)")->check(CLI::Range(1u, 1024u));
  add_join_options(drift, options.joins);
  drift->footer(
      "Example:\n  riskscale drift june.csv july.csv -o drift.csv --alerts alerts.csv --matrix matrix.csv\n"
      "  riskscale drift accounts.csv --old-policy current.json --policy proposed.json -o preview.csv\n"
      "Rows come in the new snapshot's order, then the gone accounts in the old one's. Exit status: 0; 1 when\n"
      "rows were invalid (rejects file, status 'invalid'); 2 on a duplicated account_id, a bad file or policy.");
  add_max_record_bytes(drift, options.max_record_bytes);
  return drift;
}

int run_drift(const drift_command_options& options) {
  const auto start = std::chrono::steady_clock::now();
  const policy new_policy = load_policy(options.policy_path);
  const policy old_policy = options.old_policy_path.empty() ? new_policy : load_policy(options.old_policy_path);
  std::string new_input = options.new_input;
  if (new_input.empty()) {
    if (options.old_policy_path.empty()) {
      throw cli_error("drift needs a NEW snapshot; accepted: OLD.csv NEW.csv, or one file with --old-policy");
    }
    new_input = options.old_input;
  }
  if (options.old_input == "-") throw cli_error("the old snapshot cannot be stdin; accepted: a file path");
  const rejects_destination rejects_to =
      options.rejects.empty() ? default_rejects(options.output) : rejects_destination{options.rejects, false};
  const std::string& rejects_path = rejects_to.path;
  std::vector<std::pair<std::string, std::string>> inputs = {{"old snapshot", options.old_input},
                                                             {"new snapshot", new_input},
                                                             {"policy", options.policy_path},
                                                             {"old policy", options.old_policy_path}};
  for (const std::string& join : options.joins.paths) inputs.emplace_back("join table", join);
  std::vector<std::pair<std::string, std::string>> outputs = {{"output", options.output},
                                                              {"rejects file", rejects_path}};
  for (const auto& [role, path] : {std::pair<const char*, const std::string*>{"alerts file", &options.alerts},
                                   {"watch file", &options.watch},
                                   {"matrix file", &options.matrix}}) {
    if (!path->empty()) outputs.emplace_back(role, *path);
  }
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    for (std::size_t j = i + 1; j < outputs.size(); ++j) {
      // Two outputs on one name or file clobber each other, unless both are one device (/dev/null).
      const bool one_device = outputs[j].second != "-" && output_file::is_stream(outputs[j].second);
      if (same_destination(outputs[i].second, outputs[j].second) && !one_device) {
        throw cli_error("two outputs name the same file " + outputs[j].second +
                        "; accepted: a different path for each");
      }
    }
  }
  refuse_clobbering(inputs, outputs);
  const std::vector<join_table> joins = load_joins(options.joins);
  const unsigned workers = worker_count(options.threads);

  output_file output(options.output);
  output_file rejects(rejects_path);
  std::optional<output_file> alerts, watch;
  if (!options.alerts.empty()) alerts.emplace(options.alerts);
  if (!options.watch.empty()) watch.emplace(options.watch);
  output.write(drift_header(new_policy));
  rejects.write(drift_rejects_header);
  if (alerts) alerts->write(alerts_header);
  if (watch) watch->write(watch_header);

  // 1. The old snapshot, held in memory keyed by account id.
  drift_snapshot snapshot(old_policy.risk_factors().size(), old_policy.recommendation_width());
  std::size_t rejected = 0;
  {
    input_source source(options.old_input);
    chunk_reader reader(*source.stream, source.name, drift_rows_per_chunk, options.max_record_bytes);
    const input_layout layout = map_header(reader.read_header(), old_policy, keep_request{}, &joins);
    run_pipeline(
        reader, workers, 2 * workers + 2,
        [&](chunk& c) {
          auto classified = std::make_shared<classified_chunk>();
          classified->classify(c, old_policy, layout);
          classified->hashes.resize(c.size());
          for (std::size_t r = 0; r < c.size(); ++r) {
            classified->reject(c, r, old_policy, layout, "old");
            classified->hashes[r] = drift_snapshot::hash_of(record_id(c, r, layout).value_or(std::string_view()));
          }
          c.payload = classified;
        },
        [&](chunk& c) {
          const auto& classified = *static_cast<const classified_chunk*>(c.payload.get());
          if (c.sequence == 0 && source.size > 0 && c.size() > 0 && c.bytes_end > 0) {
            // Room for the whole file at the first chunk's bytes per record, plus 10 %.
            const double per_record = static_cast<double>(c.bytes_end) / static_cast<double>(c.size());
            snapshot.reserve(static_cast<std::size_t>(1.1 * static_cast<double>(source.size) / per_record) + 1);
          }
          constexpr std::size_t ahead = 16;  // slots requested this many records before they are probed
          for (std::size_t r = 0; r < std::min(ahead, c.size()); ++r) snapshot.prefetch_slot(classified.hashes[r]);
          for (std::size_t r = 0; r < c.size(); ++r) {
            if (r + ahead < c.size()) snapshot.prefetch_slot(classified.hashes[r + ahead]);
            const std::optional<std::string_view> id = record_id(c, r, layout);
            if (!id) continue;  // no account_id field: in the rejects file, matched with nothing
            const drift_observation o = classified.observation(r);
            if (const auto first = snapshot.add(*id, classified.hashes[r], o, c.lines[r])) {
              throw cli_error(duplicate_message(*id, source.name, snapshot.line(*first), c.lines[r]));
            }
          }
          rejects.write(c.rejects);
          rejected += c.rejected;
          c.payload.reset();
        });
  }

  // 2. The new snapshot, streamed: each record matched against the old one and compared on the workers.
  std::unordered_map<std::string, std::size_t> new_only;  // ids of the new snapshot absent from the old, their line
  drift_matrix matrix;
  drift_counts counts;
  {
    input_source source(new_input);
    chunk_reader reader(*source.stream, source.name, drift_rows_per_chunk, options.max_record_bytes);
    const input_layout layout = map_header(reader.read_header(), new_policy, keep_request{}, &joins);
    progress bar(source.size);
    std::size_t records = 0;
    run_pipeline(
        reader, workers, 2 * workers + 2,
        [&](chunk& c) {
          auto payload = std::make_shared<new_chunk_payload>();
          payload->classified.classify(c, new_policy, layout);
          const std::size_t records = c.size();
          payload->text.rows.reserve(records * 192);  // a typical row is 150-190 bytes
          payload->matched.assign(records, no_match);
          // Lookups as a software pipeline, so that the memory of one record's lookup is fetched
          // while earlier ones are compared: the hash slot 64 records ahead, the old account its
          // slot points at 32 ahead, then find() itself, whose results are
          // those of a plain lookup.
          std::vector<std::uint64_t>& hashes = payload->classified.hashes;
          hashes.resize(records);
          for (std::size_t r = 0; r < records; ++r) {
            hashes[r] = drift_snapshot::hash_of(record_id(c, r, layout).value_or(std::string_view()));
          }
          constexpr std::size_t slot_ahead = 64, record_ahead = 32;
          for (std::size_t r = 0; r < std::min(slot_ahead, records); ++r) snapshot.prefetch_slot(hashes[r]);
          for (std::size_t r = 0; r < std::min(record_ahead, records); ++r) snapshot.prefetch_candidate(hashes[r]);
          drift_comparer comparer(old_policy, new_policy);
          account_drift d;
          for (std::size_t r = 0; r < records; ++r) {
            if (r + slot_ahead < records) snapshot.prefetch_slot(hashes[r + slot_ahead]);
            if (r + record_ahead < records) (void)snapshot.prefetch_candidate(hashes[r + record_ahead]);
            payload->classified.reject(c, r, new_policy, layout, "new");
            const std::optional<std::string_view> id = record_id(c, r, layout);
            if (!id) continue;
            const drift_observation new_side = payload->classified.observation(r);
            std::optional<drift_observation> old_side;
            if (const auto found = snapshot.find(*id, hashes[r])) {
              const std::size_t match = *found;
              payload->matched[r] = match;
              // A second record with this id is an error, whichever worker sees it.
              if (const std::size_t first = snapshot.claim(match, c.lines[r])) {
                throw cli_error(
                    duplicate_message(*id, source.name, std::min(first, c.lines[r]), std::max(first, c.lines[r])));
              }
              old_side = snapshot.observation(match);
            }
            describe_account(comparer, *id, old_side ? &*old_side : nullptr, &new_side, d, payload->text);
          }
          c.payload = payload;
        },
        [&](chunk& c) {
          auto& payload = *static_cast<new_chunk_payload*>(c.payload.get());
          for (std::size_t r = 0; r < c.size(); ++r) {
            const std::optional<std::string_view> id = record_id(c, r, layout);
            if (!id) continue;
            if (payload.matched[r] == no_match) {
              const auto [it, added] = new_only.emplace(std::string(*id), c.lines[r]);
              if (!added) throw cli_error(duplicate_message(*id, source.name, it->second, c.lines[r]));
            }
          }
          output.write(payload.text.rows);
          if (alerts) alerts->write(payload.text.alerts);
          if (watch) watch->write(payload.text.watch);
          rejects.write(c.rejects);
          rejected += c.rejected;
          matrix.merge(payload.text.matrix);
          counts.merge(payload.text.counts);
          records += c.size();
          bar.update(records, c.bytes_end);
          c.payload.reset();
        });
    bar.finish();
  }

  // 3. The accounts of the old snapshot that the new one lacks: gone (or invalid, if invalid before).
  {
    drift_comparer comparer(old_policy, new_policy);
    account_drift d;
    drift_text text;
    for (std::size_t i = 0; i < snapshot.size(); ++i) {
      if (snapshot.matched_line(i) != 0) continue;
      const drift_observation old_side = snapshot.observation(i);
      describe_account(comparer, snapshot.id(i), &old_side, nullptr, d, text);
      if (text.rows.size() > (std::size_t{1} << 20)) {
        output.write(text.rows);
        if (alerts) alerts->write(text.alerts);
        text.rows.clear();
        text.alerts.clear();
      }
    }
    output.write(text.rows);
    if (alerts) alerts->write(text.alerts);
    matrix.merge(text.matrix);
    counts.merge(text.counts);
  }

  if (!options.matrix.empty()) {
    output_file matrix_file(options.matrix);
    matrix_file.write(matrix_csv(matrix));
    matrix_file.commit();
  }
  report_unmatched(joins);
  output.commit();
  if (!rejects_to.only_when_rows_rejected || rejected > 0) rejects.commit();
  if (alerts) alerts->commit();
  if (watch) watch->commit();

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // The report goes to stdout unless a CSV does.
  const bool stdout_taken = options.output == "-" || options.alerts == "-" || options.watch == "-" ||
                            options.matrix == "-" || rejects_path == "-";
  std::FILE* report = stdout_taken ? stderr : stdout;
  std::fputs(matrix_text(matrix, counts).c_str(), report);
  std::string line = "rejected " + with_thousands(rejected) + " rows";
  if (rejected > 0) line += " (see " + rejects.path() + ")";
  char timing[64];
  std::snprintf(timing, sizeof timing, "; %.2f s\n", seconds);
  std::fputs((line + timing).c_str(), report);
  return rejected > 0 ? exit_rows_rejected : exit_ok;
}

namespace {

// One account of one snapshot file for explain: its observation (storage kept here), or absent.
struct explained_side {
  bool present = false;
  std::string problem;  // why it is invalid, when it is
  std::vector<double> factors;
  std::vector<std::int16_t> ranked;
  drift_observation observation;
};

explained_side read_side(const std::string& path, std::string_view account_id, const policy& pol,
                         const std::vector<join_table>& joins) {
  explained_side side;
  input_source source(path);
  chunk_reader reader(*source.stream, source.name, 1);
  const input_layout layout = map_header(reader.read_header(), pol, keep_request{}, &joins);
  chunk c;
  while (reader.fill(c)) {
    for (std::size_t r = 0; r < c.size(); ++r) {
      if (record_id(c, r, layout) != std::optional<std::string_view>(account_id)) continue;
      side.present = true;
      const std::string where = source.name + " line " + std::to_string(c.lines[r]);
      record_problem problem;
      const std::optional<account> input = account_from_record(c, r, layout, pol, problem);
      if (!input) {
        side.problem = where + ": " + problem.message;
        return side;
      }
      try {
        const assessment a = assess(*input, pol);
        for (const auto& factor : pol.risk_factors()) side.factors.push_back(*input->field(factor.name));
        for (const auto& recommendation : a.recommendations) {
          side.ranked.push_back(static_cast<std::int16_t>(recommendation.format_index));
        }
        drift_observation& o = side.observation;
        o.valid = true;
        o.factor_values = side.factors.data();
        o.active_days = input->active_days;
        o.users = input->users;
        o.risk_score = a.risk_score;
        o.scale_score = a.scale_score;
        o.frequency_score = a.frequency_score;
        o.reach_score = a.reach_score;
        o.margin = a.margin;
        o.archetype = a.archetype;
        o.recommendations = side.ranked.data();
        o.recommendation_count = side.ranked.size();
      } catch (const input_error& e) {
        side.problem = where + ": " + e.what();
      }
      return side;
    }
  }
  return side;
}

}  // namespace

int run_explain_drift(const std::string& old_input, const std::string& new_input, const std::string& account_id,
                      const std::string& policy_path, const std::string& old_policy_path,
                      const join_options& join_files) {
  const policy new_policy = load_policy(policy_path);
  const policy old_policy = old_policy_path.empty() ? new_policy : load_policy(old_policy_path);
  const std::vector<join_table> joins = load_joins(join_files);
  const explained_side old_side = read_side(old_input, account_id, old_policy, joins);
  const explained_side new_side = read_side(new_input, account_id, new_policy, joins);
  if (!old_side.present && !new_side.present) {
    throw cli_error("no account with account_id '" + account_id + "' in " + old_input + " or " + new_input +
                    "; accepted: an account_id of either snapshot");
  }
  drift_comparer comparer(old_policy, new_policy);
  account_drift d;
  const drift_observation* o = old_side.present ? &old_side.observation : nullptr;
  const drift_observation* n = new_side.present ? &new_side.observation : nullptr;
  comparer.compare(o, n, d);
  std::string text = describe_drift(comparer, account_id, d, o, n);
  for (const explained_side* side : {&old_side, &new_side}) {
    if (!side->problem.empty()) text += "  " + side->problem + "\n";
  }
  for (const drift_alert& alert : drift_alerts(comparer, d, o, n)) {
    text += "  alert " + std::string(to_string(alert.kind));
    if (!alert.new_formats.empty()) text += "; new formats: " + joined_formats(new_policy, alert.new_formats);
    if (!alert.dropped_formats.empty())
      text += "; dropped formats: " + joined_formats(old_policy, alert.dropped_formats);
    text += "\n";
  }
  std::fputs(text.c_str(), stdout);
  return exit_ok;
}

}  // namespace riskscale::cli
