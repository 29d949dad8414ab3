// riskscale: a section of the policy (its content or plan tables) held by value without its header.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "riskscale/catalog.hpp"

namespace riskscale {

/// A policy section of type `T` (e.g. `plan_settings`), held by value but defined in its own header.
///
/// The policy carries the section without including `T`'s header, so code that only classifies
/// never compiles the tables; code that reads or edits a section includes `T`'s header and uses
/// `*section` or `section->member`. An untouched section is `T{}`, the defaults, and costs no
/// allocation. Copies share one block until one of them is edited (copy on write), so copying a
/// `policy_settings` stays cheap. `T`'s header provides `validate_section(const T&, catalogue)`,
/// which the policy calls on an edited section when it is built.
template <typename T>
class policy_section {
 public:
  /// The defaults, `T{}`.
  policy_section() noexcept = default;
  /// Holds `value` (implicit, so `settings.plans = tables;` reads as an assignment).
  policy_section(T value)  // NOLINT(google-explicit-constructor)
      : block_(std::make_shared<T>(std::move(value))), ops_(bound_ops()) {}

  /// The section's tables.
  [[nodiscard]] const T& operator*() const { return block_ ? *block_ : defaults(); }
  /// A member of the section's tables.
  [[nodiscard]] const T* operator->() const { return &**this; }
  /// The section's tables, to edit; copies made before keep the old tables.
  [[nodiscard]] T& operator*() {
    detach();
    return *block_;
  }
  /// A member of the section's tables, to edit; copies made before keep the old tables.
  [[nodiscard]] T* operator->() { return &**this; }

  /// True when the section has never been set or edited: it is `T{}` and needs no validation.
  [[nodiscard]] bool untouched() const noexcept { return block_ == nullptr; }

  /// Throws `policy_error` (with the section's JSON path) when the tables do not fit `catalog`.
  void validate(const std::vector<training_format>& catalog) const {
    if (block_) ops_->validate(*block_, catalog);
  }

  /// Equal tables; an untouched section equals one that holds `T{}`.
  friend bool operator==(const policy_section& a, const policy_section& b) {
    if (a.block_ == b.block_) return true;
    const ops* o = a.ops_ != nullptr ? a.ops_ : b.ops_;
    const T* tables_a = a.block_ ? a.block_.get() : &o->defaults();
    const T* tables_b = b.block_ ? b.block_.get() : &o->defaults();
    return o->equal(*tables_a, *tables_b);
  }
  friend bool operator!=(const policy_section& a, const policy_section& b) { return !(a == b); }

 private:
  // What the section does with `T`, bound where `T` is complete (wherever a block is made), so
  // that comparing and validating work in code that sees `T` only as a declaration.
  struct ops {
    bool (*equal)(const T&, const T&);
    void (*validate)(const T&, const std::vector<training_format>&);
    const T& (*defaults)();
  };

  static const T& defaults() {
    static const T tables{};
    return tables;
  }
  static bool equal_tables(const T& a, const T& b) { return a == b; }
  static void validate_tables(const T& tables, const std::vector<training_format>& catalog) {
    validate_section(tables, catalog);  // found by argument-dependent lookup in T's header
  }
  // A function, not a static member, so that `T` need only be complete where a block is made.
  static const ops* bound_ops() {
    static constexpr ops bound{&equal_tables, &validate_tables, &defaults};
    return &bound;
  }

  void detach() {
    if (!block_) {
      block_ = std::make_shared<T>();
    } else if (block_.use_count() > 1) {
      block_ = std::make_shared<T>(*block_);
    }
    ops_ = bound_ops();
  }

  std::shared_ptr<T> block_;  // null: T{}
  const ops* ops_ = nullptr;  // set with block_
};

}  // namespace riskscale
