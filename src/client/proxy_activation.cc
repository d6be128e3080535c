#include "proxy_activation.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "installation.h"
#include "licet/core/atomic_file.h"
#include "phone_activation_client.h"

namespace licet::client {
namespace {

using nlohmann::json;
constexpr std::string_view kRequestFormat = "licet/proxy-request/v1";
constexpr std::string_view kResponseFormat = "licet/proxy-response/v1";

}  // namespace

StatusOr<std::vector<ProxyOutcome>> ExportProxyRequest(
    const std::vector<std::filesystem::path>& roots, const std::filesystem::path& out,
    const Clock& clock) {
  std::vector<ProxyOutcome> outcomes;
  json requests = json::array();
  for (const std::filesystem::path& root : roots) {
    ProxyOutcome o{.root = std::filesystem::absolute(root).lexically_normal()};
    StatusOr<Installation> inst = Installation::Open(root, Access::kReadWrite, clock);
    StatusOr<std::string> iid = inst.ok() ? DisplayInstallationId(*inst) : inst.status();
    if (!iid.ok()) {
      o.status = iid.status();
    } else {
      o.detail = *iid;
      requests.push_back({{"root", o.root.string()},
                          {"product", inst->catalog().product().id},
                          {"edition", inst->record().edition},
                          {"partial_key", inst->record().key->partial},
                          {"installation_id", *iid}});
    }
    outcomes.push_back(std::move(o));
  }
  if (requests.empty()) {
    return Status(ErrorCode::kNotFound, "no installation could give an installation ID",
                  "Install a MAK or Retail key in each root first: licet slmgr /ipk KEY");
  }
  const json file = {{"format", kRequestFormat},
                     {"created_at", FormatIso8601(clock.Now())},
                     {"requests", requests}};
  LICET_RETURN_IF_ERROR(WriteFileAtomically(out, file.dump(2) + "\n"));
  return outcomes;
}

StatusOr<std::vector<ProxyOutcome>> ImportProxyResponse(const std::filesystem::path& response,
                                                        const Clock& clock) {
  LICET_ASSIGN_OR_RETURN(const std::string text, ReadWholeFile(response, 64u << 20));
  const json file = json::parse(text, nullptr, false);
  if (!file.is_object() || file.value("format", "") != kResponseFormat ||
      !file.contains("responses") || !file["responses"].is_array()) {
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("{} is not a proxy response file ({})", response.string(), kResponseFormat),
        "Give the file licet-server proxy fulfil wrote.");
  }
  std::vector<ProxyOutcome> outcomes;
  for (const json& r : file["responses"]) {
    ProxyOutcome o;
    const auto text_of = [&](const char* key) {
      return r.is_object() && r.contains(key) && r[key].is_string() ? r[key].get<std::string>()
                                                                    : std::string();
    };
    o.root = text_of("root");
    const std::string iid = text_of("installation_id");
    const std::string cid = text_of("confirmation_id");
    if (r.is_object() && r.contains("error") && r["error"].is_object()) {
      o.status = Status(ErrorCode::kActivationRejected,
                        fmt::format("the vendor refused it: {} {}", r["error"].value("code", ""),
                                    r["error"].value("message", "")));
    } else if (o.root.empty() || iid.empty() || cid.empty()) {
      o.status = Status(ErrorCode::kInvalidArgument, "an entry lacks root, IID or CID");
    } else {
      StatusOr<Installation> inst = Installation::Open(o.root, Access::kReadWrite, clock);
      StatusOr<std::string> current = inst.ok() ? DisplayInstallationId(*inst) : inst.status();
      if (!current.ok()) {
        o.status = current.status();
      } else if (*current != iid) {
        o.status = Status(ErrorCode::kCidIidMismatch,
                          "the installation changed since the export (its installation ID is "
                          "not the one the vendor answered)",
                          "Export it again: licet proxy export --out REQ ROOT");
      } else {
        o.status = DepositConfirmationId(*inst, cid);
        o.detail = cid;
      }
    }
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

}  // namespace licet::client
