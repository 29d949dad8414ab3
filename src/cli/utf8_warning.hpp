// riskscale CLI: JSON output of text that is not valid UTF-8. The JSON writers replace such bytes with
// U+FFFD (JSON must be UTF-8); this says so once per run on stderr, naming the account and column.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "riskscale/utf8.hpp"

namespace riskscale::cli {

/// Checks the text cells that go into one JSON output; warns about the first invalid one only.
class utf8_warning {
 public:
  /// Checks `text`, the `column` of `where` (e.g. "account 'ACC-1'" or "input.csv line 5").
  void check(std::string_view text, std::string_view column, const std::string& where) {
    if (said_) return;
    const auto invalid = first_invalid_utf8(text);
    if (!invalid) return;
    said_ = true;
    const std::string message = "riskscale: warning: " + where + ", column " + std::string(column) + ": '" +
                                escaped_for_message(text) + "' is not valid UTF-8 (byte " +
                                std::to_string(*invalid + 1) +
                                "); the JSON output writes U+FFFD in place of each invalid byte\n";
    std::fputs(message.c_str(), stderr);
  }

 private:
  bool said_ = false;
};

}  // namespace riskscale::cli
