// riskscale internals: the one JSON reader behind every JSON document the project reads (policies,
// product traits, cost settings, and every later file). It refuses what nlohmann's own parser lets
// through or reports without a location: nesting deeper than `json_max_depth` (which would exhaust
// the stack of recursive consumers), duplicate keys (nlohmann keeps the last silently), numbers a
// double cannot hold, and NaN/Infinity literals, each with the JSON path where it happened.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "riskscale/error.hpp"

namespace riskscale {

/// The deepest nesting of objects and arrays accepted in any JSON document the project reads
/// (a policy needs at most 6 levels: `inputs.x.max[0].map`).
inline constexpr std::size_t json_max_depth = 64;

namespace detail {

/// A JSON document that could not be read: `json_path()` says where (`$` for the document itself).
/// `problem` says what is wrong; `accepted` what is accepted there, empty for a syntax error (where
/// the caller names the document it expects).
class json_document_error : public error {
 public:
  json_document_error(std::string json_path, std::string problem, std::string accepted = {})
      : error(json_path + ": " + problem + (accepted.empty() ? "" : "; accepted: " + accepted)),
        json_path_(std::move(json_path)),
        problem_(std::move(problem)),
        accepted_(std::move(accepted)) {}
  [[nodiscard]] const std::string& json_path() const noexcept { return json_path_; }
  /// The problem and what is accepted, `fallback_accepted` when the error itself names nothing.
  [[nodiscard]] std::string message(const std::string& fallback_accepted) const {
    return problem_ + "; accepted: " + (accepted_.empty() ? fallback_accepted : accepted_);
  }

 private:
  std::string json_path_;
  std::string problem_;
  std::string accepted_;
};

/// True for a name of letters, digits and `_` that does not start with a digit.
inline bool is_identifier(std::string_view name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

/// `parent.key` for a plain key, `parent["key"]` (JSON-escaped) otherwise, so control characters
/// (even NUL) and spaces in a key cannot garble or cut a message.
inline std::string json_member_path(const std::string& parent, const std::string& key) {
  if (is_identifier(key)) return parent + "." + key;
  return parent + "[" + nlohmann::json(key).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace) + "]";
}

// Builds the DOM as nlohmann's own SAX DOM parser does, while keeping the JSON path of the value
// being read, the keys seen in each open object, and the depth.
template <typename Json>
class checked_dom_builder : public nlohmann::json_sax<Json> {
 public:
  using number_integer_t = typename Json::number_integer_t;
  using number_unsigned_t = typename Json::number_unsigned_t;
  using number_float_t = typename Json::number_float_t;
  using string_t = typename Json::string_t;
  using binary_t = typename Json::binary_t;

  checked_dom_builder(Json& root, std::string_view text) : root_(root), text_(text) {}

  bool null() override { return add(Json(nullptr)); }
  bool boolean(bool value) override { return add(Json(value)); }
  bool number_integer(number_integer_t value) override { return add(Json(value)); }
  bool number_unsigned(number_unsigned_t value) override { return add(Json(value)); }
  bool number_float(number_float_t value, const string_t& /*text*/) override { return add(Json(value)); }
  bool string(string_t& value) override { return add(Json(std::move(value))); }
  bool binary(binary_t& value) override { return add(Json(std::move(value))); }

  bool start_object(std::size_t /*elements*/) override { return open(Json::object()); }
  bool key(string_t& key) override {
    frame& top = frames_.back();
    if (!top.keys.insert(key).second) {
      throw json_document_error(json_member_path(top.path, key), "duplicate key", "each key once per object");
    }
    top.pending_key = key;
    top.value_pending = true;
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t /*elements*/) override { return open(Json::array()); }
  bool end_array() override { return close(); }

  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& failure) override {
    auto [problem, accepted] = describe(position, last_token, failure);
    throw json_document_error(current_path(), std::move(problem), std::move(accepted));
  }

 private:
  struct frame {
    Json* value;
    std::string path;
    std::string pending_key;     // the key whose value is read next (objects)
    bool value_pending = false;  // a key was read and its value not yet
    std::size_t next_index = 0;  // the index of the next element (arrays)
    std::unordered_set<std::string> keys;
  };

  // The path of the value about to be read.
  [[nodiscard]] std::string current_path() const {
    if (frames_.empty()) return "$";
    const frame& top = frames_.back();
    if (top.value->is_array()) return top.path + "[" + std::to_string(top.next_index) + "]";
    return top.value_pending ? json_member_path(top.path, top.pending_key) : top.path;
  }

  // Places `value` where the document expects it; returns the placed value.
  Json* place(Json&& value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    frame& top = frames_.back();
    if (top.value->is_array()) {
      ++top.next_index;
      top.value->push_back(std::move(value));
      return &top.value->back();
    }
    Json& slot = (*top.value)[top.pending_key];
    slot = std::move(value);
    top.value_pending = false;
    return &slot;
  }

  bool add(Json&& value) {
    place(std::move(value));
    return true;
  }

  bool open(Json&& container) {
    std::string path = current_path();
    if (frames_.size() >= json_max_depth) {
      throw json_document_error(path, "nested deeper than " + std::to_string(json_max_depth) + " levels",
                                "at most " + std::to_string(json_max_depth) + " levels of objects and arrays");
    }
    Json* placed = place(std::move(container));
    frames_.push_back(frame{placed, std::move(path), {}, false, 0, {}});
    return true;
  }

  bool close() {
    frames_.pop_back();
    return true;
  }

  // A parse failure in words: where (line and column) and what, without nlohmann's prefix.
  [[nodiscard]] std::pair<std::string, std::string> describe(std::size_t position, const std::string& last_token,
                                                             const nlohmann::detail::exception& failure) const {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < position && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    const std::string where = "not valid JSON at line " + std::to_string(line) + ", column " + std::to_string(column);
    if (failure.id == 406) {
      return {where + ": the number " + last_token + " is outside the range of a double (magnitude up to 1.8e308)",
              "a finite number"};
    }
    // The word the parser stopped in (NaN, Infinity, nan...), read from the text itself.
    std::size_t word_end = std::min(position, text_.size());
    std::size_t word_begin = word_end;
    const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    while (word_end < text_.size() && letter(text_[word_end])) ++word_end;
    while (word_begin > 0 && letter(text_[word_begin - 1])) --word_begin;
    const std::string_view word = text_.substr(word_begin, word_end - word_begin);
    if (!word.empty() &&
        (word.front() == 'N' || word.front() == 'I' || word.front() == 'i' || word.rfind("na", 0) == 0)) {
      return {where + ": " + std::string(word) + " is not a JSON value (JSON has no NaN or Infinity)",
              "a finite number"};
    }
    std::string reason = failure.what();
    const std::size_t colon = reason.find(": ", reason.find("column"));
    if (colon != std::string::npos) reason = reason.substr(colon + 2);
    if (text_.find_first_not_of(" \t\r\n") == std::string_view::npos) reason = "the document is empty";
    return {where + ": " + reason, ""};
  }

  Json& root_;
  std::string_view text_;
  std::vector<frame> frames_;
};

/// Parses `text` into a `Json` (nlohmann::json or nlohmann::ordered_json); throws
/// `json_document_error` naming the JSON path for a syntax error, a nesting deeper than
/// `json_max_depth`, a duplicate key or a number out of double range.
template <typename Json>
[[nodiscard]] Json parse_json_document(std::string_view text) {
  Json root;
  checked_dom_builder<Json> builder(root, text);
  Json::sax_parse(text.begin(), text.end(), &builder);
  return root;
}

}  // namespace detail
}  // namespace riskscale
