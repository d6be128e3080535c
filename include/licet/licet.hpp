// File: licet/licet.hpp
// The C++ face of the Licet application SDK: RAII handles and StatusOr results over the C API
// (licet.h), header-only, so the ABI stays the C one.
//
//   auto inst = licet::sdk::Installation::Open({.catalog = "acme-studio-5"});
//   if (!inst.ok()) { std::cerr << inst.error().message << "\n"; return 1; }
//   licet::sdk::StatusOr<licet::sdk::State> st = inst->Check();
//   if (st->coarse() == LICET_COARSE_GRACE) std::cout << st->minutes_left() << " minutes left\n";
//   if (inst->CheckFeature("export-pdf").ok()) { ... }
//
// Thread-safe: one Installation may be checked from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "licet/licet.h"

namespace licet::sdk {

/// A failure: the HRESULT-style code and the message (what happened and the command that fixes it).
struct Error {
  licet_code code = LICET_OK;
  std::string message;
  [[nodiscard]] std::string symbol() const { return licet_code_symbol(code); }
};

/// Success or an Error.
class Status {
 public:
  Status() = default;
  explicit Status(Error e) : error_(std::move(e)) {}
  [[nodiscard]] bool ok() const { return error_.code == LICET_OK; }
  [[nodiscard]] licet_code code() const { return error_.code; }
  [[nodiscard]] const Error& error() const { return error_; }

 private:
  Error error_;
};

/// A value or an Error.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}      // NOLINT: implicit, as absl::StatusOr
  StatusOr(Error error) : v_(std::move(error)) {}  // NOLINT
  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(v_); }
  [[nodiscard]] const Error& error() const { return std::get<Error>(v_); }
  [[nodiscard]] Status status() const { return ok() ? Status() : Status(error()); }
  [[nodiscard]] T& value() { return std::get<T>(v_); }
  [[nodiscard]] const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

/// The last error on this thread, as the C API recorded it.
inline Error LastError() { return Error{licet_last_error_code(), licet_last_error_message()}; }

/// One check's result (licet_state with accessors).
class State {
 public:
  State() { raw_.struct_size = sizeof raw_; }
  [[nodiscard]] licet_license_status status() const {
    return static_cast<licet_license_status>(raw_.status);
  }
  [[nodiscard]] std::string_view status_name() const { return licet_status_name(raw_.status); }
  [[nodiscard]] licet_coarse_status coarse() const {
    return static_cast<licet_coarse_status>(raw_.coarse);
  }
  [[nodiscard]] licet_enforcement enforcement() const {
    return static_cast<licet_enforcement>(raw_.enforcement);
  }
  [[nodiscard]] licet_code reason() const { return raw_.reason; }
  [[nodiscard]] std::string reason_symbol() const { return licet_code_symbol(raw_.reason); }
  [[nodiscard]] bool has(std::uint32_t flag) const { return (raw_.flags & flag) != 0; }
  [[nodiscard]] std::int64_t now() const { return raw_.now; }
  [[nodiscard]] std::optional<std::int64_t> ends() const {
    return raw_.ends != 0 ? std::optional<std::int64_t>(raw_.ends) : std::nullopt;
  }
  [[nodiscard]] std::int64_t minutes_left() const { return raw_.minutes_left; }
  [[nodiscard]] std::int64_t shutdown_interval_minutes() const {
    return raw_.shutdown_interval_minutes;
  }
  [[nodiscard]] std::int64_t shutdown_at() const { return raw_.shutdown_at; }
  [[nodiscard]] bool shutdown_due() const { return raw_.shutdown_due != 0; }
  [[nodiscard]] std::string_view product_id() const { return raw_.product_id; }
  [[nodiscard]] std::string_view product_name() const { return raw_.product_name; }
  [[nodiscard]] std::string_view edition() const { return raw_.edition; }
  [[nodiscard]] std::string_view edition_name() const { return raw_.edition_name; }
  [[nodiscard]] std::string_view channel() const { return raw_.channel; }
  [[nodiscard]] std::string_view features() const { return raw_.features; }
  [[nodiscard]] std::string_view explanation() const { return raw_.explanation; }
  [[nodiscard]] std::string_view changed_hardware() const { return raw_.changed_hardware; }
  [[nodiscard]] std::string_view virtualization() const { return raw_.virtualization; }
  [[nodiscard]] const licet_state& raw() const { return raw_; }
  [[nodiscard]] licet_state& raw() { return raw_; }

 private:
  licet_state raw_{};
};

struct OpenOptions {
  std::string root;               // empty: $LICET_ROOT, else /var/lib/licet
  std::string catalog;            // required: the application's product ID
  std::string vendor_public_key;  // optional base64 key the catalog must be signed with
  bool watch = true;              // false: no watcher thread (each check stats the store)
  unsigned recheck_seconds = 0;   // hardware re-read and trusted time kept this often; 0: 60
};

/// An opened installation; closes itself.
class Installation {
 public:
  [[nodiscard]] static StatusOr<Installation> Open(const OpenOptions& options) {
    licet_open_options o{};
    o.struct_size = sizeof o;
    o.root = options.root.empty() ? nullptr : options.root.c_str();
    o.catalog = options.catalog.c_str();
    o.vendor_public_key =
        options.vendor_public_key.empty() ? nullptr : options.vendor_public_key.c_str();
    o.flags = options.watch ? 0u : LICET_OPEN_NO_WATCH;
    o.recheck_seconds = options.recheck_seconds;
    licet_installation* raw = nullptr;
    if (licet_open(&o, &raw) != LICET_OK) return LastError();
    return Installation(raw);
  }

  /// The state now. An Error only when the store cannot be read.
  [[nodiscard]] StatusOr<State> Check() const {
    State s;
    if (licet_check(handle_.get(), &s.raw()) != LICET_OK) return LastError();
    return s;
  }

  /// Ok when the application may use `feature` now; else why not.
  [[nodiscard]] Status CheckFeature(const std::string& feature) const {
    if (licet_check_feature(handle_.get(), feature.c_str()) != LICET_OK) return Status(LastError());
    return Status();
  }

  /// Applies staged changes at application start; returns how many.
  [[nodiscard]] StatusOr<int> ApplyPending() {
    int applied = 0;
    if (licet_apply_pending(handle_.get(), &applied) != LICET_OK) return LastError();
    return applied;
  }

  [[nodiscard]] licet_installation* handle() const { return handle_.get(); }

 private:
  struct Closer {
    void operator()(licet_installation* i) const { licet_close(i); }
  };
  explicit Installation(licet_installation* raw) : handle_(raw) {}
  std::unique_ptr<licet_installation, Closer> handle_;
};

}  // namespace licet::sdk
