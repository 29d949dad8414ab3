#include "cli/classify_chunk.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>
#include <optional>
#include <vector>

#include "cli/mapped_input.hpp"
#include "csv/csv.hpp"
#include "riskscale/batch.hpp"
#include "riskscale/input_schema.hpp"
#include "riskscale/inputs.hpp"
#include "riskscale/output_schema.hpp"

namespace riskscale::cli {

// One rejects row: line, account_id, column, reason, message, and the original record.
void append_reject(chunk& c, std::size_t record, std::string_view account_id, std::string_view column,
                   std::string_view reason, std::string_view message) {
  std::string& out = c.rejects;
  out += std::to_string(c.lines[record]);
  out += ',';
  csv::append_field(out, account_id);
  out += ',';
  csv::append_field(out, column);
  out += ',';
  csv::append_field(out, reason);
  out += ',';
  csv::append_field(out, message);
  out += ',';
  const std::string_view raw = c.raw_text(record);
  if (raw.empty()) {
    out += "\"\"";
  } else {
    csv::append_field(out, raw);
  }
  out += '\n';
  ++c.rejected;
}

namespace {

char* write_number(char* out, double value) {
  return std::isnan(value) ? out : csv::write_double(out, value);  // SPEC §8: absent is an empty cell
}

char* write_text(char* out, std::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

// The catalogue ids as the recommendations cell uses them.
struct catalog_ids {
  std::vector<std::size_t> length;  // bytes of each id
  bool plain = true;                // no joined list of them needs CSV quoting

  explicit catalog_ids(const policy& pol) {
    for (const auto& format : pol.catalog()) {
      length.push_back(format.id.size());
      // Quoting depends on the id's characters, and on its ends (a list starts or ends with an id).
      plain = plain && !csv::needs_quotes(format.id);
    }
  }
};

// SPEC §2 columns of record `r` read through the core's input schema into `values` (NaN for an absent
// seats cell); false, with why, when a cell is refused before the model (an empty required cell, text
// that is no number). Range checks are the model's.
bool read_record_inputs(const chunk& c, std::size_t r, const input_layout& layout,
                        const std::vector<input_descriptor>& schema, std::vector<double>& values, std::string& column,
                        std::string& reason, std::string& message) {
  for (std::size_t f = 0; f < schema.size(); ++f) {
    const std::size_t source = layout.fields[f];
    if (source == no_column) {
      values[f] = std::numeric_limits<double>::quiet_NaN();  // seats absent from the file: it is optional
      continue;
    }
    const std::string_view text = c.field(r, source);
    const cell_reading reading = read_input_cell(schema[f], text);
    values[f] = reading.value;
    if (reading.status != row_status::missing_value && !reading.text_not_a_number) continue;
    column = schema[f].name;
    reason = std::string(to_string(reading.status));
    message = describe_refusal(schema[f], reading.value, reading.status, text);
    return false;
  }
  return true;
}

}  // namespace

std::string output_header(const input_layout& layout, const policy& pol) {
  std::string out;
  for (std::size_t column : layout.kept) {
    csv::append_field(out, layout.header[column]);
    out += ',';
  }
  if (const mapped_layout* mapped = layout.mapped.get()) {
    for (const auto& [join, column] : mapped->kept_join) {
      csv::append_field(out, (*mapped->joins)[join].header[column]);
      out += ',';
    }
    if (mapped->keep_inputs) {
      for (const std::string& field : pol.input_fields()) out += field + ',';  // SPEC §9 derived inputs
    }
  }
  bool first = true;
  for (const output_column& column : classify_output_columns) {  // SPEC §8 order
    if (!first) out += ',';
    out += column.name;
    first = false;
  }
  out += '\n';
  return out;
}

std::string rejects_header() { return "line,account_id,column,reason,message,record\n"; }

void read_chunk_inputs(const chunk& c, const policy& pol, const input_layout& layout, chunk_inputs& out) {
  const std::vector<std::string> fields = pol.input_fields();
  const std::size_t records = c.size();
  std::vector<std::vector<double>>& columns = out.columns;
  columns.assign(fields.size(), {});
  std::size_t& rows = out.rows;  // readable records, the model's rows
  rows = 0;
  using unreadable = chunk_inputs::unreadable;
  std::vector<std::optional<unreadable>>& unreadable_records = out.unreadable_records;
  unreadable_records.assign(records, std::nullopt);
  const auto reject_later = [&](std::size_t r, std::string column, std::string reason, std::string message) {
    unreadable_records[r] = unreadable{std::move(column), std::move(reason), std::move(message)};
  };
  // Records that are no CSV row of the header's width are unreadable, with or without a mapping.
  const auto well_formed = [&](std::size_t r) {
    if (c.oversized[r]) {
      reject_later(r, "", "record_too_large", c.errors[r] + "; accepted: records up to --max-record-bytes");
      return false;
    }
    if (!c.errors[r].empty()) {
      reject_later(r, "", "malformed_csv", c.errors[r] + "; accepted: RFC 4180 CSV");
      return false;
    }
    if (c.field_count(r) != layout.header.size()) {
      reject_later(r, "", "wrong_field_count",
                   "expected " + std::to_string(layout.header.size()) + " fields as in the header, found " +
                       std::to_string(c.field_count(r)));
      return false;
    }
    return true;
  };

  if (const mapped_layout* mapped = layout.mapped.get()) {
    // SPEC §9: the policy's inputs derive the model inputs; a row the mapping refuses is unreadable
    // here, with the mapping's reason and sentence (the input, source column, cell and rule).
    std::vector<std::size_t> readable;
    for (std::size_t r = 0; r < records; ++r) {
      if (well_formed(r)) readable.push_back(r);
    }
    mapped_chunk table;
    table.fill(c, readable, layout.account_id, *mapped);
    const mapped_inputs derived = map_inputs(table.table, pol, {1, 0});
    std::optional<input_plan> failures;
    for (std::size_t i = 0; i < readable.size(); ++i) {
      if (derived.status[i] != row_status::ok) {
        if (!failures) failures.emplace(pol, table.table);
        const auto field = static_cast<std::size_t>(derived.invalid_field[i]);
        reject_later(readable[i], fields[field], std::string(to_string(derived.status[i])),
                     failures->failure(i, field).message);
        continue;
      }
      for (std::size_t f = 0; f < fields.size(); ++f) {
        columns[f].push_back(derived.values[f][i]);  // an absent seats value stays NaN (SPEC §2)
      }
      ++rows;
    }
    return;
  }

  for (auto& column : columns) column.reserve(records);
  const std::vector<input_descriptor> schema = input_schema(pol);
  std::vector<double> values(fields.size());
  std::string column, reason, message;
  for (std::size_t r = 0; r < records; ++r) {
    if (!well_formed(r)) continue;
    if (!read_record_inputs(c, r, layout, schema, values, column, reason, message)) {
      reject_later(r, column, reason, message);
      continue;
    }
    for (std::size_t f = 0; f < fields.size(); ++f) {
      if (layout.fields[f] != no_column) columns[f].push_back(values[f]);
    }
    ++rows;
  }
}

void classify_chunk(chunk& c, const chunk_job& job) {
  const policy& pol = *job.policy;
  const input_layout& layout = *job.layout;
  const std::vector<std::string> fields = pol.input_fields();
  const std::size_t records = c.size();
  const mapped_layout* mapped = layout.mapped.get();

  // 1. Text to numbers; a record that cannot be read goes to the rejects now.
  std::vector<std::vector<double>> columns(fields.size());
  if (mapped == nullptr) {
    for (auto& column : columns) column.reserve(records);
  }
  std::size_t rows = 0;               // readable records, the model's rows
  std::vector<std::size_t> readable;  // with a mapping: the records that reach it
  std::vector<double> values(fields.size());
  const std::vector<input_descriptor> schema = input_schema(pol);
  struct unreadable {
    std::string column;
    std::string reason;
    std::string message;
  };
  std::vector<std::optional<unreadable>> unreadable_records(records);
  const auto reject_later = [&](std::size_t r, std::string column, std::string reason, std::string message) {
    unreadable_records[r] = unreadable{std::move(column), std::move(reason), std::move(message)};
  };
  for (std::size_t r = 0; r < records; ++r) {
    const bool complete = c.field_count(r) == layout.header.size();
    if (c.oversized[r]) {
      reject_later(r, "", "record_too_large", c.errors[r] + "; accepted: records up to --max-record-bytes");
      continue;
    }
    if (!c.errors[r].empty()) {
      reject_later(r, "", "malformed_csv", c.errors[r] + "; accepted: RFC 4180 CSV");
      continue;
    }
    if (!complete) {
      reject_later(r, "", "wrong_field_count",
                   "expected " + std::to_string(layout.header.size()) + " fields as in the header, found " +
                       std::to_string(c.field_count(r)));
      continue;
    }
    if (mapped != nullptr) {  // SPEC §9: the cells are the mapping's to read
      readable.push_back(r);
      ++rows;
      continue;
    }
    std::string column, reason, message;
    const bool readable_record = read_record_inputs(c, r, layout, schema, values, column, reason, message);
    if (!readable_record) reject_later(r, std::move(column), std::move(reason), std::move(message));
    if (!readable_record) continue;
    for (std::size_t f = 0; f < fields.size(); ++f) {
      if (layout.fields[f] != no_column) columns[f].push_back(values[f]);
    }
    ++rows;
  }

  // 2. The model, on the readable rows (through the policy's inputs, SPEC §9, when it maps them).
  batch_result result(rows, pol);
  batch_output view = result.view();
  view.recommendation_scores = nullptr;  // the ranked ids are written, their scores are not
  mapped_chunk table;
  mapped_inputs derived;
  std::optional<input_plan> failures;  // messages of rows the mapping refused
  if (mapped != nullptr) {
    table.fill(c, readable, layout.account_id, *mapped);
    classify_into(table.table, pol, view, {1, 0}, &derived);
  } else {
    portfolio input(rows);
    for (std::size_t f = 0; f < fields.size(); ++f) {
      if (layout.fields[f] != no_column) input.add(fields[f], columns[f].data());
    }
    classify_into(input, pol, view, {1, 0});
  }
  std::string derived_text;  // one row's derived inputs, formatted

  // 3. Format every record in input order: output rows, or rejects with line and reason.
  if (job.summarize) c.summary.emplace(pol);
  const std::size_t width = result.recommendation_width;
  const catalog_ids ids(pol);
  std::string recommendations;  // the joined list, when it needs quoting
  std::size_t row = 0;
  for (std::size_t r = 0; r < records; ++r) {
    if (unreadable_records[r]) {
      const auto& why = *unreadable_records[r];
      const std::string_view account_id =
          layout.account_id < c.field_count(r) ? c.field(r, layout.account_id) : std::string_view();
      append_reject(c, r, account_id, why.column, why.reason, why.message);
      if (c.summary) c.summary->add_invalid();
      continue;
    }
    const std::string_view account_id = c.field(r, layout.account_id);
    const std::size_t this_row = row++;
    if (result.status[this_row] != row_status::ok && mapped != nullptr) {
      if (!failures) failures.emplace(pol, table.table);
      const auto field = static_cast<std::size_t>(result.invalid_field[this_row]);
      append_reject(c, r, account_id, fields[field], to_string(result.status[this_row]),
                    failures->failure(this_row, field).message);
      if (c.summary) c.summary->add_invalid();
      continue;
    }
    if (result.status[this_row] != row_status::ok) {
      const auto field = static_cast<std::size_t>(result.invalid_field[this_row]);
      const std::size_t column = layout.fields[field];
      double value = 0.0;
      (void)parse_number(c.field(r, column), value);
      append_reject(c, r, account_id, fields[field], to_string(result.status[this_row]),
                    describe_refusal(schema[field], value, result.status[this_row]));
      if (c.summary) c.summary->add_invalid();
      continue;
    }
    ++c.classified;
    const auto i = static_cast<Eigen::Index>(this_row);
    const auto type = static_cast<archetype>(result.archetype[this_row]);
    const std::int16_t* ranked = result.recommendations.data() + this_row * width;
    const auto ranked_count = static_cast<std::size_t>(result.recommendation_count[this_row]);
    if (c.summary) {
      c.summary->add(std::string(account_id), type, result.margin[i], result.borderline[this_row] != 0,
                     result.risk_score[i], result.scale_score[i], result.frequency_score[i], result.reach_score[i],
                     ranked, ranked_count, c.first_order + r);
    }
    if (!job.format_output) continue;
    // The whole row is written into one span reserved at its largest possible size.
    // account_id, eleven numbers with their commas, archetype and borderline (under 32 bytes), the
    // recommendations and the newline.
    std::size_t bound = csv::field_bound(account_id.size()) + 11 * (csv::double_bound + 1) + 32 + 1;
    for (std::size_t column : layout.kept) bound += csv::field_bound(c.field(r, column).size()) + 1;
    if (mapped != nullptr) {
      for (const auto& [join, column] : mapped->kept_join) {
        const std::size_t join_row = table.join_rows[join][this_row];
        if (join_row != std::string::npos)
          bound += csv::field_bound((*mapped->joins)[join].cell(join_row, column).size());
        bound += 1;
      }
      if (mapped->keep_inputs) bound += fields.size() * (csv::double_bound + 1);
    }
    for (std::size_t j = 0; j < ranked_count; ++j) bound += ids.length[static_cast<std::size_t>(ranked[j])] + 1;
    if (!ids.plain) bound *= 2;  // a joined list that needs quoting
    std::string& out = c.output;
    const std::size_t old_size = out.size();
    out.resize(old_size + bound);
    char* p = out.data() + old_size;
    for (std::size_t column : layout.kept) {
      p = csv::write_field(p, c.field(r, column));
      *p++ = ',';
    }
    if (mapped != nullptr) {
      for (const auto& [join, column] : mapped->kept_join) {
        const std::size_t join_row = table.join_rows[join][this_row];
        if (join_row != std::string::npos) p = csv::write_field(p, (*mapped->joins)[join].cell(join_row, column));
        *p++ = ',';
      }
      if (mapped->keep_inputs) {
        for (const auto& input : derived.values) {
          p = write_number(p, input[this_row]);  // absent seats: an empty cell
          *p++ = ',';
        }
      }
    }
    if (account_id.empty() && p == out.data() + old_size) {
      p = write_text(p, "\"\"");  // keeps a one-cell-empty row from reading back as a blank line
    } else {
      p = csv::write_field(p, account_id);
    }
    for (const Eigen::ArrayXd* column :
         {&result.risk_score, &result.scale_score, &result.frequency_score, &result.reach_score}) {
      *p++ = ',';
      p = write_number(p, (*column)[i]);
    }
    *p++ = ',';
    p = write_text(p, to_string(type));
    *p++ = ',';
    p = write_number(p, result.margin[i]);
    p = write_text(p, result.borderline[this_row] != 0 ? ",true," : ",false,");
    for (const auto& membership : result.membership) {
      p = write_number(p, membership[i]);
      *p++ = ',';
    }
    if (ids.plain) {
      for (std::size_t j = 0; j < ranked_count; ++j) {
        if (j > 0) *p++ = ';';
        p = write_text(p, pol.catalog()[static_cast<std::size_t>(ranked[j])].id);
      }
    } else {
      recommendations.clear();
      for (std::size_t j = 0; j < ranked_count; ++j) {
        if (j > 0) recommendations += ';';
        recommendations += pol.catalog()[static_cast<std::size_t>(ranked[j])].id;
      }
      p = csv::write_field(p, recommendations);
    }
    *p++ = ',';
    p = write_number(p, result.users_for_high_scale[i]);
    *p++ = ',';
    p = write_number(p, result.active_days_for_high_scale[i]);
    *p++ = '\n';
    out.resize(static_cast<std::size_t>(p - out.data()));
  }
}

}  // namespace riskscale::cli
