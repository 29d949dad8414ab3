// riskscale: the exceptions every front end turns into its own error (ValueError, exit code...).
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace riskscale {

/// Base of every riskscale exception; `what()` is a complete, user-facing sentence.
class error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A policy value or file was refused; `json_path()` names the offending key (e.g. `$.catalog[2].id`).
class policy_error : public error {
 public:
  policy_error(std::string json_path, std::string message)
      : error("invalid policy at " + json_path + ": " + message),
        json_path_(std::move(json_path)),
        message_(std::move(message)) {}

  /// The JSON path of the refused key, `$` for the document itself.
  [[nodiscard]] const std::string& json_path() const noexcept { return json_path_; }
  /// What was wrong and what is accepted, without the path.
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  std::string json_path_;
  std::string message_;
};

/// An account's input was refused (SPEC §2): names the field, and the row and account when known.
class input_error : public error {
 public:
  input_error(std::string field, std::optional<std::size_t> row, std::string account_id,
              const std::string& message)
      : error(compose(field, row, account_id, message)),
        field_(std::move(field)),
        row_(row),
        account_id_(std::move(account_id)) {}

  /// The input field (column) that was refused.
  [[nodiscard]] const std::string& field() const noexcept { return field_; }
  /// The 0-based row in the batch, when the error comes from a batch.
  [[nodiscard]] std::optional<std::size_t> row() const noexcept { return row_; }
  /// The account identifier, empty when unknown.
  [[nodiscard]] const std::string& account_id() const noexcept { return account_id_; }

 private:
  static std::string compose(const std::string& field, std::optional<std::size_t> row,
                             const std::string& account_id, const std::string& message) {
    std::string where = "invalid input";
    if (!account_id.empty()) where += " for account '" + account_id + "'";
    if (row) where += " at row " + std::to_string(*row);
    return where + ", field '" + field + "': " + message;
  }

  std::string field_;
  std::optional<std::size_t> row_;
  std::string account_id_;
};

}  // namespace riskscale
