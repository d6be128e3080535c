// What a volume host does with one request: check it, count the client's CMID, and answer with a
// signed grant (a volume license token), a signed denial (count below the threshold, product the
// certificate does not cover, clocks apart), or an unsigned error (not activated, malformed).
// Every request is logged as event 12290 in events.jsonl.
//
//   VolumeService service(std::move(host), std::move(table));
//   std::string reply = service.Handle(request_payload);  // a reply frame's payload
//   LICET_RETURN_IF_ERROR(service.Flush());              // before the reply is sent
//
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "client_table.h"
#include "host_data.h"
#include "licet/core/paseto.h"
#include "licet/core/precomputed_nonce_signer.h"

namespace licet::volume {

/// Requests since `serve` started, for stats.json and `licet-volume status`.
struct HostStats {
  std::uint64_t requests = 0;
  std::uint64_t granted = 0;
  std::map<std::string, std::uint64_t> by_license_status;  // the client's status before the request
  std::map<std::string, std::uint64_t> by_result;          // "0x00000000", "0xC004F038", ...
  std::uint32_t count = 0;
};

class VolumeService {
 public:
  VolumeService(HostData host, std::unique_ptr<ClientTable> table);

  /// Answers one request payload with a reply payload. Never fails: errors are replies.
  [[nodiscard]] std::string Handle(std::string_view request_payload);
  /// Writes the journal records of the requests answered so far (call before sending their
  /// replies: a reply acknowledges a counted CMID). Errors: kIoError.
  [[nodiscard]] Status Flush();
  /// Once a second (and at shutdown): write the events 12290 of the last second, fdatasync the
  /// journal and events, re-read host.json (/sai, /sri and the lab clock take effect without a
  /// restart), and write stats.json when it changed. A killed host loses at most the last second
  /// of its request log, never a count.
  void Tick();

  [[nodiscard]] HostStats Stats();
  /// Shown by `licet-volume status` (through stats.json).
  void SetListenAddress(std::string address);
  [[nodiscard]] TimePoint Now() const;
  [[nodiscard]] const HostData& host() const { return host_; }

 private:
  struct Outcome;
  [[nodiscard]] std::string Decide(std::string_view payload, Outcome& outcome);
  void Note(const Outcome& outcome);
  [[nodiscard]] Status WriteEvents();

  HostData host_;
  paseto::PreparedFooter footer_;  // VolumeFooter(): the same for every reply
  // Signs every reply with the host key, its nonces made ahead in idle CPU time, or four at a
  // time by a reply that finds none ready (licet/core/precomputed_nonce_signer.h).
  PrecomputedNonceSigner signer_;
  std::unique_ptr<ClientTable> table_;
  std::atomic<std::int64_t> lab_offset_seconds_;
  std::atomic<std::uint32_t> retry_minutes_;
  std::atomic<std::uint32_t> renewal_minutes_;

  std::mutex mu_;  // guards what follows
  HostStats stats_;
  bool stats_dirty_ = true;
  std::string listen_;
  std::string pending_events_;
  int events_fd_ = -1;
};

}  // namespace licet::volume
