// riskscale CLI: `riskscale drift OLD.csv NEW.csv`, SPEC §11 drift between two snapshots (drift.hpp),
// and `riskscale explain OLD.csv --id X --against NEW.csv`, one account's move in words.
#pragma once

#include <string>

#include "cli/mapped_input.hpp"
#include "csv/csv.hpp"

#include <CLI/CLI.hpp>

namespace riskscale::cli {

/// The options of `riskscale drift`.
struct drift_command_options {
  std::string old_input;        ///< the old snapshot CSV
  std::string new_input;        ///< the new snapshot CSV; empty: the old one again (what-if with --old-policy)
  std::string output;           ///< -o: per-account drift CSV (- for stdout)
  std::string policy_path;      ///< --policy: the policy (of the new snapshot)
  std::string old_policy_path;  ///< --old-policy: the old snapshot's policy (what-if); empty: --policy
  std::string alerts;           ///< --alerts: alert rows CSV
  std::string watch;            ///< --watch: watch-list CSV
  std::string matrix;           ///< --matrix: transition matrix CSV
  std::string rejects;          ///< --rejects: invalid rows of both snapshots (default OUT.rejects.csv)
  unsigned threads = 0;         ///< --threads: workers, 0 = all cores
  join_options joins;           ///< --join tables, for both snapshots (SPEC §9 sources)
  std::size_t max_record_bytes = csv::reader::default_max_record_bytes;  ///< --max-record-bytes
};

/// Adds `drift` to `app`, filling `options` when it is parsed.
CLI::App* add_drift_command(CLI::App& app, drift_command_options& options);

/// Runs the drift; returns 0, or 1 when rows of either snapshot were invalid (they are in the
/// rejects file and count as `invalid`); throws cli_error (exit 2) on a duplicated account id,
/// a bad file, header or policy.
int run_drift(const drift_command_options& options);

/// `riskscale explain OLD --id X --against NEW`: prints account `id`'s drift with every cause.
int run_explain_drift(const std::string& old_input, const std::string& new_input, const std::string& account_id,
                      const std::string& policy_path, const std::string& old_policy_path, const join_options& joins);

}  // namespace riskscale::cli
