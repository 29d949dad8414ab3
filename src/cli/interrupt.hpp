// riskscale CLI: what SIGINT, SIGTERM and SIGHUP do mid-run: remove the named temporary files still
// open, say in one line that the run was interrupted, and exit 130, 143 or 129.
#pragma once

#include <csignal>
#include <string>

namespace riskscale::cli {

/// Installs the handlers for SIGINT, SIGTERM and SIGHUP (once, at the start of main).
void install_interrupt_handlers();

/// Names a temporary file the handlers remove if a signal ends the run; false when every slot is
/// taken (the caller then keeps the file unnamed or accepts the risk).
[[nodiscard]] bool register_temporary_file(const std::string& path) noexcept;

/// Forgets a temporary file registered before (it was renamed into place or removed).
void unregister_temporary_file(const std::string& path) noexcept;

/// Blocks the three signals while alive, so a short critical step (link, then rename) runs whole.
class interrupt_guard {
 public:
  interrupt_guard() noexcept;
  interrupt_guard(const interrupt_guard&) = delete;
  interrupt_guard& operator=(const interrupt_guard&) = delete;
  ~interrupt_guard();

 private:
  sigset_t saved_;  // the caller's signal mask, restored on destruction
};

}  // namespace riskscale::cli
