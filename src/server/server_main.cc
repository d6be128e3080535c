// licet-server: the vendor's activation service.
//   licet-server init --catalog NAME|PATH --data DIR (--lab | --root-key FILE.secret)
//   licet-server serve --data DIR [--listen 127.0.0.1:8080] [--threads N]
//   licet-server keys generate|show|block|release ...            (key_commands.h)
//   licet-server tokens create --data DIR --role admin|support
// Exit status: 0 success, 1 failure, 2 usage error.
#include <fmt/format.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>

#include "activation_service.h"
#include "api_router.h"
#include "command_support.h"
#include "http_server.h"
#include "key_commands.h"
#include "licet/core/atomic_file.h"
#include "licet/core/precomputed_nonce_signer.h"
#include "licet/core/quote.h"
#include "server_store.h"
#include "vendor_data.h"

namespace licet::server {
namespace {

HttpServer* g_server = nullptr;

int Serve(const std::string& data_dir, const std::string& listen, int threads,
          const std::string& tls_cert, const std::string& tls_key) {
  // Block SIGINT/SIGTERM before any thread starts (the store's commit thread included), so only
  // the waiting thread below takes them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  StatusOr<VendorData> data = LoadVendorData(data_dir);
  if (!data.ok()) return Fail(data.status());
  StatusOr<std::unique_ptr<ServerStore>> store = OpenStore(*data);
  if (!store.ok()) return Fail(store.status());
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos)
    return Fail(Status(ErrorCode::kInvalidArgument, "--listen takes HOST:PORT"));
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535)
    return Fail(Status(ErrorCode::kInvalidArgument,
                       fmt::format("{} has no valid port", QuoteInput(listen))));
  // Each token's signature nonce made ahead, in CPU time the activations leave idle.
  PrecomputedNonceSigner signer(data->signing_key.secret_key);
  ActivationService service(*data, **store, SystemClock::Get(), &signer);
  ApiRouter router(service, **store, &signer);
  StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Start({.host = listen.substr(0, colon),
                         .port = static_cast<std::uint16_t>(port),
                         .threads = threads,
                         .tls_cert_file = tls_cert,
                         .tls_key_file = tls_key},
                        [&router](const HttpRequest& r, HttpResponder respond) {
                          router.Handle(r, std::move(respond));
                        });
  if (!server.ok()) return Fail(server.status());
  g_server = server->get();
  // Stop on SIGINT/SIGTERM from a dedicated thread (no work in the signal handler itself). The
  // signals were blocked before any thread started, so none of them can take the signal instead.
  std::thread([set] {
    int sig = 0;
    sigwait(&set, &sig);
    if (g_server != nullptr) g_server->Stop();
  }).detach();
  std::cout << fmt::format("licet-server: {} ({}) listening on {}:{} ({})\n",
                           data->catalog.product().name, data->catalog.product().id,
                           listen.substr(0, colon), (*server)->port(),
                           tls_cert.empty() ? "http" : "https")
            << std::flush;
  (*server)->Wait();
  // Shut down in dependency order: I/O threads first, then the store (its commit thread delivers
  // the last answers into the stopped loop), then the server object itself.
  (*server)->Stop();
  (*server)->Join();
  store->reset();
  return 0;
}

// `licet-server phone confirm`: what a support agent runs while the customer reads the IID.
int PhoneConfirm(const std::string& data_dir, const std::string& iid) {
  StatusOr<VendorData> data = LoadVendorData(data_dir);
  if (!data.ok()) return Fail(data.status());
  StatusOr<std::unique_ptr<ServerStore>> store = OpenStore(*data);
  if (!store.ok()) return Fail(store.status());
  ActivationService service(*data, **store, SystemClock::Get());
  StatusOr<nlohmann::json> r = service.ConfirmPhone({{"installation_id", iid}});
  if (!r.ok()) return Fail(r.status());
  const nlohmann::json& a = (*r)["activation"];
  std::cout << fmt::format(
      "Product key ...{}: {}{} of {} activations used.\nConfirmation ID (read it to the "
      "customer, group by group):\n  {}\n",
      (*r)["partial_key"].get<std::string>(), a.value("used", 0u),
      a.value("reused", false) ? " (this machine was already counted)" : "", a.value("limit", 0u),
      (*r)["confirmation_id"].get<std::string>());
  return 0;
}

// `licet-server proxy fulfil`: answers every installation ID of a proxy request file.
int ProxyFulfil(const std::string& data_dir, const std::string& request_file,
                const std::string& out) {
  StatusOr<VendorData> data = LoadVendorData(data_dir);
  if (!data.ok()) return Fail(data.status());
  StatusOr<std::string> text = ReadWholeFile(request_file, 64u << 20);
  if (!text.ok()) {
    return Fail(
        text.status().WithFix("Give the request file the site wrote with licet proxy export "
                              "--out FILE"));
  }
  const nlohmann::json request = nlohmann::json::parse(*text, nullptr, false);
  if (!request.is_object() || request.value("format", "") != "licet/proxy-request/v1" ||
      !request.contains("requests") || !request["requests"].is_array()) {
    return Fail(Status(ErrorCode::kInvalidArgument,
                       fmt::format("{} is not a proxy request file", request_file),
                       "Give the file licet proxy export wrote."));
  }
  StatusOr<std::unique_ptr<ServerStore>> store = OpenStore(*data);
  if (!store.ok()) return Fail(store.status());
  ActivationService service(*data, **store, SystemClock::Get());
  nlohmann::json responses = nlohmann::json::array();
  int answered = 0;
  for (const nlohmann::json& r : request["requests"]) {
    const auto text_of = [&](const char* key) {
      return r.is_object() && r.contains(key) && r[key].is_string() ? r[key].get<std::string>()
                                                                    : std::string();
    };
    nlohmann::json entry = {{"root", text_of("root")},
                            {"installation_id", text_of("installation_id")}};
    StatusOr<nlohmann::json> cid =
        text_of("product") != data->catalog.product().id
            ? StatusOr<nlohmann::json>(
                  Status(ErrorCode::kNotSupported,
                         fmt::format("this server activates {}, not '{}'",
                                     data->catalog.product().id, text_of("product"))))
            : service.ConfirmPhone({{"installation_id", text_of("installation_id")}});
    if (cid.ok()) {
      entry["confirmation_id"] = (*cid)["confirmation_id"];
      ++answered;
    } else {
      entry["error"] = {{"code", FormatCode(cid.status().code())},
                        {"message", cid.status().message()}};
    }
    std::cout << fmt::format(
        "  {:<40} {}\n", text_of("root"),
        cid.ok() ? "confirmed"
                 : FormatCode(cid.status().code()) + " " + std::string(cid.status().message()));
    responses.push_back(std::move(entry));
  }
  const nlohmann::json file = {{"format", "licet/proxy-response/v1"}, {"responses", responses}};
  if (Status s = WriteFileAtomically(out, file.dump(2) + "\n"); !s.ok()) return Fail(s);
  std::cout << fmt::format("Wrote {} ({} of {} confirmed). Take it back: licet proxy import {}\n",
                           out, answered, responses.size(), out);
  return 0;
}

int CreateToken(const std::string& data_dir, const std::string& role) {
  if (role != "admin" && role != "support")
    return Fail(Status(ErrorCode::kInvalidArgument, "--role is admin or support"));
  StatusOr<VendorData> data = LoadVendorData(data_dir);
  if (!data.ok()) return Fail(data.status());
  StatusOr<std::unique_ptr<ServerStore>> store = OpenStore(*data);
  if (!store.ok()) return Fail(store.status());
  StatusOr<std::string> token = (*store)->CreateAdminToken(
      role == "admin" ? AdminRole::kAdmin : AdminRole::kSupport, SystemClock::Get().Now());
  if (!token.ok()) return Fail(token.status());
  std::cout << *token << "\n";
  std::cerr
      << "Keep this token: only its hash is stored. Use it as: Authorization: Bearer <token>\n";
  return 0;
}

}  // namespace
}  // namespace licet::server

int main(int argc, char** argv) {
  using namespace licet::server;
  CLI::App app{"licet-server: the vendor's activation service (online activation, keys, admin API)",
               "licet-server"};
  app.require_subcommand(1);
  int rc = 0;
  InitOptions init;
  CLI::App* init_cmd = app.add_subcommand(
      "init", "Create a data directory: secrets (owner-only), catalog, database");
  init_cmd->add_option("--catalog", init.catalog, "Catalog name or path")->required();
  init_cmd->add_option("--data", init.data, "Data directory")->required();
  init_cmd->add_flag("--lab", init.lab, "Use the lab catalog's published (insecure) secrets");
  init_cmd->add_option("--root-key", init.root_key_file, "The vendor's root secret key file");
  init_cmd->callback([&] {
    const licet::Status s = InitVendorData(init);
    rc = s.ok() ? 0 : Fail(s);
    if (s.ok()) std::cout << fmt::format("Initialised {}\n", init.data.string());
  });
  std::string data, listen = "127.0.0.1:8080", key, role, tls_cert, tls_key;
  int threads = 0;
  CLI::App* serve = app.add_subcommand("serve", "Serve the activation API over HTTP/1.1");
  serve->add_option("--data", data, "Data directory")->required();
  serve->add_option("--listen", listen, "HOST:PORT (port 0 picks one)");
  serve->add_option("--threads", threads,
                    "I/O threads (default: one per core; requests never block on the disk)");
  serve->add_option("--tls-cert", tls_cert, "PEM certificate chain: serve HTTPS")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", tls_key, "PEM private key for --tls-cert")
      ->check(CLI::ExistingFile);
  serve->callback([&] {
    if (tls_cert.empty() != tls_key.empty()) {
      rc = Fail(licet::Status(licet::ErrorCode::kInvalidArgument,
                              "--tls-cert and --tls-key go together"));
      return;
    }
    rc = Serve(data, listen, threads, tls_cert, tls_key);
  });
  CLI::App* keys =
      app.add_subcommand("keys", "Generate, show, block product keys and release machines");
  keys->require_subcommand(1);
  GenerateArgs gen;
  CLI::App* generate = keys->add_subcommand("generate", "Issue new keys");
  generate->add_option("--data", gen.data, "Data directory")->required();
  generate->add_option("--edition", gen.edition, "Edition, e.g. ServerStandard")->required();
  generate->add_option("--channel", gen.channel, "Retail, OEM:DM, Volume:MAK, Volume:CSVLK, ...")
      ->required();
  generate->add_option("--count", gen.count, "How many")->check(CLI::Range(1u, 10000000u));
  generate->add_option("--activations", gen.activations,
                       "Activations per key (default: from the catalog)");
  generate->add_option("--out", gen.out,
                       "Write the keys to this file (0600) instead of stdout; until the last is "
                       "stored it is FILE.partial, listing only keys already stored");
  generate->callback([&] { rc = GenerateKeys(gen); });
  CLI::App* show = keys->add_subcommand("show", "Show a key's channel, counts and machines");
  CLI::App* block = keys->add_subcommand("block", "Block a key");
  bool json = false;
  for (CLI::App* cmd : {show, block}) {
    cmd->add_option("--data", data, "Data directory")->required();
    cmd->add_option("key", key, "Product key")->required();
    cmd->add_flag("--json", json, "Print JSON (as the admin API answers)");
  }
  PageQuery page;
  show->add_option("--limit", page.limit,
                   "List the machines of at most N activations (default 1000)")
      ->check(CLI::Range(std::size_t{1}, kMaxPageLimit));
  show->add_option("--after", page.after,
                   "Start after this activation's seq (the --json answer's next_after)")
      ->check(CLI::Range(std::int64_t{0}, std::numeric_limits<std::int64_t>::max()));
  show->callback([&] { rc = ShowKey(data, key, page, json); });
  block->callback([&] { rc = BlockKey(data, key, json); });
  std::string machine;
  CLI::App* release = keys->add_subcommand(
      "release",
      "Give a key back the count a machine holds (a dead machine, a transfer); keys show lists "
      "the machines");
  release->add_option("--data", data, "Data directory")->required();
  release->add_option("key", key, "Product key")->required();
  release->add_option("machine", machine, "The machine's hardware ID (hw2...) or one of its CMIDs")
      ->required();
  release->add_flag("--json", json, "Print JSON (as the admin API answers)");
  release->callback([&] { rc = ReleaseMachine(data, key, machine, json); });
  CLI::App* tokens = app.add_subcommand("tokens", "Admin API bearer tokens");
  tokens->require_subcommand(1);
  CLI::App* create =
      tokens->add_subcommand("create", "Create a token (printed once, stored hashed)");
  create->add_option("--data", data, "Data directory")->required();
  create->add_option("--role", role, "admin or support")->required();
  create->callback([&] { rc = CreateToken(data, role); });
  std::string iid;
  CLI::App* phone = app.add_subcommand("phone", "Phone activation for support agents");
  phone->require_subcommand(1);
  CLI::App* confirm = phone->add_subcommand(
      "confirm", "Turn an installation ID the customer reads into a confirmation ID");
  confirm->add_option("--data", data, "Data directory")->required();
  confirm->add_option("iid", iid, "Installation ID (groups with or without dashes)")->required();
  confirm->callback([&] { rc = PhoneConfirm(data, iid); });
  std::string request_file, response_file;
  CLI::App* proxy = app.add_subcommand("proxy", "Proxy activation by file (air-gapped sites)");
  proxy->require_subcommand(1);
  CLI::App* fulfil = proxy->add_subcommand(
      "fulfil", "Answer every installation ID of a request file from licet proxy export");
  fulfil->add_option("--data", data, "Data directory")->required();
  fulfil->add_option("request", request_file, "Request file")->required();
  fulfil->add_option("--out", response_file, "Response file to write")->required();
  fulfil->callback([&] { rc = ProxyFulfil(data, request_file, response_file); });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; a usage error prints what was wrong and exits 2, as licet does.
    return app.exit(e) == 0 ? 0 : 2;
  }
  return rc;
}
