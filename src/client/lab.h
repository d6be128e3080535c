// Lab-only tools, refused (LICET_E_NOT_LAB_CATALOG) unless the catalog says lab = true:
// the lab clock (`licet lab clock advance 181d`) and minting real keys with the catalog's
// published key-MAC secret (`licet lab key --edition ServerStandard --channel Retail`).
#pragma once

#include <optional>
#include <string>

#include "installation.h"

namespace licet::client {

/// Moves the installation's clock forward by `by`. Errors: kNotLabCatalog.
[[nodiscard]] Status AdvanceLabClock(Installation& inst, Seconds by);

/// Sets the installation's clock back by `by`, as a user setting the system clock back would: the
/// trusted-time marks stay where they are, so licensing keeps counting from them (and the state
/// names kClockRolledBack beyond the tolerance). Errors: kNotLabCatalog.
[[nodiscard]] Status SetBackLabClock(Installation& inst, Seconds by);

/// Back to the machine clock, and the trusted-time mark with it (lab only: this is what a real
/// store refuses to do). Errors: kNotLabCatalog.
[[nodiscard]] Status ResetLabClock(Installation& inst);

/// Simulates a hardware change: overrides `component` with `value` (empty: as if it could not be
/// read) in <root>/lab-hardware.json, and logs it. Errors: kNotLabCatalog, kIoError.
[[nodiscard]] Status SetLabHardware(Installation& inst, HardwareComponent component,
                                    const std::string& value);

/// Back to the machine's real hardware. Errors: kNotLabCatalog, kIoError.
[[nodiscard]] Status ResetLabHardware(Installation& inst);

/// A real key for (`edition`, `channel`) from a lab catalog. `serial` defaults to a random one.
/// Errors: kNotLabCatalog, kUnknownEdition, kNotFound (no SKU for that edition and channel).
[[nodiscard]] StatusOr<ProductKey> MintLabKey(const Catalog& catalog, std::string_view edition,
                                              Channel channel,
                                              std::optional<std::uint32_t> serial = std::nullopt);

}  // namespace licet::client
