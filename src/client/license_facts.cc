#include "license_facts.h"

#include <algorithm>

#include "licet/core/encoding.h"

namespace licet::client {
namespace {

bool OutOfTolerance(const FactsInput& in) {
  return in.integrity->hardware &&
         in.integrity->hardware->verdict == HardwareVerdict::kOutOfTolerance;
}

// The recorded start of the out-of-tolerance grace, if it is for the current activation.
std::optional<TimePoint> RecordedOotStart(const FactsInput& in) {
  const Observations& o = *in.observations;
  if (!o.out_of_tolerance_since || !in.record->activation) return std::nullopt;
  if (o.out_of_tolerance_token != ContentDigest(in.record->activation->token)) return std::nullopt;
  return o.out_of_tolerance_since;
}

}  // namespace

TimePoint TrustedTime(const FactsInput& in) {
  TimePoint t = std::max(in.record->trusted_time, in.observations->trusted_time);
  if (in.integrity->signed_time) t = std::max(t, *in.integrity->signed_time);
  return t;
}

TimePoint LicensingNow(const FactsInput& in) { return std::max(in.clock_now, TrustedTime(in)); }

LicenseFacts BuildLicenseFacts(const FactsInput& in) {
  const InstallRecord& r = *in.record;
  const TimePoint now = LicensingNow(in);
  LicenseFacts f;
  f.evaluation_edition = in.evaluation_edition;
  f.evaluation_start = r.evaluation_started_at;
  f.grace_start = r.grace_started_at;
  f.key_installed = r.key.has_value();
  if (r.activation) {
    f.activation =
        r.activation->expires_at ? ActivationLifetime::kExpiring : ActivationLifetime::kPermanent;
    if (r.activation->expires_at) f.activation_expires = *r.activation->expires_at;
  }
  if (OutOfTolerance(in)) {
    f.out_of_tolerance_since = RecordedOotStart(in).value_or(now);
    f.out_of_tolerance_detail = ChangedComponents(*in.integrity->hardware) + " changed";
  }
  f.tampering = in.integrity->tampering;
  f.tampering_detail = in.integrity->tampering_detail;
  const TimePoint trusted = TrustedTime(in);
  if (in.clock_now + kClockRollbackTolerance < trusted)
    f.clock_set_back_by = trusted - in.clock_now;
  return f;
}

Observations UpdatedObservations(const FactsInput& in, TimePoint now) {
  Observations o = *in.observations;
  o.trusted_time = std::max(o.trusted_time, now);
  if (OutOfTolerance(in)) {
    if (!RecordedOotStart(in)) {
      o.out_of_tolerance_since = now;
      o.out_of_tolerance_token = ContentDigest(in.record->activation->token);
    }
  } else {
    o.out_of_tolerance_since.reset();
    o.out_of_tolerance_token.clear();
  }
  return o;
}

}  // namespace licet::client
