// Routes HTTP requests to the activation service and the admin API, and renders every failure as
// {"error": {"code", "symbol", "message", "remedy"}} with the HTTP status its category maps to.
//   GET  /healthz                       liveness (and the benchmark's baseline)
//   GET  /metrics                       Prometheus text format
//   POST /v1/activations                online activation (no authentication: the product key is
//   the credential) GET  /v1/admin/stats                admin or support token GET
//   /v1/admin/keys/{key}           admin or support token POST /v1/admin/keys/{key}/block     admin
//   token
#pragma once

#include <array>
#include <atomic>

#include "activation_service.h"
#include "http_server.h"

namespace licet::server {

class ApiRouter {
 public:
  ApiRouter(ActivationService& activations, ServerStore& store)
      : activations_(activations), store_(store) {}

  /// Answers through `respond`, immediately or (activations) once the outcome is durable.
  /// Thread-safe.
  void Handle(const HttpRequest& request, HttpResponder respond);

 private:
  HttpResponse HandleNow(const HttpRequest& request);  // every route but activations
  HttpResponse Admin(const HttpRequest& request);
  HttpResponse Metrics();

  ActivationService& activations_;
  ServerStore& store_;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> activations_ok_{0};
  std::atomic<std::uint64_t> activations_failed_{0};
};

}  // namespace licet::server
