#include "cli/input_layout.hpp"

#include <algorithm>

#include "cli/cli_error.hpp"

namespace riskscale::cli {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

input_layout map_header(const std::vector<std::string>& header, const policy& pol, const keep_request& keep) {
  input_layout layout;
  layout.header = header;
  for (std::size_t i = 0; i < header.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (header[i] == header[j]) {
        throw cli_error("the header names column '" + header[i] + "' twice (columns " + std::to_string(j + 1) +
                        " and " + std::to_string(i + 1) + "); accepted: unique column names");
      }
    }
  }
  const auto find = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? no_column : static_cast<std::size_t>(it - header.begin());
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
