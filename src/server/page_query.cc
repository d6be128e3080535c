#include "page_query.h"

#include <fmt/format.h>

#include <charconv>
#include <limits>
#include <optional>

#include "licet/core/quote.h"

namespace licet::server {
namespace {

constexpr std::string_view kForm =
    "Page with ?limit=N&after=SEQ: limit from 1 to 10000 (default 1000), after the seq of the "
    "last activation seen; or follow the previous page's `next` link";

Status BadParameter(std::string_view what) {
  return Status(ErrorCode::kInvalidArgument, std::string(what), std::string(kForm));
}

// A decimal number in [min, max], digits only: from_chars into an unsigned type takes no sign
// and no spaces, reports overflow, and the whole text must be read (no "1e3", no "%31").
std::optional<std::uint64_t> ParseDecimal(std::string_view text, std::uint64_t min,
                                          std::uint64_t max) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value < min || value > max) return std::nullopt;
  return value;
}

}  // namespace

StatusOr<PageQuery> ParsePageQuery(std::string_view query) {
  PageQuery page;
  bool seen_limit = false;
  bool seen_after = false;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;  // "a=1&&b=2", a trailing '&'
    const std::size_t eq = part.find('=');
    const std::string_view name = part.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
    if (name == "limit") {
      if (seen_limit) return BadParameter("the query names limit twice");
      seen_limit = true;
      const std::optional<std::uint64_t> n = ParseDecimal(value, 1, kMaxPageLimit);
      if (!n) {
        return BadParameter(
            fmt::format("limit={} is not a number from 1 to {}", QuoteInput(value), kMaxPageLimit));
      }
      page.limit = static_cast<std::size_t>(*n);
    } else if (name == "after") {
      if (seen_after) return BadParameter("the query names after twice");
      seen_after = true;
      const std::optional<std::uint64_t> n =
          ParseDecimal(value, 0, std::numeric_limits<std::int64_t>::max());
      if (!n) {
        return BadParameter(
            fmt::format("after={} is not an activation's seq (a number)", QuoteInput(value)));
      }
      page.after = static_cast<std::int64_t>(*n);
    } else {
      return BadParameter(fmt::format("unknown query parameter {}", QuoteInput(name)));
    }
  }
  return page;
}

}  // namespace licet::server
