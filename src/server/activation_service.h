// The rules of online activation, independent of HTTP: validate the request, check the key (format,
// MAC, SKU, channel), record the activation durably, and answer with a signed license token.
#pragma once

#include <nlohmann/json.hpp>

#include "licet/core/clock.h"
#include "server_store.h"
#include "vendor_data.h"

namespace licet::server {

class ActivationService {
 public:
  /// `data` and `store` must outlive the service. Thread-safe.
  ActivationService(const VendorData& data, ServerStore& store, const Clock& clock)
      : data_(data), store_(store), clock_(clock) {}

  /// POST /v1/activations. Request: {"product_key", "activation_id", "edition", "cmid",
  /// "hardware_id", "nonce", "client_time"}. Response: {"token", "server_time", "activation":
  /// {...}}. Errors: kInvalidArgument (malformed request), kInvalidProductKey (format or MAC),
  /// kNotSupported (GVLK or host key: not for this endpoint), kMismatchedProductSku, kKeyBlocked,
  /// kMakLimitExceeded, kUnlockLimitExceeded, kIoError.
  [[nodiscard]] StatusOr<nlohmann::json> Activate(const nlohmann::json& request);

 private:
  const VendorData& data_;
  ServerStore& store_;
  const Clock& clock_;
};

}  // namespace licet::server
