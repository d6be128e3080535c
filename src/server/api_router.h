// Routes HTTP requests to the activation service and the admin API, and renders every failure as
// {"error": {"code", "symbol", "message", "remedy"}} with the HTTP status its category maps to.
// The routes (docs/api/openapi.yaml), with the token each needs:
//   GET  /healthz, GET /metrics, GET /phone                      none
//   POST /v1/activations, /v1/host-activations, /v1/phone-activations   none (the key is the
//                                                                       credential)
//   GET  /v1/admin/stats, /v1/admin/keys/{key}[/activations]     admin or support
//   POST /v1/admin/keys/{key}/block                              admin
//   POST /v1/admin/keys/{key}/machines/{machine}/release         admin
// The admin routes are served in admin_api.cc; api_json.h renders the answers.
#pragma once

#include <array>
#include <atomic>
#include <string>
#include <vector>

#include "activation_service.h"
#include "http_server.h"
#include "licet/core/precomputed_nonce_signer.h"

namespace licet::server {

class ApiRouter {
 public:
  /// `signer`, when given, is the one `activations` signs with: /metrics counts its signatures.
  ApiRouter(ActivationService& activations, ServerStore& store,
            const PrecomputedNonceSigner* signer = nullptr)
      : activations_(activations), store_(store), signer_(signer) {}

  /// Answers through `respond`, immediately or (activations) once the outcome is durable.
  /// Thread-safe.
  void Handle(const HttpRequest& request, HttpResponder respond);

 private:
  HttpResponse HandleNow(const HttpRequest& request);  // every route but activations
  HttpResponse Admin(const HttpRequest& request);      // admin_api.cc
  HttpResponse Metrics();

  ActivationService& activations_;
  ServerStore& store_;
  const PrecomputedNonceSigner* signer_;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> activations_ok_{0};
  std::atomic<std::uint64_t> activations_failed_{0};
};

}  // namespace licet::server
