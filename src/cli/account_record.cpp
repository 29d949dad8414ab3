#include "cli/account_record.hpp"

#include <limits>
#include <vector>

#include "cli/cli_error.hpp"
#include "cli/mapped_input.hpp"
#include "csv/csv.hpp"
#include "riskscale/format_number.hpp"
#include "riskscale/input_schema.hpp"

namespace riskscale::cli {

std::optional<riskscale::account> account_from_record(const chunk& c, std::size_t r, const input_layout& layout,
                                                      const riskscale::policy& pol, record_problem& problem) {
  if (c.oversized[r]) {
    problem = {"", "record_too_large", c.errors[r] + "; accepted: records up to --max-record-bytes"};
    return std::nullopt;
  }
  if (!c.errors[r].empty()) {
    problem = {"", "malformed_csv", c.errors[r] + "; accepted: RFC 4180 CSV"};
    return std::nullopt;
  }
  if (c.field_count(r) != layout.header.size()) {
    problem = {"", "wrong_field_count",
               "expected " + std::to_string(layout.header.size()) + " fields as in the header, found " +
                   std::to_string(c.field_count(r))};
    return std::nullopt;
  }
  if (layout.mapped) {  // SPEC §9: the record through the policy's inputs
    mapped_chunk one;
    one.fill(c, {r}, layout.account_id, *layout.mapped);
    const riskscale::mapped_inputs mapped = riskscale::map_inputs(one.table, pol, {1, 0});
    if (mapped.status[0] != riskscale::row_status::ok) {
      const auto field = static_cast<std::size_t>(mapped.invalid_field[0]);
      problem = {mapped.fields[field], std::string(riskscale::to_string(mapped.status[0])),
                 riskscale::input_plan(pol, one.table).failure(0, field).message};
      return std::nullopt;
    }
    riskscale::account account = riskscale::map_account(one.table, 0, pol);
    account.account_id = std::string(c.field(r, layout.account_id));
    return account;
  }
  riskscale::account account;
  account.account_id = std::string(c.field(r, layout.account_id));
  const std::vector<riskscale::input_descriptor> schema = riskscale::input_schema(pol);
  for (std::size_t f = 0; f < schema.size(); ++f) {
    if (layout.fields[f] == no_column) continue;  // seats absent from the file: it is optional
    const std::string_view text = c.field(r, layout.fields[f]);
    const riskscale::cell_reading reading = riskscale::read_input_cell(schema[f], text);
    if (reading.status == riskscale::row_status::missing_value || reading.text_not_a_number) {
      problem = {schema[f].name, std::string(riskscale::to_string(reading.status)),
                 riskscale::describe_refusal(schema[f], reading.value, reading.status, text)};
      return std::nullopt;
    }
    // An empty seats cell leaves seats absent; any other number (valid or not) is the model's to check.
    if (!(reading.status == riskscale::row_status::ok && std::isnan(reading.value))) {
      account.set_field(schema[f].name, reading.value);
    }
  }
  return account;
}

std::vector<riskscale::input_origin> input_origins(const chunk& c, std::size_t r, const input_layout& layout,
                                                   const riskscale::policy& pol) {
  if (!layout.mapped) return {};
  mapped_chunk one;
  one.fill(c, {r}, layout.account_id, *layout.mapped);
  const riskscale::input_plan plan(pol, one.table);
  std::vector<riskscale::input_origin> origins;
  for (std::size_t f = 0; f < plan.fields().size(); ++f) origins.push_back(plan.origin(0, f));
  return origins;
}

void find_account_record(chunk_reader& reader, const input_layout& layout, std::string_view account_id,
                         const std::string& source, chunk& c, std::size_t& r) {
  while (reader.fill(c)) {
    for (r = 0; r < c.size(); ++r) {
      if (c.field_count(r) == layout.header.size() && c.field(r, layout.account_id) == account_id) return;
    }
  }
  throw cli_error("no account with account_id '" + std::string(account_id) + "' in " + source +
                  "; accepted: an account_id of a well-formed row");
}

}  // namespace riskscale::cli
