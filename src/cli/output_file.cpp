#include "cli/output_file.hpp"

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli_error.hpp"
#include "cli/interrupt.hpp"

namespace riskscale::cli {
namespace {

std::string folder_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The file a path finally names: symlinks followed one by one (relative links against their own
// folder), the last one possibly not existing yet.
std::string follow_symlinks(const std::string& path) {
  std::string current = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat status {};
    if (::lstat(current.c_str(), &status) != 0 || !S_ISLNK(status.st_mode)) return current;
    std::vector<char> link(PATH_MAX + 1);
    const ssize_t length = ::readlink(current.c_str(), link.data(), PATH_MAX);
    if (length < 0) return current;
    const std::string target(link.data(), static_cast<std::size_t>(length));
    current = !target.empty() && target.front() == '/' ? target : folder_of(current) + "/" + target;
  }
  throw cli_error("cannot write " + path + ": too many levels of symbolic links; accepted: a file path");
}

[[noreturn]] void cannot_write(const std::string& path, int error_number) {
  throw cli_error("cannot write " + path + ": " + std::strerror(error_number) +
                  "; accepted: a path in an existing, writable folder, or - for stdout");
}

std::string temporary_name(const std::string& target) {
  static unsigned counter = 0;  // distinct names for the output and the rejects of one process
  return target + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

}  // namespace

bool output_file::is_stream(const std::string& path) {
  if (path == "-") return true;
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0 && !S_ISREG(status.st_mode) && !S_ISDIR(status.st_mode);
}

output_file::output_file(std::string path) : path_(std::move(path)) {
  if (path_ == "-") {
    file_ = stdout;
    return;
  }
  target_ = follow_symlinks(path_);
  struct stat status {};
  const bool exists = ::stat(target_.c_str(), &status) == 0;
  if (exists && S_ISDIR(status.st_mode)) {
    throw cli_error("cannot write " + path_ + ": it is a directory; accepted: a file path, or - for stdout");
  }
  if (exists && !S_ISREG(status.st_mode)) {
    // A device, FIFO or socket: written in place, never replaced (replacing /dev/null breaks the machine).
    kind_ = kind::in_place;
    descriptor_ = ::open(target_.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (descriptor_ < 0) cannot_write(path_, errno);
  } else {
    kind_ = kind::unnamed_temporary;
    descriptor_ = ::open(folder_of(target_).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (descriptor_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
      // This file system has no unnamed files: a named one, removed on every way out but SIGKILL.
      kind_ = kind::named_temporary;
      temporary_path_ = temporary_name(target_);
      descriptor_ = ::open(temporary_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (descriptor_ >= 0 && !register_temporary_file(temporary_path_)) {
        ::close(descriptor_);
        ::unlink(temporary_path_.c_str());
        throw cli_error("cannot write " + path_ + ": too many temporary files open at once");
      }
    }
    if (descriptor_ < 0) cannot_write(path_, errno);
    if (exists) (void)::fchmod(descriptor_, status.st_mode & 07777);  // the replaced file keeps its mode
  }
  file_ = ::fdopen(descriptor_, "wb");
  if (file_ == nullptr) {
    const int error_number = errno;
    ::close(descriptor_);
    if (kind_ == kind::named_temporary) {
      ::unlink(temporary_path_.c_str());
      unregister_temporary_file(temporary_path_);
    }
    cannot_write(path_, error_number);
  }
  std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
}

output_file::~output_file() {
  if (file_ != nullptr && file_ != stdout) std::fclose(file_);
  if (!committed_ && kind_ == kind::named_temporary) {
    ::unlink(temporary_path_.c_str());
    unregister_temporary_file(temporary_path_);
  }
}

void output_file::write(std::string_view text) {
  if (text.empty()) return;
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    if (errno == EPIPE) throw broken_pipe();
    throw cli_error("cannot write " + (file_ == stdout ? std::string("to stdout") : path_) + ": " +
                    std::strerror(errno));
  }
}

void output_file::commit() {
  if (kind_ == kind::standard_output) {
    if (std::fflush(stdout) != 0) {
      if (errno == EPIPE) throw broken_pipe();
      throw cli_error("cannot write to stdout: " + std::string(std::strerror(errno)));
    }
    committed_ = true;
    return;
  }
  const bool written = std::fflush(file_) == 0 && std::ferror(file_) == 0;
  int error_number = errno;
  // Keep the descriptor open until the file is linked: an unnamed file vanishes when it closes.
  if (!written) {
    if (error_number == EPIPE) throw broken_pipe();
    cannot_write(path_, error_number);
  }
  if (kind_ == kind::unnamed_temporary) {
    const std::string handle = "/proc/self/fd/" + std::to_string(descriptor_);
    interrupt_guard whole;  // link and rename run whole, so no name is left behind
    if (::linkat(AT_FDCWD, handle.c_str(), AT_FDCWD, target_.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      if (errno != EEXIST) {
        error_number = errno;
        throw cli_error("cannot move the finished output to " + path_ + ": " + std::strerror(error_number));
      }
      // The target exists: link beside it, then rename over it (atomic for its readers).
      const std::string beside = temporary_name(target_);
      if (::linkat(AT_FDCWD, handle.c_str(), AT_FDCWD, beside.c_str(), AT_SYMLINK_FOLLOW) != 0 ||
          ::rename(beside.c_str(), target_.c_str()) != 0) {
        error_number = errno;
        ::unlink(beside.c_str());
        throw cli_error("cannot move the finished output to " + path_ + ": " + std::strerror(error_number));
      }
    }
  } else if (kind_ == kind::named_temporary) {
    interrupt_guard whole;
    if (std::rename(temporary_path_.c_str(), target_.c_str()) != 0) {
      error_number = errno;
      throw cli_error("cannot move the finished output to " + path_ + ": " + std::strerror(error_number));
    }
    unregister_temporary_file(temporary_path_);
  }
  committed_ = true;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!closed && kind_ == kind::in_place) cannot_write(path_, errno);
}

bool same_destination(const std::string& a, const std::string& b) {
  if (a == "-" || b == "-") return a == b;
  std::error_code error;
  const auto canonical_a = std::filesystem::weakly_canonical(std::filesystem::absolute(a, error), error);
  if (error) return a == b;
  const auto canonical_b = std::filesystem::weakly_canonical(std::filesystem::absolute(b, error), error);
  return error ? a == b : canonical_a == canonical_b;
}

rejects_destination default_rejects(const std::string& output) {
  if (output_file::is_stream(output)) return {"riskscale.rejects.csv", true};
  const std::string extension = ".csv";
  if (output.size() > extension.size() &&
      output.compare(output.size() - extension.size(), extension.size(), extension) == 0) {
    return {output.substr(0, output.size() - extension.size()) + ".rejects.csv", false};
  }
  return {output + ".rejects.csv", false};
}

void refuse_clobbering(const std::vector<std::pair<std::string, std::string>>& inputs,
                       const std::vector<std::pair<std::string, std::string>>& outputs) {
  struct named_file {
    std::string role, path;
    dev_t device;
    ino_t inode;
  };
  const auto identify = [](const std::pair<std::string, std::string>& named, std::vector<named_file>& into) {
    if (named.second.empty() || named.second == "-") return;
    struct stat status {};
    if (::stat(named.second.c_str(), &status) == 0) {
      into.push_back(named_file{named.first, named.second, status.st_dev, status.st_ino});
    }
  };
  std::vector<named_file> read, written;
  for (const auto& named : inputs) identify(named, read);
  for (const auto& named : outputs) identify(named, written);
  for (std::size_t o = 0; o < written.size(); ++o) {
    const auto same = [&](const named_file& other) {
      return other.device == written[o].device && other.inode == written[o].inode;
    };
    for (const named_file& input : read) {
      if (same(input)) {
        throw cli_error(written[o].role + " " + written[o].path + " is the same file as the " + input.role + " " +
                        input.path + "; nothing was written; accepted: an output path that is no input");
      }
    }
    for (std::size_t other = 0; other < o; ++other) {
      // Two outputs on one stream (both /dev/null, say) are harmless; on one regular file they clobber.
      if (same(written[other]) && !output_file::is_stream(written[o].path)) {
        throw cli_error(written[o].role + " " + written[o].path + " is the same file as the " + written[other].role +
                        " " + written[other].path + "; accepted: a different path");
      }
    }
  }
}

}  // namespace riskscale::cli
