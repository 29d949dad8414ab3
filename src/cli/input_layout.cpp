#include "cli/input_layout.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "cli/cli_error.hpp"
#include "cli/mapped_input.hpp"

namespace riskscale::cli {
namespace {

// The names joined by ", "; past 30 names, the rest are counted, so a message stays one readable line.
std::string joined(const std::vector<std::string>& names) {
  constexpr std::size_t listed = 30;
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < listed; ++i) {
    if (i > 0) text += ", ";
    text += names[i];
  }
  if (names.size() > listed) text += " and " + std::to_string(names.size() - listed) + " more";
  return text;
}

// SPEC §9: the columns the policy's inputs read, from the input or the join tables.
input_layout map_mapped_header(input_layout& layout, const policy& pol, const keep_request& keep,
                               const std::vector<join_table>* joins) {
  const std::vector<std::string>& header = layout.header;
  auto mapped = std::make_shared<mapped_layout>(map_sources(header, pol, joins));
  const source_location& id = mapped->sources.front();  // source_columns() puts the account id first
  if (id.join != from_input) {
    throw cli_error("the account id column '" + id.name + "' is in --join " + (*joins)[id.join].path +
                    ", not in the input; accepted: an input with that column (the join matches on it)");
  }
  layout.account_id = id.column;
  const auto keep_column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it != header.end()) {
      const auto column = static_cast<std::size_t>(it - header.begin());
      if (column != layout.account_id) layout.kept.push_back(column);
      return;
    }
    for (std::size_t j = 0; joins != nullptr && j < joins->size(); ++j) {
      const join_table& join = (*joins)[j];
      for (std::size_t k = 0; k < join.header.size(); ++k) {
        if (k != join.key && join.header[k] == name) {
          mapped->kept_join.emplace_back(j, k);
          return;
        }
      }
    }
    throw cli_error("--keep names column '" + name + "', which the input lacks; the file has " + joined(header));
  };
  if (keep.all) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (i != layout.account_id) layout.kept.push_back(i);
    }
    for (std::size_t j = 0; joins != nullptr && j < joins->size(); ++j) {
      for (std::size_t k = 0; k < (*joins)[j].header.size(); ++k) {
        if (k != (*joins)[j].key) mapped->kept_join.emplace_back(j, k);
      }
    }
  } else {
    for (const auto& name : keep.columns) keep_column(name);
  }
  mapped->keep_inputs = keep.inputs;
  if (keep.inputs) {
    // The derived inputs are named after the model inputs; a kept column of the same name would repeat it.
    for (const std::string& field : pol.input_fields()) {
      const bool clash = std::any_of(layout.kept.begin(), layout.kept.end(),
                                     [&](std::size_t column) { return header[column] == field; }) ||
                         std::any_of(mapped->kept_join.begin(), mapped->kept_join.end(), [&](const auto& kept) {
                           return (*joins)[kept.first].header[kept.second] == field;
                         });
      if (clash) {
        throw cli_error("--keep passes column '" + field + "' through and --keep-inputs writes the model input '" +
                        field + "'; accepted: one of them for that name");
      }
    }
  }
  layout.mapped = std::move(mapped);
  return layout;
}

}  // namespace

input_layout map_header(const std::vector<std::string>& header, const policy& pol, const keep_request& keep,
                        const std::vector<join_table>* joins) {
  input_layout layout;
  layout.header = header;
  // One hash lookup per column, so a header of 10^5 columns takes milliseconds, not seconds.
  std::unordered_map<std::string_view, std::size_t> position;
  position.reserve(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto [first, inserted] = position.emplace(header[i], i);
    if (!inserted) {
      throw cli_error("the header names column '" + header[i] + "' twice (columns " +
                      std::to_string(first->second + 1) + " and " + std::to_string(i + 1) +
                      "); accepted: unique column names");
    }
  }
  const auto find = [&](const std::string& name) {
    const auto it = position.find(name);
    return it == position.end() ? no_column : it->second;
  };
  if (!pol.settings().inputs.empty() || (joins != nullptr && !joins->empty()) || keep.inputs) {
    return map_mapped_header(layout, pol, keep, joins);
  }
  std::vector<std::string> required = {"account_id"};
  const std::vector<std::string> fields = pol.input_fields();
  for (const auto& field : fields) {
    if (field != "seats") required.push_back(field);
  }
  std::vector<std::string> missing;
  for (const auto& name : required) {
    if (find(name) == no_column) missing.push_back(name);
  }
  if (!missing.empty()) {
    throw cli_error("missing required column" + std::string(missing.size() > 1 ? "s " : " ") + joined(missing) +
                    "; the policy needs " + joined(required) + " (seats optional); the file has " + joined(header));
  }
  layout.account_id = find("account_id");
  for (const auto& field : fields) layout.fields.push_back(find(field));
  if (keep.all) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (i != layout.account_id) layout.kept.push_back(i);  // account_id is already the first SPEC §8 column
    }
  } else {
    for (const auto& name : keep.columns) {
      const std::size_t column = find(name);
      if (column == no_column) {
        throw cli_error("--keep names column '" + name + "', which the input lacks; the file has " + joined(header));
      }
      if (column != layout.account_id) layout.kept.push_back(column);
    }
  }
  return layout;
}

}  // namespace riskscale::cli
