// libFuzzer target for everything a volume host or client reads off the wire: the frame header,
// the request payload, and the reply payload (with a throwaway vendor key, so verification fails
// but parsing runs). Invariant beyond "never crashes": a request that parses re-serialises to a
// payload that parses to the same request.
// Build: cmake -DLICET_FUZZ=ON with clang; run: build-asan/fuzz/volume_protocol_fuzzer
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "licet/core/check.h"
#include "licet/core/volume_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace volume = licet::volume;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)volume::DecodeFrameHeader(bytes, volume::FrameKind::kRequest);
  (void)volume::DecodeFrameHeader(bytes, volume::FrameKind::kReply);
  const licet::StatusOr<volume::VolumeRequest> request = volume::ParseVolumeRequest(bytes);
  if (request.ok()) {
    const licet::StatusOr<volume::VolumeRequest> again =
        volume::ParseVolumeRequest(volume::SerializeVolumeRequest(*request));
    LICET_CHECK(again.ok() && again->cmid == request->cmid && again->nonce == request->nonce &&
                    again->client_time == request->client_time &&
                    again->product_version == request->product_version,
                "a parsed request round-trips");
  }
  (void)volume::ParseReply(bytes, {});
  return 0;
}
