// riskscale CLI: `riskscale calibrate LABELLED.csv --label COL -o FITTED.json` (calibrate.hpp) and
// `riskscale validate CLASSIFIED.csv --outcome COL` (validate.hpp).
#pragma once

#include <cstdint>
#include <string>

#include "csv/csv.hpp"

#include <CLI/CLI.hpp>

namespace riskscale::cli {

/// The options of `riskscale calibrate`.
struct calibrate_command_options {
  std::string input;            ///< labelled accounts CSV, read as classify reads it (SPEC §2 / §9)
  std::string label;            ///< --label: archetype id column
  std::string risk_label;       ///< --risk-label: high/low risk column (with --scale-label, instead of --label)
  std::string scale_label;      ///< --scale-label: high/low scale column
  std::string policy_path;      ///< --policy: the starting policy
  std::string fit;              ///< --fit: comma-separated parameter groups
  std::size_t folds = 5;        ///< --folds
  std::uint64_t seed = 0;       ///< --seed
  double l2 = 1.0;              ///< --l2
  std::string output;           ///< -o: the fitted policy JSON
  std::string format = "text";  ///< --format: text, json or markdown
  std::size_t max_record_bytes = csv::reader::default_max_record_bytes;
};

/// The options of `riskscale validate`.
struct validate_command_options {
  std::string input;    ///< classified CSV (riskscale classify output: archetype, borderline columns)
  std::string outcome;  ///< --outcome: 0/1 column
  double confidence = 0.95;
  std::string format = "text";
  std::size_t max_record_bytes = csv::reader::default_max_record_bytes;
};

/// Adds `calibrate` to `app`.
CLI::App* add_calibrate_command(CLI::App& app, calibrate_command_options& options);
/// Adds `validate` to `app`.
CLI::App* add_validate_command(CLI::App& app, validate_command_options& options);
/// Runs the calibration: writes the fitted policy, prints the report; throws cli_error (exit 2).
int run_calibrate(const calibrate_command_options& options);
/// Runs the validation: prints the rates and intervals; throws cli_error (exit 2).
int run_validate(const validate_command_options& options);

}  // namespace riskscale::cli
