// The rules of online activation, independent of HTTP: validate the request, check the key (format,
// MAC, SKU, channel), record the activation durably, and answer with a signed license token.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "licet/core/clock.h"
#include "licet/core/json_reader.h"
#include "licet/core/paseto.h"
#include "licet/core/phone_activation.h"
#include "licet/core/product_key.h"
#include "server_store.h"
#include "vendor_data.h"

namespace licet::server {

class ActivationService {
 public:
  /// `data`, `store` and `signer` must outlive the service. Thread-safe. License tokens are
  /// signed by `signer` (which holds `data.signing_key`'s secret) when given, else by libsodium.
  ActivationService(const VendorData& data, ServerStore& store, const Clock& clock,
                    paseto::Ed25519Signer* signer = nullptr)
      : data_(data), store_(store), clock_(clock), signer_(signer) {}

  /// POST /v1/activations. Request: {"product_key", "activation_id", "edition", "cmid",
  /// "hardware_id", "nonce", "client_time"}. Response: {"token", "server_time", "activation":
  /// {...}}. Errors: kInvalidArgument (malformed request), kInvalidProductKey (format or MAC),
  /// kNotSupported (GVLK or host key: not for this endpoint), kMismatchedProductSku, kKeyBlocked,
  /// kMakLimitExceeded, kUnlockLimitExceeded, kIoError.
  /// `request` is read before ActivateAsync returns. The answer, as JSON text, goes to `done` once
  /// the activation is durable (possibly on the store's thread).
  void ActivateAsync(const JsonValue& request, std::function<void(StatusOr<std::string>)> done);

  /// POST /v1/host-activations: a volume host activates its host key (CSVLK). Request: {"host_key",
  /// "host_public_key" (base64 Ed25519), "host_id", "nonce"}. Response: {"certificate",
  /// "server_time", "activation": {...}}: a vendor-signed host certificate (host_certificate.h)
  /// valid 3 years, covering every GVLK SKU of the product up to its version. Errors: as Activate,
  /// with kNotSupported for a key that is not a host key and kUnlockLimitExceeded past 10
  /// activations or 6 hosts (the catalog's policy).
  [[nodiscard]] StatusOr<nlohmann::json> ActivateHost(const nlohmann::json& request);

  /// POST /v1/phone-activations and `licet-server phone confirm`: {"installation_id"} ->
  /// {"confirmation_id", "activation": {...}}. The IID names the key (group and serial: the
  /// server re-makes it with its MAC secret) and the machine (hardware hash); the same rules as
  /// online activation apply (issued, not blocked, counts; the same machine again uses no new
  /// activation). Errors: kCidInvalidCheckDigits / kCidIidInvalidData (a mistyped IID),
  /// kNotSupported (GVLK, host key, or no phone key in the catalog), kKeyBlocked,
  /// kMakLimitExceeded.
  [[nodiscard]] StatusOr<nlohmann::json> ConfirmPhone(const nlohmann::json& request);

  [[nodiscard]] const std::string& product_name() const { return data_.catalog.product().name; }

 private:
  struct Prepared {
    ActivationAttempt attempt;
    std::string token;  // signed before the commit, in the caller's thread
  };
  // Validates the request and signs the token it would get. Errors: as Activate.
  StatusOr<Prepared> Prepare(const JsonValue& request) const;
  // ConfirmPhone once the installation ID named a phone-activatable key. Its errors may spell
  // `made` in full: ConfirmPhone masks them.
  StatusOr<nlohmann::json> ConfirmPhoneKey(const phone::InstallationIdFields& iid,
                                           const ProductKey& made);
  // Checks that a resolved key carries the vendor's MAC. Errors: kInvalidProductKey.
  Status CheckIssuedKey(const ResolvedKey& key) const;

  const VendorData& data_;
  ServerStore& store_;
  const Clock& clock_;
  paseto::Ed25519Signer* signer_;
};

}  // namespace licet::server
