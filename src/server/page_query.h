// The query string of a paged admin listing (GET /v1/admin/keys/{key}/activations):
//
//   ?limit=500&after=81234     at most 500 activations, those that arrived after seq 81234
//
// A page's answer names the query of the next one, so a script follows `next` until it is null.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "licet/core/status.h"

namespace licet::server {

inline constexpr std::size_t kDefaultPageLimit = 1000;
inline constexpr std::size_t kMaxPageLimit = 10000;

struct PageQuery {
  std::size_t limit = kDefaultPageLimit;  // 1..kMaxPageLimit
  std::int64_t after = 0;                 // an ActivationRow::seq; 0 is the start
};

/// Parses `query`, the part of a request target after '?' (empty: the first page of the
/// default size). Errors: kInvalidArgument naming the parameter that is unknown, repeated, not a
/// decimal number or out of range, and the form accepted.
[[nodiscard]] StatusOr<PageQuery> ParsePageQuery(std::string_view query);

}  // namespace licet::server
