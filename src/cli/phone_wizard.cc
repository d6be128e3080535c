// `slui 4`: the phone activation wizard, as on Windows. Three steps on the terminal: choose a
// country from the catalog's numbers, read the installation ID (also shown as a QR code for a
// phone to scan), type the confirmation ID group by group — each group is checked as it is typed
// and typed again when wrong. Reads lines from standard input, so it also runs from a script
// (`printf '1\n000578 573790 ...\n' | licet slui 4`); several groups may share a line.
#include <fmt/format.h>
#include <qrencode.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>

#include "frontends.h"
#include "installation.h"
#include "phone_activation_client.h"

namespace licet::cli {
namespace {

// The QR code in Unicode half blocks (two modules per character), with a two-module quiet zone.
std::string QrText(const std::string& text) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!qr) return "(no QR code: qrencode failed)\n";
  const int w = qr->width;
  const auto dark = [&](int x, int y) {
    return x >= 0 && y >= 0 && x < w && y < w && (qr->data[y * w + x] & 1) != 0;
  };
  std::string out;
  for (int y = -2; y < w + 2; y += 2) {
    out += "    ";
    for (int x = -2; x < w + 2; ++x) {
      const bool top = dark(x, y), bottom = dark(x, y + 1);
      // Inverted (light modules drawn) so the code reads on a dark terminal background too.
      out += !top && !bottom ? "█" : !top ? "▀" : !bottom ? "▄" : " ";
    }
    out += "\n";
  }
  return out;
}

// Splits what the user typed into six-digit groups (separators: spaces and dashes).
std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (const char c : line + " ") {
    if (c == ' ' || c == '-' || c == '\t' || c == '\r') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

Status Wizard(const CliContext& ctx, bool show_qr, std::istream& in) {
  LICET_ASSIGN_OR_RETURN(client::Installation inst,
                         client::Installation::Open(client::DefaultRoot(ctx.root_flag),
                                                    client::Access::kReadWrite, *ctx.clock));
  std::ostream& out = *ctx.out;
  out << fmt::format("Licet phone activation — {}, {} edition\n\n", inst.catalog().product().name,
                     inst.record().edition);
  LICET_ASSIGN_OR_RETURN(const std::string iid, client::DisplayInstallationId(inst));
  const std::vector<PhoneNumber>& numbers = inst.catalog().phone_numbers();
  std::string line;
  std::string number = "the vendor's activation line";
  if (!numbers.empty()) {
    out << "Step 1 of 3: choose your country or region\n";
    for (std::size_t i = 0; i < numbers.size(); ++i)
      out << fmt::format("  {:>2}) {:<20} {}\n", i + 1, numbers[i].country, numbers[i].number);
    while (true) {
      out << "Number of your country or region: " << std::flush;
      if (!std::getline(in, line)) {
        return Status(ErrorCode::kInvalidArgument, "the input ended before a country was chosen",
                      "licet slui 4   (answer 1 to " + std::to_string(numbers.size()) + ")");
      }
      const std::vector<std::string> w = Words(line);
      const int choice = w.size() == 1 ? std::atoi(w[0].c_str()) : 0;
      if (choice >= 1 && choice <= static_cast<int>(numbers.size())) {
        number = numbers[static_cast<std::size_t>(choice - 1)].number;
        break;
      }
      out << fmt::format("  Type a number from 1 to {}.\n", numbers.size());
    }
    out << "\n";
  }
  out << fmt::format("Step 2 of 3: call {} and read this installation ID:\n", number);
  const std::vector<std::string> groups = Words(iid);
  std::string header = "   ";
  std::string digits = "   ";
  for (std::size_t g = 0; g < groups.size(); ++g) {
    header += fmt::format(" {:<6}", g + 1);
    digits += " " + groups[g];
  }
  out << header << "\n" << digits << "\n";
  if (show_qr) out << "\n  Or let the agent's phone scan it:\n" << QrText(iid);
  out << fmt::format(
      "\nStep 3 of 3: type the confirmation ID the agent reads ({} groups of {} "
      "digits):\n",
      phone::kCidGroups, phone::kDigitsPerGroup);
  std::vector<std::string> typed;
  std::vector<std::string> pending;
  while (static_cast<int>(typed.size()) < phone::kCidGroups) {
    const int index = static_cast<int>(typed.size()) + 1;
    if (pending.empty()) {
      out << fmt::format("  group {:>2}: ", index) << std::flush;
      if (!std::getline(in, line)) {
        return Status(
            ErrorCode::kCidIidInvalidData,
            fmt::format("the input ended after {} of {} groups", typed.size(), phone::kCidGroups),
            "licet slui 4, then type every group");
      }
      pending = Words(line);
      std::reverse(pending.begin(), pending.end());
      continue;
    }
    const std::string group = pending.back();
    pending.pop_back();
    if (const Status s = phone::CheckGroup(group, index); !s.ok()) {
      out << fmt::format("  ✗ {}. Type group {} again.\n", s.message(), index);
      pending.clear();  // what followed a wrong group is not trusted either
      continue;
    }
    typed.push_back(group);
  }
  std::string cid;
  for (const std::string& g : typed) cid += (cid.empty() ? "" : "-") + g;
  out << "\nActivating...\n";
  LICET_RETURN_IF_ERROR(client::DepositConfirmationId(inst, cid));
  out << "Product activated successfully.\n";
  return OkStatus();
}

}  // namespace

int RunPhoneWizard(const CliContext& ctx, bool show_qr) {
  const Status s = Wizard(ctx, show_qr, std::cin);
  return s.ok() ? 0 : ReportFailure(ctx, s);
}

}  // namespace licet::cli
