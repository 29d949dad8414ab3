#include "cli/interrupt.hpp"

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <pthread.h>
#include <unistd.h>

namespace riskscale::cli {
namespace {

// Why fixed slots: a signal handler may only touch memory that is never reallocated, and a run
// holds at most a few temporary files (an output and a rejects file).
constexpr std::size_t slot_count = 8;
constexpr std::size_t path_capacity = 4096;
struct slot {
  std::atomic<bool> claimed{false};  // taken by a writer (set before the path is written)
  std::atomic<bool> used{false};     // the path is complete and names a file to remove
  char path[path_capacity];
};
std::array<slot, slot_count> temporary_files;  // process-wide by nature: signals are process-wide

void write_all(const char* text) noexcept {
  std::size_t left = std::strlen(text);
  while (left > 0) {
    const ssize_t written = ::write(STDERR_FILENO, text, left);
    if (written <= 0) return;
    text += written;
    left -= static_cast<std::size_t>(written);
  }
}

extern "C" void on_interrupt(int signal_number) {
  for (slot& s : temporary_files) {
    if (s.used.load(std::memory_order_acquire)) ::unlink(s.path);
  }
  const char* name = signal_number == SIGINT ? "SIGINT" : signal_number == SIGTERM ? "SIGTERM" : "SIGHUP";
  write_all("\nriskscale: interrupted by ");
  write_all(name);
  write_all("; stopped, no output file was written\n");
  ::_exit(128 + signal_number);
}

sigset_t interrupt_signals() noexcept {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  action.sa_mask = interrupt_signals();  // one handler at a time
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal_number, &action, nullptr);
}

bool register_temporary_file(const std::string& path) noexcept {
  if (path.size() >= path_capacity) return false;
  for (slot& s : temporary_files) {
    bool expected = false;
    if (!s.claimed.compare_exchange_strong(expected, true)) continue;
    std::memcpy(s.path, path.c_str(), path.size() + 1);
    s.used.store(true, std::memory_order_release);
    return true;
  }
  return false;
}

void unregister_temporary_file(const std::string& path) noexcept {
  for (slot& s : temporary_files) {
    if (s.used.load(std::memory_order_acquire) && path == s.path) {
      s.used.store(false, std::memory_order_release);
      s.claimed.store(false, std::memory_order_release);
    }
  }
}

interrupt_guard::interrupt_guard() noexcept : saved_() {
  const sigset_t blocked = interrupt_signals();
  ::pthread_sigmask(SIG_BLOCK, &blocked, &saved_);
}

interrupt_guard::~interrupt_guard() { ::pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }

}  // namespace riskscale::cli
