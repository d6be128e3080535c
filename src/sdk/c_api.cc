// The C API (include/licet/licet.h) over LicenseChecker: argument checks, versioned structs,
// thread-local last errors, and no exception ever crossing into C.
#include <fmt/format.h>

#include <cstddef>
#include <cstring>
#include <new>

#include "installation.h"
#include "license_checker.h"
#include "licet/core/catalog.h"
#include "licet/core/encoding.h"
#include "licet/licet.h"

struct licet_installation {
  std::unique_ptr<licet::engine::LicenseChecker> checker;
};

namespace {

using licet::ErrorCode;
using licet::Status;

thread_local licet_code t_code = LICET_OK;
thread_local std::string t_message;
// Whether t_message holds anything: a success (every first check) then touches only this flag,
// not the string, whose first use in a thread sets up its destructor.
thread_local bool t_has_message = false;

// The smallest licet_state / licet_open_options this library accepts: version 1 of each. The ABI
// is frozen: later versions only append members, so these sizes and offsets never change.
constexpr std::size_t kStateV1Size = 1704;
constexpr std::size_t kOpenOptionsV1Size = 40;
constexpr std::size_t kOpenOptionsV2Size = 48;  // + recheck_seconds
static_assert(sizeof(licet_state) >= kStateV1Size && offsetof(licet_state, product_id) == 72 &&
                  offsetof(licet_state, virtualization) == 1640,
              "licet_state version 1 layout changed: that breaks the ABI");
static_assert(sizeof(licet_open_options) >= kOpenOptionsV1Size &&
                  offsetof(licet_open_options, flags) == 32,
              "licet_open_options version 1 layout changed: that breaks the ABI");
static_assert(sizeof(licet_open_options) >= kOpenOptionsV2Size &&
                  offsetof(licet_open_options, recheck_seconds) == 40,
              "licet_open_options version 2 layout changed: that breaks the ABI");

// The C enums are the core's values, one for one.
static_assert(LICET_STATUS_EXTENDED_GRACE ==
              static_cast<int>(licet::LicenseStatus::kExtendedGrace));
static_assert(LICET_COARSE_NOTIFICATION == static_cast<int>(licet::CoarseStatus::kNotification));
static_assert(LICET_COARSE_GRACE == static_cast<int>(licet::CoarseStatus::kGrace));
static_assert(LICET_ENFORCE_FORCED_SHUTDOWN ==
              static_cast<int>(licet::Enforcement::kForcedShutdown));
static_assert(LICET_ENFORCE_NAG == static_cast<int>(licet::Enforcement::kNag));

licet_code Record(const Status& s) {
  t_code = static_cast<licet_code>(s.code());
  if (s.ok()) {
    if (t_has_message) t_message.clear();
    t_has_message = false;
  } else {
    // The code is licet_last_error_code(); the message says what happened and how to fix it.
    t_message = fmt::format("{} (fix: {})", s.message(), s.remedy());
    t_has_message = true;
  }
  return t_code;
}

licet_code Invalid(std::string message) {
  return Record(Status(ErrorCode::kInvalidArgument, std::move(message)));
}

// Runs `body`, turning exceptions (allocation failures) into E_FAIL.
template <typename Body>
licet_code Guarded(Body&& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Record(Status(ErrorCode::kInternal, "out of memory"));
  } catch (const std::exception& e) {
    return Record(Status(ErrorCode::kInternal, e.what()));
  } catch (...) {
    return Record(Status(ErrorCode::kInternal, "unexpected failure"));
  }
}

}  // namespace

extern "C" {

uint32_t licet_sdk_version(void) { return LICET_SDK_VERSION; }

licet_code licet_open(const licet_open_options* options, licet_installation** out) {
  return Guarded([&]() -> licet_code {
    if (out == nullptr) return Invalid("licet_open: `out` is NULL");
    *out = nullptr;
    if (options == nullptr) return Invalid("licet_open: `options` is NULL");
    if (options->struct_size < kOpenOptionsV1Size) {
      return Invalid(
          fmt::format("licet_open: options.struct_size is {}; set it to "
                      "sizeof(licet_open_options) ({})",
                      options->struct_size, kOpenOptionsV1Size));
    }
    if (options->catalog == nullptr || *options->catalog == '\0') {
      return Invalid(
          "licet_open: options.catalog must name the application's product "
          "(e.g. \"windows-server-2022\")");
    }
    licet::engine::CheckerOptions o;
    o.root = licet::client::DefaultRoot(options->root != nullptr ? options->root : "");
    o.catalog = options->catalog;
    o.watch = (options->flags & LICET_OPEN_NO_WATCH) == 0;
    if (options->struct_size >= kOpenOptionsV2Size && options->recheck_seconds != 0)
      o.recheck = std::chrono::seconds(options->recheck_seconds);
    if (options->vendor_public_key != nullptr) {
      const std::optional<std::vector<std::uint8_t>> key =
          licet::Base64Decode(options->vendor_public_key);
      if (!key || key->size() != 32) {
        return Invalid(
            "licet_open: options.vendor_public_key is not a base64 Ed25519 key "
            "(32 bytes)");
      }
      o.vendor_public_key.emplace();
      std::copy(key->begin(), key->end(), o.vendor_public_key->begin());
    }
    licet::StatusOr<std::unique_ptr<licet::engine::LicenseChecker>> checker =
        licet::engine::LicenseChecker::Open(std::move(o));
    if (!checker.ok()) return Record(checker.status());
    *out = new licet_installation{std::move(*checker)};
    return Record(licet::OkStatus());
  });
}

void licet_close(licet_installation* installation) { delete installation; }

licet_code licet_check(licet_installation* installation, licet_state* state) {
  return Guarded([&]() -> licet_code {
    if (installation == nullptr || state == nullptr) {
      return Invalid("licet_check: `installation` and `state` must not be NULL");
    }
    if (state->struct_size < kStateV1Size) {
      return Invalid(
          fmt::format("licet_check: state.struct_size is {}; set it to "
                      "sizeof(licet_state) ({})",
                      state->struct_size, kStateV1Size));
    }
    licet_state full;
    const Status s = installation->checker->Check(full);
    const std::uint32_t caller_size = state->struct_size;
    std::memcpy(state, &full, std::min<std::size_t>(caller_size, sizeof full));
    state->struct_size = caller_size;
    if (s.ok()) {
      // The fast path leaves no trace: only reset what a previous failure on this thread set.
      if (t_code != LICET_OK) Record(s);
      return LICET_OK;
    }
    return Record(s);
  });
}

licet_code licet_check_feature(licet_installation* installation, const char* feature) {
  return Guarded([&]() -> licet_code {
    if (installation == nullptr || feature == nullptr) {
      return Invalid("licet_check_feature: `installation` and `feature` must not be NULL");
    }
    return Record(installation->checker->CheckFeature(feature));
  });
}

licet_code licet_apply_pending(licet_installation* installation, int* applied) {
  return Guarded([&]() -> licet_code {
    if (installation == nullptr) return Invalid("licet_apply_pending: `installation` is NULL");
    licet::StatusOr<int> n = installation->checker->ApplyPending();
    if (!n.ok()) return Record(n.status());
    if (applied != nullptr) *applied = *n;
    return Record(licet::OkStatus());
  });
}

licet_code licet_last_error_code(void) { return t_code; }

const char* licet_last_error_message(void) { return t_has_message ? t_message.c_str() : ""; }

const char* licet_code_symbol(licet_code code) {
  const licet::ErrorInfo* info = licet::FindError(code);
  return info == nullptr ? "" : info->symbol.data();
}

const char* licet_status_name(int32_t status) {
  if (status < 0 || status > LICET_STATUS_EXTENDED_GRACE) return "";
  return licet::LicenseStatusId(static_cast<licet::LicenseStatus>(status)).data();
}

const char* licet_coarse_name(int32_t coarse) {
  if (coarse < LICET_COARSE_UNLICENSED || coarse > LICET_COARSE_NOTIFICATION) return "";
  return licet::CoarseStatusId(static_cast<licet::CoarseStatus>(coarse)).data();
}

const char* licet_enforcement_name(int32_t enforcement) {
  if (enforcement < LICET_ENFORCE_NONE || enforcement > LICET_ENFORCE_FORCED_SHUTDOWN) return "";
  return licet::EnforcementName(static_cast<licet::Enforcement>(enforcement)).data();
}

}  // extern "C"
