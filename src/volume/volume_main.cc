// licet-volume: the on-premises volume activation host (Licet's KMS host).
//   licet-volume init --data DIR --catalog NAME|PATH [--host-key CSVLK --server URL]
//   licet-volume activate --data DIR --host-key CSVLK --server URL
//   licet-volume serve --data DIR [--listen 0.0.0.0:1688] [--threads N]
//   licet-volume status --data DIR [--json]
//   licet-volume dns-record --data DIR --domain D [--host NAME] [--publish DNS-SERVER]
//   licet-volume sai|sri --data DIR MINUTES      (slmgr /sai, /sri)
//   licet-volume dns-publishing enable|disable --data DIR   (slmgr /sdns, /cdns)
//   licet-volume lab clock advance DURATION|reset --data DIR   (lab catalogs)
// Exit status: 0 success, 1 failure, 2 usage error.
#include <CLI/CLI.hpp>

#include "host_commands.h"

int main(int argc, char** argv) {
  using namespace licet::volume;
  CLI::App app{
      "licet-volume: the on-premises volume activation host. Activated once by the vendor with a "
      "host key (CSVLK), it activates GVLK clients once it counts the catalog's threshold of "
      "machines (5 for servers), and clients find it through the DNS SRV record _vlmcs._tcp.",
      "licet-volume"};
  app.require_subcommand(1);
  int rc = 0;

  InitArgs init;
  CLI::App* init_cmd = app.add_subcommand(
      "init", "Create the host's data directory and key pair, then activate the host key");
  init_cmd->add_option("--data", init.data, "Data directory")->required();
  init_cmd->add_option("--catalog", init.catalog, "Catalog name or path")->required();
  init_cmd->add_option("--host-key", init.host_key, "The host key (Volume:CSVLK) from the vendor");
  init_cmd->add_option("--server", init.server, "licet-server URL, e.g. http://127.0.0.1:8080");
  init_cmd->add_option("--ca-file", init.ca_file, "PEM CA for an https server");
  init_cmd->add_option("--trust-key", init.trust_keys, "Extra trusted vendor key (base64)");
  init_cmd->callback([&] { rc = RunInit(init); });

  std::string data, host_key, server, ca_file;
  CLI::App* activate =
      app.add_subcommand("activate", "Activate (or re-activate) the host key against licet-server");
  activate->add_option("--data", data, "Data directory")->required();
  activate->add_option("--host-key", host_key, "The host key (Volume:CSVLK)")->required();
  activate->add_option("--server", server, "licet-server URL")->required();
  activate->add_option("--ca-file", ca_file, "PEM CA for an https server");
  activate->callback([&] { rc = RunActivate(data, host_key, server, ca_file); });

  std::string listen = "0.0.0.0:1688";
  int threads = 0;
  CLI::App* serve = app.add_subcommand("serve", "Answer volume clients on TCP (port 1688)");
  serve->add_option("--data", data, "Data directory")->required();
  serve->add_option("--listen", listen, "HOST:PORT (port 0 picks a free one)");
  serve->add_option("--threads", threads, "I/O threads (default: one per core)");
  serve->callback([&] { rc = RunServe(data, listen, threads); });

  bool as_json = false;
  CLI::App* status = app.add_subcommand(
      "status", "The host's view, as slmgr /dlv shows it on a KMS host: count, port, requests");
  status->add_option("--data", data, "Data directory")->required();
  status->add_flag("--json", as_json, "Machine-readable output");
  status->callback([&] { rc = RunStatus(data, as_json); });

  DnsRecordArgs dns;
  CLI::App* record = app.add_subcommand(
      "dns-record", "Print the SRV record clients look up, or publish it (RFC 2136 update)");
  record->add_option("--data", dns.data, "Data directory")->required();
  record->add_option("--domain", dns.domain, "DNS zone, e.g. corp.example")->required();
  record->add_option("--host", dns.host, "This host's DNS name (default: the machine's name)");
  record->add_option("--port", dns.port, "Port clients connect to (default: the catalog's, 1688)");
  record->add_option("--priority", dns.priority, "SRV priority (lower is tried first)");
  record->add_option("--weight", dns.weight, "SRV weight among equal priorities");
  record->add_option("--ttl", dns.ttl, "Record TTL in seconds");
  record->add_option("--publish", dns.publish,
                     "Send the record to this DNS server (IP[:PORT]); a failure logs event 12293");
  record->callback([&] { rc = RunDnsRecord(dns); });

  std::uint32_t minutes = 0;
  for (const bool renewal : {false, true}) {
    CLI::App* cmd = app.add_subcommand(
        renewal ? "sri" : "sai",
        renewal ? "Set the renewal interval clients take (slmgr /sri; default 10080 minutes)"
                : "Set the activation (retry) interval clients take (slmgr /sai; default 120)");
    cmd->add_option("--data", data, "Data directory")->required();
    cmd->add_option("minutes", minutes, "Minutes, 15 to 43200")->required();
    cmd->callback([&, renewal] { rc = RunSetInterval(data, renewal, minutes); });
  }

  std::string toggle;
  CLI::App* publishing =
      app.add_subcommand("dns-publishing", "Allow or forbid DNS publication (slmgr /sdns, /cdns)");
  publishing->add_option("state", toggle, "enable or disable")
      ->required()
      ->check(CLI::IsMember({"enable", "disable"}));
  publishing->add_option("--data", data, "Data directory")->required();
  publishing->callback([&] { rc = RunSetDnsPublishing(data, toggle == "enable"); });

  std::string action, amount;
  CLI::App* lab = app.add_subcommand("lab", "Lab catalogs only: rehearse time on the host");
  lab->require_subcommand(1);
  CLI::App* clock = lab->add_subcommand("clock", "Move the host's clock: advance DURATION, reset");
  clock->add_option("action", action, "advance or reset")->required();
  clock->add_option("amount", amount, "For advance: 7d, 12h, 90m, ...");
  clock->add_option("--data", data, "Data directory")->required();
  clock->callback([&] { rc = RunLabClock(data, action, amount); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; a usage error prints what was wrong and exits 2, as licet does.
    return app.exit(e) == 0 ? 0 : 2;
  }
  return rc;
}
