// The self-service phone activation page served at GET /phone: the customer types the installation
// ID (slmgr /dti) and gets the confirmation ID (slmgr /atp) from POST /v1/phone-activations, with
// each group checked in the browser as in slui 4. One static page, no external resources.
#pragma once

#include <string>

namespace licet::server {

/// The page's HTML for `product_name`.
[[nodiscard]] std::string PhonePage(const std::string& product_name);

}  // namespace licet::server
