// riskscale: the whole text of a small file a user names (a policy, traits, settings), with
// a message that says why it cannot be read: missing, a directory, not readable.
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "riskscale/error.hpp"

namespace riskscale {

/// The largest option file (policy, traits, settings) read whole.
inline constexpr std::size_t max_text_file_bytes = std::size_t{64} << 20;

/// Reads the file at `path`; throws `error` naming `what`, the path, the cause and `accepted`.
[[nodiscard]] inline std::string read_text_file(const std::string& path, const std::string& what,
                                                const std::string& accepted) {
  std::error_code status_error;
  if (std::filesystem::is_directory(path, status_error)) {
    throw error("cannot read " + what + " '" + path + "': it is a directory; accepted: " + accepted);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int cause = errno;
    throw error("cannot read " + what + " '" + path + "': " + (cause != 0 ? std::strerror(cause) : "cannot open") +
                "; accepted: " + accepted);
  }
  // Why a cap: such files are a few kilobytes, and a path like /dev/zero must not fill the memory.
  std::string text;
  char block[1 << 16];
  while (in.read(block, sizeof block) || in.gcount() > 0) {
    text.append(block, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_text_file_bytes) {
      throw error("cannot read " + what + " '" + path + "': larger than " + std::to_string(max_text_file_bytes >> 20) +
                  " MiB; accepted: " + accepted);
    }
  }
  if (in.bad()) throw error("cannot read " + what + " '" + path + "': read error; accepted: " + accepted);
  return text;
}

}  // namespace riskscale
