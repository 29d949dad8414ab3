// Prints what metrics/schema.hpp declares, for the command-line tests to compare the CLI's tables with:
//   riskscale_metric_columns METRIC LEVEL [--has A,B] [--stages A,B] [--by NAME] [--users] [--row-identity]
//     the level's output column names for that input, comma separated (metrics::output_names);
//   riskscale_metric_columns --accepted METRIC COLUMN
//     the accepted sentence of a declared input column.
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "riskscale/metrics.hpp"

namespace {

namespace m = riskscale::metrics;

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, ',');) parts.push_back(part);
  return parts;
}

int usage() {
  std::cerr << "usage: riskscale_metric_columns METRIC LEVEL [--has A,B] [--stages A,B] [--by NAME] [--users] "
               "[--row-identity] | --accepted METRIC COLUMN\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 3 && !(args.size() == 2 && args[0] != "--accepted")) return usage();
  if (args[0] == "--accepted") {
    const m::metric_table_schema* table = m::find_metric_table(args[1]);
    const m::metric_input* column = table != nullptr ? table->input(args[2]) : nullptr;
    if (column == nullptr) return usage();
    std::cout << column->accepted << "\n";
    return 0;
  }
  const m::metric_table_schema* table = m::find_metric_table(args[0]);
  const m::metric_level* level = table != nullptr ? table->level(args[1]) : nullptr;
  if (level == nullptr) return usage();
  std::vector<std::string> present;
  m::output_choice choice;
  for (std::size_t i = 2; i < args.size(); ++i) {
    const bool valued = i + 1 < args.size();
    if (args[i] == "--has" && valued) {
      present = split(args[++i]);
    } else if (args[i] == "--stages" && valued) {
      choice.stages = split(args[++i]);
    } else if (args[i] == "--by" && valued) {
      choice.by = args[++i];
    } else if (args[i] == "--users") {
      choice.with_users = true;
    } else if (args[i] == "--row-identity") {
      choice.row_identity = true;
    } else {
      return usage();
    }
  }
  choice.input_has = [&present](std::string_view name) {
    for (const std::string& p : present) {
      if (p == name) return true;
    }
    return false;
  };
  const std::vector<std::string> names = m::output_names(*level, choice);
  for (std::size_t i = 0; i < names.size(); ++i) std::cout << (i > 0 ? "," : "") << names[i];
  std::cout << "\n";
  return 0;
}
