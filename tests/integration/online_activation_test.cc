// Online activation against a real licet-server on loopback: the seed's whole procedure, each
// rule's error, the admin API's authentication, hostile bodies, a race for the last MAK
// activations, acknowledged activations surviving SIGKILL, and a disk that fails to sync.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "app_process.h"
#include "cli_runner.h"
#include "http_client.h"
#include "licet/core/atomic_file.h"
#include "licet/core/encoding.h"
#include "licet/core/host_certificate.h"
#include "licet/core/license_token.h"
#include "licet/core/paseto.h"
#include "licet/core/product_key.h"
#include "server_process.h"

namespace licet {
namespace {

using nlohmann::json;
using namespace nlohmann::literals;  // "/a/b"_json_pointer
using testing::CliResult;
using testing::RunProgram;
using testing::ServerProcess;
using testing::TempDir;

const std::string kCli = std::string(LICET_CLI_DIR) + "/";
const std::string kServer = LICET_SERVER_BIN;

CliResult Cli(const std::string& name, const std::vector<std::string>& args,
              const std::filesystem::path& root) {
  return RunProgram(kCli + name, args, {"LICET_ROOT=" + root.string()});
}

std::filesystem::path InitServer(const TempDir& dir) {
  const std::filesystem::path data = dir.path() / "vendor";
  const CliResult r = RunProgram(
      kServer, {"init", "--catalog", "windows-server-2022", "--data", data.string(), "--lab"});
  EXPECT_EQ(r.exit_status, 0) << r.both();
  return data;
}

// The lab catalog's vendor key, which its license tokens and host certificates verify with.
std::optional<TrustedKey> LabVendorKey() {
  const StatusOr<std::string> text = ReadWholeFile(
      std::string(LICET_SOURCE_DIR) + "/catalogs/trusted-keys/licet-lab-root-2026.pub");
  if (!text.ok()) return std::nullopt;
  StatusOr<TrustedKey> key = ParsePublicKeyFile(*text);
  if (!key.ok()) return std::nullopt;
  return std::move(*key);
}

// Without `activations`, the channel's default limit (a host key's: 10 on up to 6 hosts).
std::vector<std::string> GenerateKeys(const std::filesystem::path& data, const std::string& edition,
                                      const std::string& channel, int count,
                                      std::optional<int> activations = std::nullopt) {
  std::vector<std::string> args = {
      "keys",  "generate",  "--data", data.string(), "--edition",
      edition, "--channel", channel,  "--count",     std::to_string(count)};
  if (activations) {
    args.insert(args.end(), {"--activations", std::to_string(*activations)});
  }
  const CliResult r = RunProgram(kServer, args);
  EXPECT_EQ(r.exit_status, 0) << r.both();
  std::vector<std::string> keys;
  for (size_t pos = 0; pos + 29 <= r.out.size(); pos += 30) keys.push_back(r.out.substr(pos, 29));
  keys.resize(static_cast<size_t>(count));  // a failure (reported above) leaves empty keys to index
  return keys;
}

// A new admin API token of `role` ("admin" or "support"), as `tokens create` prints it.
std::string CreateToken(const std::filesystem::path& data, const std::string& role) {
  const CliResult r =
      RunProgram(kServer, {"tokens", "create", "--data", data.string(), "--role", role});
  EXPECT_EQ(r.exit_status, 0) << r.both();
  return r.out.substr(0, r.out.find('\n'));
}

// A Standard installation with `key`, pointed at `url`, ready for /ato.
std::filesystem::path Machine(const TempDir& dir, const std::string& name, const std::string& key,
                              const std::string& url) {
  const std::filesystem::path root = dir.path() / name;
  EXPECT_EQ(
      Cli("licet", {"install", "--catalog", "windows-server-2022", "--edition", "ServerStandard"},
          root)
          .exit_status,
      0);
  EXPECT_EQ(Cli("slmgr", {"/ipk", key}, root).exit_status, 0);
  EXPECT_EQ(Cli("licet", {"config", "set", "activation-url", url}, root).exit_status, 0);
  return root;
}

// The body of POST /v1/activations.
std::string ActivationBody(const std::string& key, const std::string& edition,
                           const std::string& cmid, const std::string& hardware_id,
                           const std::string& nonce = "n") {
  return json{{"product_key", key},
              {"edition", edition},
              {"cmid", cmid},
              {"hardware_id", hardware_id},
              {"nonce", nonce}}
      .dump();
}

json Post(const std::string& url, const std::string& path, const std::string& body,
          int* status = nullptr) {
  StatusOr<client::HttpReply> r = client::PostJson(url + path, body);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return json();
  if (status != nullptr) *status = r->status;
  return json::parse(r->body, nullptr, false);
}

// `method` `path` through curl, with a bearer token if one is given (even an empty one): the HTTP
// status and the body.
std::pair<int, std::string> Request(const std::string& method, const std::string& url,
                                    const std::string& path,
                                    const std::optional<std::string>& token = std::nullopt) {
  std::vector<std::string> args = {"-s", "-o", "/dev/stdout", "-w", "\n%{http_code}", "-X", method};
  if (token) args.insert(args.end(), {"-H", "Authorization: Bearer " + *token});
  args.push_back(url + path);
  const CliResult r = RunProgram("/usr/bin/curl", args);
  const size_t nl = r.out.rfind('\n');
  if (nl == std::string::npos) return {0, r.out};
  return {std::atoi(r.out.c_str() + nl + 1), r.out.substr(0, nl)};
}

std::pair<int, std::string> Get(const std::string& url, const std::string& path) {
  return Request("GET", url, path);
}

TEST(OnlineActivationTest, SeedProcedureEndsLicensed) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::string mak = GenerateKeys(data, "ServerStandard", "Volume:MAK", 1, 5)[0];
  ServerProcess server(kServer, data);
  ASSERT_GT(server.port(), 0);
  const std::filesystem::path root = dir.path() / "srv";
  ASSERT_EQ(
      Cli("licet",
          {"install", "--catalog", "windows-server-2022", "--edition", "ServerStandardEval"}, root)
          .exit_status,
      0);
  ASSERT_EQ(Cli("licet", {"config", "set", "activation-url", server.url()}, root).exit_status, 0);
  CliResult r = Cli("slmgr", {"/ipk", mak}, root);
  EXPECT_NE(r.err.find("0x80070032"), std::string::npos);
  ASSERT_EQ(
      Cli("DISM", {"/online", "/Set-Edition:ServerStandard", "/ProductKey:" + mak, "/AcceptEula"},
          root)
          .exit_status,
      0);
  ASSERT_EQ(Cli("licet", {"restart"}, root).exit_status, 0);
  ASSERT_EQ(Cli("slmgr", {"/ipk", mak}, root).exit_status, 0);
  r = Cli("slmgr", {"/ato"}, root);
  ASSERT_EQ(r.exit_status, 0) << r.both();
  EXPECT_NE(r.out.find("Product activated successfully"), std::string::npos);
  r = Cli("slmgr", {"/dlv"}, root);
  EXPECT_NE(r.out.find("License Status: Licensed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Most recent activation: online"), std::string::npos);
  // Still licensed long after the ten days of grace.
  ASSERT_EQ(Cli("licet", {"lab", "clock", "advance", "400d"}, root).exit_status, 0);
  r = Cli("slmgr", {"/xpr"}, root);
  EXPECT_NE(r.out.find("permanently activated"), std::string::npos) << r.out;

  // The store keeps the token's verification hint (the x of the vendor key's point and of R),
  // which an application's first check uses; it verifies the token with it as without it.
  const StatusOr<std::string> store_text = ReadWholeFile((root / "store.json").string());
  ASSERT_TRUE(store_text.ok());
  const json activation = json::parse(*store_text)["activation"];
  const std::string token = activation["token"];
  const std::string hint = activation["token_hint"];
  const std::optional<TrustedKey> vendor = LabVendorKey();
  ASSERT_TRUE(vendor.has_value());
  EXPECT_EQ(hint.size(), 86u);
  EXPECT_EQ(hint, paseto::VerificationHintV4Public(token, vendor->public_key));
  const StatusOr<LicenseClaims> hinted = VerifyLicenseToken(token, vendor->public_key, hint);
  ASSERT_TRUE(hinted.ok()) << hinted.status();
  EXPECT_EQ(hinted->cmid, VerifyLicenseToken(token, vendor->public_key)->cmid);
  std::string wrong = hint;
  wrong[5] = wrong[5] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(VerifyLicenseToken(token, vendor->public_key, wrong).ok());
  std::string altered = token;
  altered[altered.size() - 3] = altered[altered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyLicenseToken(altered, vendor->public_key, hint).ok());
}

TEST(OnlineActivationTest, EachRuleHasItsCode) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::vector<std::string> maks = GenerateKeys(data, "ServerStandard", "Volume:MAK", 2, 2);
  ServerProcess server(kServer, data);
  ASSERT_GT(server.port(), 0);
  // MAK count: two machines, then 0xC004C020; the same machine again uses no count.
  const auto a = Machine(dir, "a", maks[0], server.url());
  const auto b = Machine(dir, "b", maks[0], server.url());
  const auto c = Machine(dir, "c", maks[0], server.url());
  EXPECT_EQ(Cli("slmgr", {"/ato"}, a).exit_status, 0);
  EXPECT_EQ(Cli("slmgr", {"/ato"}, b).exit_status, 0);
  CliResult r = Cli("slmgr", {"/ato"}, c);
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("0xC004C020"), std::string::npos) << r.err;
  EXPECT_EQ(Cli("slmgr", {"/ato"}, a).exit_status, 0)
      << "re-activating the same machine uses no count";
  // Events 8198/8200 on failure.
  r = Cli("licet", {"events", "--id", "8198"}, c);
  EXPECT_NE(r.out.find("0xC004C020"), std::string::npos) << r.out;
  // Blocked key: 0xC004C003.
  ASSERT_EQ(RunProgram(kServer, {"keys", "block", "--data", data.string(), maks[1]}).exit_status,
            0);
  r = Cli("slmgr", {"/ato"}, Machine(dir, "d", maks[1], server.url()));
  EXPECT_NE(r.err.find("0xC004C003"), std::string::npos) << r.err;
  // A well-formed lab key the server never issued: 0xC004C003 too.
  const std::string stray =
      Cli("licet",
          {"lab", "key", "--edition", "ServerStandard", "--channel", "Retail", "--serial", "777"},
          a)
          .out.substr(0, 29);
  r = Cli("slmgr", {"/ato"}, Machine(dir, "e", stray, server.url()));
  EXPECT_NE(r.err.find("0xC004C003"), std::string::npos) << r.err;
  // A key forged without the vendor's MAC secret: 0xC004F050 from the server.
  KeyMacSecret wrong;
  wrong.bytes.fill(7);
  const std::string forged = ProductKey::Generate(2203, 5, wrong).text();
  int status = 0;
  json j = Post(server.url(), "/v1/activations", ActivationBody(forged, "ServerStandard", "x", "h"),
                &status);
  EXPECT_EQ(status, 400);
  EXPECT_EQ(j["error"]["code"], "0xC004F050") << j.dump();
  // The key's edition must match the installation's: 0xC004F069.
  j = Post(server.url(), "/v1/activations", ActivationBody(maks[0], "ServerDatacenter", "x", "h"));
  EXPECT_EQ(j["error"]["code"], "0xC004F069") << j.dump();
  // GVLKs are for volume hosts.
  j = Post(server.url(), "/v1/activations",
           ActivationBody("VDYBN-27WPP-V4HQT-9VMD4-VMK7H", "ServerStandard", "x", "h"));
  EXPECT_EQ(j["error"]["code"], "0x80070032") << j.dump();
  EXPECT_NE(j["error"]["remedy"].get<std::string>().find("/skms"), std::string::npos);
}

TEST(OnlineActivationTest, SameRequestTwiceIsIdempotent) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::string mak = GenerateKeys(data, "ServerStandard", "Volume:MAK", 1, 10)[0];
  ServerProcess server(kServer, data);
  const std::string body = ActivationBody(mak, "ServerStandard", "c", "h", "n1");
  const json first = Post(server.url(), "/v1/activations", body);
  const json second = Post(server.url(), "/v1/activations", body);
  EXPECT_EQ(first["token"], second["token"]);
  EXPECT_EQ(second["activation"]["replayed"], true);
  EXPECT_EQ(second["activation"]["used"], 1) << second.dump();
  EXPECT_EQ(second["activation"]["limit"], 10) << second.dump();
  const CliResult r = RunProgram(kServer, {"keys", "show", "--data", data.string(), mak});
  EXPECT_NE(r.out.find("1 used"), std::string::npos) << r.out;
}

// Token signatures take nonces the server made ahead of time, in idle CPU time
// (precomputed_nonce_signer.h), and /metrics counts them; every token verifies with the vendor's
// key, and no two share a nonce.
TEST(OnlineActivationTest, TokensAreSignedWithNoncesMadeAheadAndCounted) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::string mak = GenerateKeys(data, "ServerStandard", "Volume:MAK", 1, 1000)[0];
  const std::optional<TrustedKey> vendor = LabVendorKey();
  ASSERT_TRUE(vendor.has_value());
  ServerProcess server(kServer, data);
  const auto counted = [&](const std::string& nonce) -> long {
    const std::string metrics = Get(server.url(), "/metrics").second;
    const std::string name = fmt::format("licet_token_signatures_total{{nonce=\"{}\"}} ", nonce);
    const size_t at = metrics.find(name);
    return at == std::string::npos ? -1 : std::stol(metrics.substr(at + name.size()));
  };
  std::set<std::string> nonce_points;
  int signed_tokens = 0;
  // The pool fills within milliseconds of the start, but its thread runs only on an idle CPU: on
  // a machine busy with other tests, keep activating (at most 200 machines) until one was used.
  while (signed_tokens < 20 || (counted("precomputed") == 0 && signed_tokens < 200)) {
    const std::string id = fmt::format("m{}", signed_tokens++);
    const json j = Post(server.url(), "/v1/activations",
                        ActivationBody(mak, "ServerStandard", id, id, "n-" + id));
    ASSERT_TRUE(j.contains("token")) << j.dump();
    const std::string token = j["token"].get<std::string>();
    const StatusOr<LicenseClaims> claims = VerifyLicenseToken(token, vendor->public_key);
    ASSERT_TRUE(claims.ok()) << claims.status();
    EXPECT_EQ(claims->cmid, id);
    const size_t body_start = paseto::kV4PublicHeader.size();
    const StatusOr<std::string> body =
        paseto::Base64UrlDecode(token.substr(body_start, token.rfind('.') - body_start));
    ASSERT_TRUE(body.ok() && body->size() > 64) << token;
    nonce_points.insert(body->substr(body->size() - 64, 32));  // R = [r]B
    if (signed_tokens >= 20) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GT(counted("precomputed"), 0);
  EXPECT_EQ(counted("precomputed") + counted("inline"), signed_tokens);
  EXPECT_EQ(nonce_points.size(), static_cast<size_t>(signed_tokens));
}

// /metrics shows the durable write path: requests per group-commit transaction and the disk's time
// to confirm. Requests sent one after another each get a transaction and a sync of their own.
TEST(OnlineActivationTest, MetricsCountCommitBatchesAndLogSyncs) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::string mak = GenerateKeys(data, "ServerStandard", "Volume:MAK", 1, 100)[0];
  ServerProcess server(kServer, data);
  const auto metric = [&](const std::string& name) -> double {
    const std::string metrics = Get(server.url(), "/metrics").second;
    const size_t at = metrics.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stod(metrics.substr(at + name.size() + 2));
  };
  EXPECT_EQ(metric("licet_commit_batch_activations_count"), 0);
  EXPECT_EQ(metric("licet_log_sync_seconds_count"), 0);
  for (int i = 0; i < 8; ++i) {
    const std::string id = fmt::format("m{}", i);
    ASSERT_TRUE(Post(server.url(), "/v1/activations",
                     ActivationBody(mak, "ServerStandard", id, id, "n-" + id))
                    .contains("token"));
  }
  EXPECT_EQ(metric("licet_commit_batch_activations_count"), 8);
  EXPECT_EQ(metric("licet_commit_batch_activations_sum"), 8);
  EXPECT_EQ(metric("licet_log_sync_seconds_count"), 8);
  const double synced = metric("licet_log_sync_seconds_sum");
  EXPECT_GT(synced, 0);
  EXPECT_LT(synced, 60);
}

// Each licet-server command's bad input gets its code, what happened and a fix that names a
// licet-server (or licet) command that works; usage errors exit 2, as licet's do.
TEST(ServerCommandsTest, BadInputIsExplainedWithAFixThatWorks) {
  TempDir dir;
  const std::filesystem::path data = dir.path() / "vendor";
  CliResult r =
      RunProgram(kServer, {"init", "--catalog", "nosuch", "--data", data.string(), "--lab"});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("0xA1CE0008"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Fix: licet-server init --catalog windows-server-2022"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("licet install"), std::string::npos) << r.err;
  InitServer(dir);
  r = RunProgram(kServer,
                 {"init", "--catalog", "windows-server-2022", "--data", data.string(), "--lab"});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("already holds"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("licet-server serve --data " + data.string()), std::string::npos) << r.err;

  r = RunProgram(kServer, {"keys", "generate", "--data", data.string(), "--edition", "Nope",
                           "--channel", "Volume:MAK"});
  EXPECT_EQ(r.exit_status, 1);
  const std::string fix = "Fix: licet catalog show ";
  const size_t at = r.err.find(fix);
  ASSERT_NE(at, std::string::npos) << r.err;
  const std::string catalog_path =
      r.err.substr(at + fix.size(), r.err.find(' ', at + fix.size()) - (at + fix.size()));
  const CliResult shown = Cli("licet", {"catalog", "show", catalog_path}, dir.path() / "none");
  EXPECT_EQ(shown.exit_status, 0) << shown.both();
  EXPECT_NE(shown.out.find("ServerStandard"), std::string::npos) << shown.out;

  // 192.0.2.1 (TEST-NET-1) is no address of this machine; a port in use is refused too.
  r = RunProgram(kServer, {"serve", "--data", data.string(), "--listen", "192.0.2.1:8080"});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("cannot listen on 192.0.2.1:8080"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("192.0.2.1 is not an address of this machine"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--listen 127.0.0.1:8080"), std::string::npos) << r.err;
  {
    ServerProcess server(kServer, data);
    const std::string port = server.url().substr(server.url().rfind(':') + 1);
    r = RunProgram(kServer, {"serve", "--data", data.string(), "--listen", "127.0.0.1:" + port});
    EXPECT_EQ(r.exit_status, 1);
    EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + port), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Another program listens on port " + port), std::string::npos) << r.err;
  }

  r = RunProgram(kServer,
                 {"keys", "show", "--data", data.string(), "VDYBN-27WPP-V4HQT-9VMD4-VMK7H"});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("was not issued by this server"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("licet-server keys generate"), std::string::npos) << r.err;
  r = RunProgram(kServer, {"phone", "confirm", "--data", data.string(), "12345"});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("0xC004F02C"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Read the installation ID again"), std::string::npos) << r.err;
  r = RunProgram(
      kServer, {"proxy", "fulfil", "--data", data.string(), (dir.path() / "missing.json").string(),
                "--out", (dir.path() / "answer.json").string()});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("licet proxy export --out FILE"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "answer.json"));

  for (const std::vector<std::string>& usage :
       {std::vector<std::string>{"keys", "generate", "--data", data.string(), "--edition",
                                 "ServerStandard", "--channel", "Volume:MAK", "--count", "0"},
        std::vector<std::string>{"keys", "block", "--data", data.string()},
        std::vector<std::string>{"no-such-command"}}) {
    r = RunProgram(kServer, usage);
    EXPECT_EQ(r.exit_status, 2) << r.both();
    EXPECT_FALSE(r.err.empty());
  }
  EXPECT_EQ(RunProgram(kServer, {"--help"}).exit_status, 0);
}

TEST(OnlineActivationTest, UnreachableServerNamesHostAndPort) {
  TempDir dir;
  const auto root = Machine(dir, "m", "VDYBN-27WPP-V4HQT-9VMD4-VMK7H", "http://127.0.0.1:9");
  const std::string retail =
      Cli("licet", {"lab", "key", "--edition", "ServerStandard", "--channel", "Retail"}, root)
          .out.substr(0, 29);
  ASSERT_EQ(Cli("slmgr", {"/ipk", retail}, root).exit_status, 0);
  const CliResult r = Cli("slmgr", {"/ato"}, root);
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("127.0.0.1:9"), std::string::npos) << r.err;
  EXPECT_NE(Cli("licet", {"events", "--id", "8200"}, root).out.find("127.0.0.1:9"),
            std::string::npos);
}

TEST(OnlineActivationTest, AdminRoutesNeedTheRightToken) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::string mak = GenerateKeys(data, "ServerStandard", "Volume:MAK", 1, 10)[0];
  const std::string admin_token = CreateToken(data, "admin");
  const std::string support_token = CreateToken(data, "support");
  ServerProcess server(kServer, data);
  // No token, a wrong token, a support token where admin is needed: all 401 in JSON.
  const std::string block = "/v1/admin/keys/" + mak + "/block";
  EXPECT_EQ(Request("GET", server.url(), "/v1/admin/stats").first, 401);
  EXPECT_EQ(Request("GET", server.url(), "/v1/admin/stats", "").first, 401);
  EXPECT_EQ(Request("GET", server.url(), "/v1/admin/stats", "lct_wrong").first, 401);
  EXPECT_EQ(Request("GET", server.url(), "/v1/admin/stats", support_token).first, 200);
  EXPECT_EQ(Request("POST", server.url(), block, support_token).first, 401);
  EXPECT_EQ(Request("POST", server.url(), block, admin_token).first, 200);
}

// A script pages through a key's activations by following `next` until it is null; a bad query
// is a JSON error that names the parameter and the accepted form.
TEST(OnlineActivationTest, AdminListingsPageThroughActivations) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::string mak = GenerateKeys(data, "ServerStandard", "Volume:MAK", 1, 10)[0];
  const std::string token = CreateToken(data, "support");
  ServerProcess server(kServer, data);
  ASSERT_GT(server.port(), 0);
  std::vector<std::string> sent;
  for (int i = 0; i < 5; ++i) {
    sent.push_back(fmt::format("cmid-{}", i));
    ASSERT_EQ(Post(server.url(), "/v1/activations",
                   ActivationBody(mak, "ServerStandard", sent.back(), fmt::format("hw-{}", i % 3)))
                  .value("/activation/used"_json_pointer, 0),
              std::min(i + 1, 3));
  }
  std::vector<std::string> listed;
  std::string next = "/v1/admin/keys/" + mak + "/activations?limit=2";
  int pages = 0;
  while (!next.empty() && pages < 10) {
    const auto [status, body] = Request("GET", server.url(), next, token);
    ASSERT_EQ(status, 200) << next << ": " << body;
    const json page = json::parse(body, nullptr, false);
    ASSERT_TRUE(page["activations"].is_array()) << body;
    EXPECT_LE(page["activations"].size(), 2u) << body;
    for (const json& a : page["activations"]) listed.push_back(a.value("cmid", ""));
    next = page["next"].is_string() ? page["next"].get<std::string>() : "";
    ++pages;
  }
  EXPECT_EQ(listed, sent);
  EXPECT_EQ(pages, 3);
  // keys show pages the same way from the command line: --after the answer's next_after.
  listed.clear();
  json after = 0;
  for (pages = 0; !after.is_null() && pages < 10; ++pages) {
    const CliResult r = RunProgram(kServer, {"keys", "show", "--data", data.string(), mak, "--json",
                                             "--limit", "2", "--after", after.dump()});
    ASSERT_EQ(r.exit_status, 0) << r.both();
    const json page = json::parse(r.out, nullptr, false);
    for (const json& a : page["activations"]) listed.push_back(a.value("cmid", ""));
    after = page["next_after"];
  }
  EXPECT_EQ(listed, sent);
  EXPECT_EQ(pages, 3);
  const CliResult shown =
      RunProgram(kServer, {"keys", "show", "--data", data.string(), mak, "--limit", "4"});
  EXPECT_NE(shown.out.find("more activations follow: licet-server keys show --data"),
            std::string::npos)
      << shown.out;
  const json key = json::parse(Request("GET", server.url(), "/v1/admin/keys/" + mak, token).second,
                               nullptr, false);
  EXPECT_EQ(key["machines"], json({"hw-0", "hw-1", "hw-2"})) << key.dump();
  EXPECT_EQ(key["machines_truncated"], false) << key.dump();

  const auto [status, body] =
      Request("GET", server.url(), "/v1/admin/keys/" + mak + "/activations?limit=0", token);
  EXPECT_EQ(status, 400) << body;
  const json error = json::parse(body, nullptr, false);
  EXPECT_NE(error["error"]["message"].get<std::string>().find("limit='0'"), std::string::npos)
      << body;
  EXPECT_NE(error["error"]["remedy"].get<std::string>().find("?limit=N"), std::string::npos)
      << body;

  // The key may be typed in any case and dashing; anything else in its place, a wrong method, a
  // path that is no route and a query where none is taken are each told apart, in JSON.
  std::string lower = mak;
  std::ranges::transform(lower, lower.begin(), [](char c) { return std::tolower(c); });
  std::erase(lower, '-');
  const auto [same_status, same] =
      Request("GET", server.url(), "/v1/admin/keys/" + lower + "/activations?limit=1", token);
  EXPECT_EQ(same_status, 200) << same;
  EXPECT_EQ(json::parse(same, nullptr, false)["key"], mak) << same;
  const auto expect_error = [&](const std::string& method, const std::string& path, int http,
                                const std::string& code, const std::string& says) {
    const auto [got, text] = Request(method, server.url(), path, token);
    EXPECT_EQ(got, http) << method << " " << path << ": " << text;
    const json e = json::parse(text, nullptr, false);
    EXPECT_EQ(e["error"]["code"], code) << text;
    EXPECT_NE(e["error"]["message"].get<std::string>().find(says), std::string::npos) << text;
  };
  expect_error("GET", "/v1/admin/keys/NOT-A-KEY/activations", 400, "0xC004F050", "'NOT-A-KEY'");
  expect_error("GET", "/v1/admin/keys/" + mak + "/activations/extra", 404, "0xA1CE0008",
               "no admin route");
  expect_error("GET", "/v1/admin/keys/" + mak + "/block", 400, "0x80070057", "use POST");
  expect_error("POST", "/v1/admin/keys/" + mak, 400, "0x80070057", "use GET");
  expect_error("GET", "/v1/admin/keys/" + mak + "?limit=5", 400, "0x80070057",
               "takes no query parameters");
}

TEST(OnlineActivationTest, ReleasingAMachineGivesTheKeyItsCountBack) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::string mak = GenerateKeys(data, "ServerStandard", "Volume:MAK", 1, 1)[0];
  const std::string admin_token = CreateToken(data, "admin");
  const std::string support_token = CreateToken(data, "support");
  ServerProcess server(kServer, data);
  ASSERT_GT(server.port(), 0);
  const auto a = Machine(dir, "a", mak, server.url());
  const auto b = Machine(dir, "b", mak, server.url());
  ASSERT_EQ(Cli("slmgr", {"/ato"}, a).exit_status, 0);
  CliResult r = Cli("slmgr", {"/ato"}, b);
  EXPECT_NE(r.err.find("0xC004C020"), std::string::npos) << r.err;

  // keys show lists the machine with its CMID; releasing it by that CMID frees the count.
  const std::string cmid_a = json::parse(Cli("licet", {"status", "--json"}, a).out)["cmid"];
  r = RunProgram(kServer, {"keys", "show", "--data", data.string(), mak});
  EXPECT_NE(r.out.find("CMID " + cmid_a), std::string::npos) << r.out;
  r = RunProgram(kServer, {"keys", "release", "--data", data.string(), mak, "nosuch", "--json"});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_EQ(json::parse(r.out, nullptr, false)["error"]["code"], "0xA1CE0008") << r.both();
  r = RunProgram(kServer, {"keys", "release", "--data", data.string(), mak, cmid_a});
  EXPECT_EQ(r.exit_status, 0) << r.both();
  EXPECT_NE(r.out.find("0 of 1 machines used, 1 left"), std::string::npos) << r.out;
  ASSERT_EQ(Cli("slmgr", {"/ato"}, b).exit_status, 0) << "the released count went to machine b";
  const json shown =
      json::parse(RunProgram(kServer, {"keys", "show", "--data", data.string(), mak, "--json"}).out,
                  nullptr, false);
  EXPECT_EQ(shown["released"], 1) << shown.dump();
  EXPECT_EQ(shown["used"], 1) << shown.dump();
  ASSERT_EQ(shown["activations"].size(), 1u) << shown.dump();
  EXPECT_NE(shown["activations"][0]["cmid"], cmid_a) << "machine b's activation is listed";
  EXPECT_NE(Cli("slmgr", {"/ato"}, a).err.find("0xC004C020"), std::string::npos)
      << "machine a holds no count any more";

  // The admin route releases by hardware ID; support tokens may not; an unknown machine is 404.
  const std::string key_route = "/v1/admin/keys/" + mak;
  const json before =
      json::parse(Request("GET", server.url(), key_route, admin_token).second, nullptr, false);
  ASSERT_EQ(before["machines"].size(), 1u) << before.dump();
  const std::string hw_b = before["machines"][0];
  const std::string release = key_route + "/machines/" + hw_b + "/release";
  EXPECT_EQ(Request("POST", server.url(), release).first, 401);
  EXPECT_EQ(Request("POST", server.url(), release, support_token).first, 401);
  const auto [status, body] = Request("POST", server.url(), release, admin_token);
  EXPECT_EQ(status, 200) << body;
  const json released = json::parse(body, nullptr, false);
  EXPECT_EQ(released["released"], hw_b) << body;
  EXPECT_EQ(released["used"], 0) << body;
  const auto [missing, why] = Request("POST", server.url(), release, admin_token);
  EXPECT_EQ(missing, 404) << why;
  EXPECT_EQ(json::parse(why, nullptr, false)["error"]["code"], "0xA1CE0008") << why;
  const json after =
      json::parse(Request("GET", server.url(), key_route, support_token).second, nullptr, false);
  EXPECT_EQ(after["released"], 2) << after.dump();
  EXPECT_EQ(after["used"], 0) << after.dump();
  EXPECT_TRUE(after["machines"].empty()) << after.dump();
  ASSERT_EQ(Cli("slmgr", {"/ato"}, a).exit_status, 0) << "a may take the count back";
}

TEST(OnlineActivationTest, HostileBodiesGetJsonErrorsAndTheServerLives) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  ServerProcess server(kServer, data);
  int status = 0;
  for (const std::string& body :
       {std::string("not json"), std::string("[]"), std::string("{\"product_key\": 5}"),
        std::string("{\"product_key\":\"") + std::string(100, 'B') + "\"}",
        std::string(200000, '{')}) {
    const json j = Post(server.url(), "/v1/activations", body, &status);
    EXPECT_GE(status, 400) << body.substr(0, 30);
    ASSERT_TRUE(j.is_object() && j.contains("error")) << body.substr(0, 30);
    // The remedy speaks to an HTTP client (the API's description), not to a command line.
    const std::string remedy = j["error"].value("remedy", "");
    EXPECT_NE(remedy.find("docs/api/openapi.yaml"), std::string::npos) << j.dump();
  }
  EXPECT_EQ(status, 413);
  EXPECT_NE(Get(server.url(), "/no-such-route").second.find("docs/api/openapi.yaml"),
            std::string::npos);
  EXPECT_NE(Get(server.url(), "/healthz").second.find("ok"), std::string::npos);
}

TEST(OnlineActivationTest, SixtyFourClientsRaceForTheLastActivations) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::string mak = GenerateKeys(data, "ServerStandard", "Volume:MAK", 1, 10)[0];
  ServerProcess server(kServer, data);
  std::atomic<int> ok{0}, exhausted{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 64; ++i) {
    clients.emplace_back([&, i] {
      const std::string body =
          ActivationBody(mak, "ServerStandard", fmt::format("c{}", i), fmt::format("h{}", i));
      StatusOr<client::HttpReply> r = client::PostJson(server.url() + "/v1/activations", body);
      if (r.ok() && r->status == 200) ++ok;
      if (r.ok() && r->body.find("0xC004C020") != std::string::npos) ++exhausted;
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(ok.load(), 10);
  EXPECT_EQ(exhausted.load(), 54);
}

// Two vendors' scripts issuing keys at once from one data directory: each gets its own serials, and
// every key either run lists is in the store.
TEST(KeyIssuanceTest, ConcurrentGenerateRunsIssueDisjointKeys) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  constexpr int kEach = 100'000;
  std::vector<CliResult> results(2);
  std::vector<std::thread> runs;
  for (int i = 0; i < 2; ++i) {
    runs.emplace_back([&, i] {
      results[static_cast<size_t>(i)] = RunProgram(
          kServer, {"keys", "generate", "--data", data.string(), "--edition", "ServerStandard",
                    "--channel", "Volume:MAK", "--count", std::to_string(kEach), "--out",
                    (dir.path() / fmt::format("keys{}.txt", i)).string()});
    });
  }
  for (std::thread& t : runs) t.join();
  std::set<std::string> all;
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(results[static_cast<size_t>(i)].exit_status, 0)
        << results[static_cast<size_t>(i)].both();
    std::ifstream in(dir.path() / fmt::format("keys{}.txt", i));
    int lines = 0;
    for (std::string key; std::getline(in, key); ++lines) all.insert(key);
    EXPECT_EQ(lines, kEach);
  }
  EXPECT_EQ(all.size(), 2u * kEach) << "the two runs issued some of the same keys";
  for (const std::string& key : {*all.begin(), *all.rbegin()}) {
    const CliResult shown = RunProgram(kServer, {"keys", "show", "--data", data.string(), key});
    EXPECT_EQ(shown.exit_status, 0) << shown.both();
    EXPECT_NE(shown.out.find("0 used, 100 left"), std::string::npos) << shown.out;
  }
}

// keys generate --out FILE killed part-way: no FILE, and FILE.partial lists only stored keys.
TEST(KeyIssuanceTest, AGenerationKilledPartWayListsOnlyStoredKeys) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::filesystem::path out = dir.path() / "keys.txt";
  std::filesystem::path partial = out;
  partial += ".partial";
  testing::AppProcess run(
      {kServer, "keys", "generate", "--data", data.string(), "--edition", "ServerStandard",
       "--channel", "Volume:MAK", "--count", "3000000", "--out", out.string()},
      {});
  // Killed once the first chunk (100,000 keys of 30 bytes) is listed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  const auto listed_bytes = [&] {
    std::error_code ec;  // not created yet: 0
    const std::uintmax_t n = std::filesystem::file_size(partial, ec);
    return ec ? 0 : n;
  };
  while (listed_bytes() < 3'000'000 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  run.Stop(SIGKILL);
  EXPECT_FALSE(std::filesystem::exists(out));
  std::vector<std::string> listed;
  std::ifstream in(partial);
  for (std::string line; std::getline(in, line);) {
    if (line.size() == 29) listed.push_back(line);  // a last line the kill cut is not a key
  }
  ASSERT_GE(listed.size(), 100'000u);
  EXPECT_LT(listed.size(), 3'000'000u) << "the run ended before the kill";
  for (const std::string& key : {listed.front(), listed[listed.size() / 2], listed.back()}) {
    const CliResult shown = RunProgram(kServer, {"keys", "show", "--data", data.string(), key});
    EXPECT_EQ(shown.exit_status, 0) << "listed but not stored: " << shown.both();
  }
  const std::string admin_token = CreateToken(data, "admin");
  ServerProcess server(kServer, data);
  const json stats = json::parse(
      Request("GET", server.url(), "/v1/admin/stats", admin_token).second, nullptr, false);
  EXPECT_GE(stats.value("keys", 0u), listed.size()) << stats.dump();
}

// Activations acknowledged to a client survive the server being SIGKILLed under load.
TEST(OnlineActivationTest, NoAcknowledgedActivationIsLostOnSigkill) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::string mak = GenerateKeys(data, "ServerStandard", "Volume:MAK", 1, 1000000)[0];
  std::map<std::string, std::string> acknowledged;  // cmid -> token
  std::mutex mu;
  for (int round = 0; round < 4; ++round) {
    ServerProcess server(kServer, data);
    ASSERT_GT(server.port(), 0);
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < 6; ++t) {
      clients.emplace_back([&, t] {
        for (int i = 0; !stop; ++i) {
          const std::string cmid = fmt::format("r{}-t{}-{}", round, t, i);
          const std::string body = ActivationBody(mak, "ServerStandard", cmid, cmid);
          StatusOr<client::HttpReply> r =
              client::PostJson(server.url() + "/v1/activations", body, std::chrono::seconds(2));
          if (!r.ok()) break;
          if (r->status == 200) {
            std::lock_guard lock(mu);
            acknowledged[cmid] = json::parse(r->body)["token"];
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    server.Kill(SIGKILL);
    stop = true;
    for (std::thread& t : clients) t.join();
  }
  ASSERT_GT(acknowledged.size(), 20u);
  ServerProcess server(kServer, data);
  size_t found = 0;
  for (const auto& [cmid, token] : acknowledged) {
    const std::string body = ActivationBody(mak, "ServerStandard", cmid, cmid);
    const json j = Post(server.url(), "/v1/activations", body);
    found += j.value("token", "") == token && j["activation"]["replayed"] == true;
  }
  EXPECT_EQ(found, acknowledged.size());
}

// A disk that fails to sync the activation log (fdatasync returning EIO, through an LD_PRELOAD
// shim on the real server): the activation in flight is refused with LICET_E_IO, never
// acknowledged; every later one is refused too, even once the disk answers again (the kernel may
// have dropped the pages it could not write), until a restart; /healthz answers 503 with the
// cause. After the restart, everything acknowledged before is there, and the refused request,
// sent again, activates exactly once.
TEST(OnlineActivationTest, AFailedDiskSyncIsNeverAcknowledged) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::string mak = GenerateKeys(data, "ServerStandard", "Volume:MAK", 1, 100)[0];
  const std::filesystem::path failing = dir.path() / "disk-fails";
  std::map<std::string, std::string> acknowledged;  // cmid -> token
  const auto activate = [&](const std::string& url, const std::string& cmid, int* status) {
    return Post(url, "/v1/activations", ActivationBody(mak, "ServerStandard", cmid, cmid), status);
  };
  {
    ServerProcess server(kServer, data, {},
                         {std::string("LD_PRELOAD=") + LICET_FAILING_SYNC_SHIM,
                          "LICET_TEST_FAIL_SYNC=" + failing.string()});
    ASSERT_GT(server.port(), 0);
    int status = 0;
    for (const std::string cmid : {"before-1", "before-2", "before-3"}) {
      const json j = activate(server.url(), cmid, &status);
      ASSERT_EQ(status, 200) << j.dump();
      acknowledged[cmid] = j["token"];
    }
    EXPECT_EQ(Get(server.url(), "/healthz").first, 200);

    std::ofstream(failing).put('\n');
    json j = activate(server.url(), "during", &status);
    EXPECT_EQ(status, 503) << j.dump();
    EXPECT_EQ(j["error"]["code"], "0xA1CE0009") << j.dump();
    EXPECT_NE(j.value("/error/message"_json_pointer, "").find("Input/output error"),
              std::string::npos)
        << j.dump();
    EXPECT_FALSE(j.contains("token"));

    std::filesystem::remove(failing);  // the disk answers again: still refused
    j = activate(server.url(), "after", &status);
    EXPECT_EQ(status, 503) << j.dump();
    EXPECT_EQ(j["error"]["code"], "0xA1CE0009") << j.dump();
    EXPECT_NE(j.value("/error/remedy"_json_pointer, "").find("restart licet-server"),
              std::string::npos)
        << j.dump();

    const auto [health_status, health] = Get(server.url(), "/healthz");
    EXPECT_EQ(health_status, 503) << health;
    EXPECT_NE(health.find("0xA1CE0009"), std::string::npos) << health;
    EXPECT_NE(Get(server.url(), "/metrics").second.find("licet_store_healthy 0"),
              std::string::npos);
  }
  ServerProcess server(kServer, data);
  EXPECT_EQ(Get(server.url(), "/healthz").first, 200);
  EXPECT_NE(Get(server.url(), "/metrics").second.find("licet_store_healthy 1"), std::string::npos);
  int status = 0;
  for (const auto& [cmid, token] : acknowledged) {
    const json j = activate(server.url(), cmid, &status);
    EXPECT_EQ(j.value("token", ""), token) << cmid;
    EXPECT_EQ(j["activation"]["replayed"], true) << cmid;
  }
  // Written to the log but never confirmed: it may or may not have survived; sent again, it
  // activates, and counts once either way.
  const json retried = activate(server.url(), "during", &status);
  EXPECT_EQ(status, 200) << retried.dump();
  EXPECT_EQ(retried["activation"]["used"], 4) << retried.dump();
  EXPECT_EQ(activate(server.url(), "during", &status)["activation"]["used"], 4);
  const json next = activate(server.url(), "after", &status);
  EXPECT_EQ(status, 200) << next.dump();
  EXPECT_EQ(next["activation"]["used"], 5) << next.dump();
}

// A host key (CSVLK) activates up to 6 hosts, 10 times in all, and yields a vendor-signed
// certificate.
TEST(HostActivationTest, HostKeyLimitsAndCertificate) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::string csvlk = GenerateKeys(data, "ServerStandard", "Volume:CSVLK", 1)[0];
  ServerProcess server(kServer, data);
  const SigningKey host = SigningKey::Generate("host");
  const std::string host_pk = Base64Encode(host.public_key);
  const auto activate = [&](const std::string& host_id, const std::string& nonce) {
    return Post(server.url(), "/v1/host-activations",
                json{{"host_key", csvlk},
                     {"host_public_key", host_pk},
                     {"host_id", host_id},
                     {"nonce", nonce}}
                    .dump());
  };
  for (int h = 1; h <= 6; ++h) {
    const json j = activate("host-" + std::to_string(h), "n");
    ASSERT_TRUE(j.contains("certificate")) << h << ": " << j.dump();
  }
  EXPECT_EQ(activate("host-7", "n")["error"]["code"], "0xC004C008") << "a seventh host";
  for (int again = 0; again < 4; ++again) {
    EXPECT_TRUE(activate("host-1", "again-" + std::to_string(again)).contains("certificate"))
        << again;
  }
  EXPECT_EQ(activate("host-1", "eleventh")["error"]["code"], "0xC004C008")
      << "the eleventh activation";

  const std::optional<TrustedKey> vendor = LabVendorKey();
  ASSERT_TRUE(vendor.has_value());
  const json first = activate("host-2", "n");  // replay: the stored certificate
  ASSERT_TRUE(first.contains("certificate")) << first.dump();
  const StatusOr<HostCertificateClaims> cert =
      VerifyHostCertificate(first["certificate"].get<std::string>(), vendor->public_key);
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_EQ(cert->host_id, "host-2");
  EXPECT_EQ(cert->host_public_key, host.public_key);
  EXPECT_EQ(cert->max_version, 20348u);
  EXPECT_EQ(cert->skus.size(), 2u) << "the Standard and Datacenter GVLK SKUs";
  const SigningKey rogue = SigningKey::Generate("licet-lab-root-2026");
  EXPECT_FALSE(VerifyHostCertificate(IssueHostCertificate(*cert, rogue), vendor->public_key).ok())
      << "a self-made certificate does not verify";
  // A MAK is not a host key.
  const std::string mak = GenerateKeys(data, "ServerStandard", "Volume:MAK", 1, 5)[0];
  const json wrong =
      Post(server.url(), "/v1/host-activations",
           json{{"host_key", mak}, {"host_public_key", host_pk}, {"host_id", "h"}, {"nonce", "n"}}
               .dump());
  EXPECT_EQ(wrong["error"]["code"], "0x80070032");
}

// With a single I/O thread, a host activation holds that thread until its write is durable (it
// waits for the store's answer), while online activations are answered later from the store's
// threads: each kind must still be answered while the other waits.
TEST(HostActivationTest, OneIoThreadAnswersHostAndMachineActivationsTogether) {
  TempDir dir;
  const std::filesystem::path data = InitServer(dir);
  const std::string csvlk = GenerateKeys(data, "ServerStandard", "Volume:CSVLK", 1)[0];
  const std::string mak = GenerateKeys(data, "ServerStandard", "Volume:MAK", 1, 100)[0];
  ServerProcess server(kServer, {kServer, "serve", "--data", data.string(), "--listen",
                                 "127.0.0.1:0", "--threads", "1"});
  const std::string host_pk = Base64Encode(SigningKey::Generate("host").public_key);
  std::atomic<int> hosts_ok{0}, machines_ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 12; ++i) {
    clients.emplace_back([&, i] {
      for (int round = 0; round < 3; ++round) {
        const std::string id = std::to_string(i) + "-" + std::to_string(round);
        if (i % 4 == 0) {
          const std::string body = json{
              {"host_key", csvlk},
              {"host_public_key", host_pk},
              {"host_id", "host-" + std::to_string(i / 4)},
              {"nonce", id}}.dump();
          StatusOr<client::HttpReply> r =
              client::PostJson(server.url() + "/v1/host-activations", body);
          if (r.ok() && r->status == 200) ++hosts_ok;
        } else {
          StatusOr<client::HttpReply> r = client::PostJson(
              server.url() + "/v1/activations", ActivationBody(mak, "ServerStandard", id, id));
          if (r.ok() && r->status == 200) ++machines_ok;
        }
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(hosts_ok.load(), 9) << "3 hosts, 3 activations each (within the host key's 10)";
  EXPECT_EQ(machines_ok.load(), 27);
  // A deadlocked server would not stop on SIGTERM either.
  if (HasFailure()) server.Kill(SIGKILL);
}

// A TCP server on loopback that answers every connection with the same canned bytes.
class CannedServer {
 public:
  explicit CannedServer(std::string reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 8);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      while (true) {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        char buf[8192];
        (void)!::read(c, buf, sizeof buf);
        (void)!::write(c, reply_.data(), reply_.size());
        ::close(c);
      }
    });
  }
  ~CannedServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string reply_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

// A server answering garbage never crashes the client: each case is a clean error with a code.
TEST(OnlineActivationTest, GarbageFromTheServerIsACleanError) {
  TempDir dir;
  const std::string http_ok =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ";
  const std::pair<std::string, std::string> cases[] = {
      {"\x16\x03\x01 binary garbage \xff\xfe", "0xA1CE0011"},
      {http_ok + "7\r\n\r\ngarbage", "0xA1CE0011"},
      {http_ok + "2\r\n\r\n{}", "0xA1CE0011"},
      {http_ok + "31\r\n\r\n{\"token\": \"v4.public.AAAAAAAA\"}", "0xA1CE000E"},
      {"HTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\nboom", "0xA1CE0011"},
      {"HTTP/1.1 403 No\r\nContent-Length: 60\r\n\r\n{\"error\": {\"code\": \"0xC004C003\", "
       "\"message\": \"blocked key\"}}  ",
       "0xC004C003"},
  };
  int i = 0;
  for (const auto& [reply, code] : cases) {
    CannedServer fake(reply);
    const auto root =
        Machine(dir, fmt::format("m{}", i++), "VDYBN-27WPP-V4HQT-9VMD4-VMK7H", fake.url());
    const std::string retail =
        Cli("licet", {"lab", "key", "--edition", "ServerStandard", "--channel", "Retail"}, root)
            .out.substr(0, 29);
    ASSERT_EQ(Cli("slmgr", {"/ipk", retail}, root).exit_status, 0);
    const CliResult r = Cli("slmgr", {"/ato"}, root);
    EXPECT_EQ(r.exit_status, 1) << reply;
    EXPECT_NE(r.err.find(code), std::string::npos) << reply << " -> " << r.err;
    EXPECT_EQ(RunProgram(kCli + "licet", {"status", "--json"}, {"LICET_ROOT=" + root.string()})
                  .out.find("\"licensed\""),
              std::string::npos);
  }
}

}  // namespace
}  // namespace licet

namespace licet {
namespace {

// licet-server --tls-cert/--tls-key, and a client that trusts the server's CA through `ca-file`.
TEST(TlsActivationTest, HttpsWithTrustedCertificate) {
  TempDir dir;
  const std::string cert = (dir.path() / "cert.pem").string(),
                    key = (dir.path() / "key.pem").string();
  const CliResult gen =
      RunProgram("/usr/bin/openssl",
                 {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                  "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                  "-addext", "subjectAltName=IP:127.0.0.1"});
  ASSERT_EQ(gen.exit_status, 0) << gen.both();
  const std::filesystem::path data = InitServer(dir);
  const std::vector<std::string> maks = GenerateKeys(data, "ServerStandard", "Volume:MAK", 1, 5);
  ServerProcess server(kServer, data, {"--tls-cert", cert, "--tls-key", key});
  ASSERT_GT(server.port(), 0);
  const std::string https = "https://127.0.0.1:" + std::to_string(server.port());

  const auto untrusted = Machine(dir, "untrusted", maks[0], https);
  CliResult r = Cli("slmgr", {"/ato"}, untrusted);
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_NE(r.err.find("TLS handshake"), std::string::npos) << r.err;

  const auto plain = Machine(dir, "plain", maks[0], server.url());  // http:// to a TLS port
  r = Cli("slmgr", {"/ato"}, plain);
  EXPECT_EQ(r.exit_status, 1) << r.both();

  const auto trusted = Machine(dir, "trusted", maks[0], https);
  ASSERT_EQ(Cli("licet", {"config", "set", "ca-file", cert}, trusted).exit_status, 0);
  r = Cli("slmgr", {"/ato"}, trusted);
  ASSERT_EQ(r.exit_status, 0) << r.both();
  EXPECT_NE(r.out.find("Product activated successfully"), std::string::npos);
  EXPECT_NE(Cli("slmgr", {"/dli"}, trusted).out.find("License Status: Licensed"),
            std::string::npos);
}

}  // namespace
}  // namespace licet
