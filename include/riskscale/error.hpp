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

/// What a refused row holds as data: why (a `row_status` code such as "below_range"), the
/// value as it was given, and the accepted range (SPEC §2), beside the sentence of `what()`.
struct refusal {
  std::string reason;  ///< the row status code, e.g. "not_a_number", "below_range"
  std::string value;   ///< the value as given (a cell's text, or the number formatted); empty when the cell was empty
  double lower = 0.0;  ///< lowest accepted value
  double upper = 0.0;  ///< highest accepted value
};

/// An account's input was refused (SPEC §2): names the field, and the row and account when known;
/// a refused row of a batch also carries its `refusal` as data, so no front end parses `what()`.
class input_error : public error {
 public:
  input_error(std::string field, std::optional<std::size_t> row, std::string account_id, const std::string& message)
      : error(compose(field, row, account_id, message)),
        field_(std::move(field)),
        row_(row),
        account_id_(std::move(account_id)),
        message_(message) {}
  /// A refused row: `message` is the sentence saying what was wrong and what is accepted.
  input_error(std::string field, std::optional<std::size_t> row, std::string account_id, refusal why,
              const std::string& message)
      : input_error(std::move(field), row, std::move(account_id), message) {
    refusal_ = std::move(why);
  }

  /// The input field (column) that was refused.
  [[nodiscard]] const std::string& field() const noexcept { return field_; }
  /// The 0-based row in the batch, when the error comes from a batch.
  [[nodiscard]] std::optional<std::size_t> row() const noexcept { return row_; }
  /// The account identifier, empty when unknown.
  [[nodiscard]] const std::string& account_id() const noexcept { return account_id_; }
  /// What was wrong and what is accepted, without the account, row and field.
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  /// The reason code, value and accepted range of a refused row; nothing for other input errors.
  [[nodiscard]] const std::optional<refusal>& why() const noexcept { return refusal_; }

 private:
  static std::string compose(const std::string& field, std::optional<std::size_t> row, const std::string& account_id,
                             const std::string& message) {
    std::string where = "invalid input";
    if (!account_id.empty()) where += " for account '" + account_id + "'";
    if (row) where += " at row " + std::to_string(*row);
    return where + ", field '" + field + "': " + message;
  }

  std::string field_;
  std::optional<std::size_t> row_;
  std::string account_id_;
  std::string message_;
  std::optional<refusal> refusal_;
};

}  // namespace riskscale
