#include "cli/output_file.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "cli/cli_error.hpp"

namespace riskscale::cli {

output_file::output_file(std::string path) : path_(std::move(path)) {
  if (path_ == "-") {
    file_ = stdout;
    return;
  }
  temporary_path_ = path_ + ".tmp-" + std::to_string(::getpid());
  file_ = std::fopen(temporary_path_.c_str(), "wb");
  if (file_ == nullptr) {
    throw cli_error("cannot write " + path_ + ": " + std::strerror(errno) +
                    "; accepted: a path in an existing, writable folder, or - for stdout");
  }
  std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
}

output_file::~output_file() {
  if (file_ != nullptr && file_ != stdout) std::fclose(file_);
  if (!committed_ && !temporary_path_.empty()) std::remove(temporary_path_.c_str());
}

void output_file::write(std::string_view text) {
  if (text.empty()) return;
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    throw cli_error("cannot write " + path_ + ": " + std::strerror(errno));
  }
}

void output_file::commit() {
  if (file_ == stdout) {
    if (std::fflush(stdout) != 0) throw cli_error("cannot write to stdout: " + std::string(std::strerror(errno)));
    committed_ = true;
    return;
  }
  const bool written = std::fflush(file_) == 0 && std::ferror(file_) == 0;
  const int error_number = errno;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!written || !closed) throw cli_error("cannot write " + path_ + ": " + std::strerror(error_number));
  if (std::rename(temporary_path_.c_str(), path_.c_str()) != 0) {
    throw cli_error("cannot move the finished output to " + path_ + ": " + std::strerror(errno));
  }
  committed_ = true;
}

}  // namespace riskscale::cli
