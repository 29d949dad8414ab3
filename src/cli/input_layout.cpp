#include "cli/input_layout.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "cli/cli_error.hpp"

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

}  // namespace

input_layout map_header(const std::vector<std::string>& header, const policy& pol, const keep_request& keep) {
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
