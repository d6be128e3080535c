#include "key_commands.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "admin_api.h"
#include "command_support.h"
#include "key_listing.h"
#include "key_minting.h"
#include "licet/core/file_lock.h"
#include "licet/core/quote.h"

namespace licet::server {
namespace {

// What the `keys show|block|release` commands act on: the vendor's data, its store and the key,
// resolved against its catalog (`key` points into `data`: the target does not move).
struct KeyTarget {
  VendorData data;
  std::unique_ptr<ServerStore> store;
  ResolvedKey key;
};

StatusOr<std::unique_ptr<KeyTarget>> OpenKeyTarget(const std::string& data_dir,
                                                   const std::string& key) {
  LICET_ASSIGN_OR_RETURN(VendorData data, LoadVendorData(data_dir));
  auto target = std::make_unique<KeyTarget>(KeyTarget{.data = std::move(data)});
  LICET_ASSIGN_OR_RETURN(target->store, OpenStore(target->data));
  LICET_ASSIGN_OR_RETURN(target->key, target->data.catalog.ResolveKey(key));
  return target;
}

}  // namespace

int GenerateKeys(const GenerateArgs& a) {
  StatusOr<VendorData> data = LoadVendorData(a.data);
  if (!data.ok()) return Fail(data.status());
  const std::optional<Channel> channel = ParseChannel(a.channel);
  if (!channel)
    return Fail(Status(ErrorCode::kInvalidArgument,
                       fmt::format("{} is not a channel", QuoteInput(a.channel))));
  const Edition* edition = data->catalog.FindEdition(a.edition);
  const Sku* sku = edition != nullptr ? data->catalog.FindSku(edition->id, *channel) : nullptr;
  if (sku == nullptr || sku->key_groups.empty()) {
    return Fail(Status(ErrorCode::kNotFound,
                       fmt::format("{} has no {} SKU with key groups for '{}'",
                                   data->catalog.product().id, a.channel, a.edition),
                       fmt::format("licet catalog show {} lists its editions and the channels "
                                   "each is sold in",
                                   (std::filesystem::path(a.data) / "catalog.toml").string())));
  }
  const Policy& p = data->catalog.policy();
  std::uint32_t limit = a.activations != 0 ? a.activations : sku->activations;
  if (limit == 0) {
    limit = *channel == Channel::kVolumeMak     ? static_cast<std::uint32_t>(p.mak_activations)
            : *channel == Channel::kVolumeCsvlk ? static_cast<std::uint32_t>(p.host_key_activations)
                                                : 1;
  }
  // A host key (CSVLK) activates up to `host_key_hosts` hosts, `host_key_activations` times in all.
  std::uint32_t max_total = 0;
  if (*channel == Channel::kVolumeCsvlk) {
    max_total = limit;
    limit = static_cast<std::uint32_t>(p.host_key_hosts);
  }
  // One issuance at a time per data directory, from reading the next serial to the last insert:
  // two runs would otherwise mint the same serials, and each fail part-way on the other's keys.
  StatusOr<FileLock> issuing =
      FileLock::Acquire(data->dir / "keys.lock", LockMode::kExclusive, std::chrono::minutes(10));
  if (!issuing.ok()) return Fail(issuing.status());
  StatusOr<std::unique_ptr<ServerStore>> store = OpenStore(*data);
  if (!store.ok()) return Fail(store.status());
  const std::uint32_t group = sku->key_groups.front();
  StatusOr<std::uint32_t> first = (*store)->NextSerial(group);
  if (!first.ok()) return Fail(first.status());
  if (static_cast<std::uint64_t>(*first) + a.count > kMaxKeySerial) {
    return Fail(Status(ErrorCode::kUnlockLimitExceeded,
                       fmt::format("key group {} has no room for {} more keys", group, a.count)));
  }
  const KeyIssue issue{.group = group,
                       .activation_id = sku->activation_id,
                       .channel = *channel,
                       .max_activations = limit,
                       .max_total = max_total};
  const KeyMinter minter(group, data->key_mac_secret);
  // Listed as they are stored (key_listing.h); without --out, on standard output the same way.
  std::optional<KeyListing> listing;
  if (!a.out.empty()) {
    StatusOr<KeyListing> created = KeyListing::Create(a.out);
    if (!created.ok()) return Fail(created.status());
    listing.emplace(std::move(*created));
  }
  const bool progress = a.count >= 10000;
  std::uint32_t stored = 0;
  // After a failure part-way, what was stored and where it is listed.
  const auto fail_part_way = [&](const Status& s) {
    if (progress) std::cerr << "\n";
    if (stored == 0 && listing) {
      std::error_code ignored;  // an empty listing would only mislead
      std::filesystem::remove(listing->partial_path(), ignored);
    } else if (stored != 0) {
      std::cerr << fmt::format("licet-server: {} of {} keys were stored before this failure; {}.\n",
                               stored, a.count,
                               listing ? "they are listed in " + listing->partial_path().string()
                                       : "they were printed above");
    }
    return Fail(s);
  };
  // Minted a round at a time (bounded memory), each round sorted and stored in chunks of one
  // transaction each: in key order a chunk's inserts fill neighbouring B-tree pages.
  constexpr std::uint32_t kRound = 2'000'000;
  constexpr std::size_t kChunk = 100'000;
  for (std::uint32_t done = 0; done < a.count;) {
    const std::uint32_t n = std::min(kRound, a.count - done);
    std::vector<MintedKey> keys = MintKeys(minter, *first + done, n);
    SortByText(keys);
    for (std::size_t at = 0; at < keys.size(); at += kChunk) {
      const std::span chunk = std::span(keys).subspan(at, std::min(kChunk, keys.size() - at));
      if (const Status s = (*store)->AddKeys(issue, chunk); !s.ok()) return fail_part_way(s);
      stored += static_cast<std::uint32_t>(chunk.size());
      if (listing) {
        if (const Status s = listing->Append(chunk); !s.ok()) return fail_part_way(s);
      } else {
        std::cout << KeyLines(chunk);
      }
      if (progress)
        std::cerr << fmt::format("\r[{:<40}] {}/{} keys stored",
                                 std::string(stored * 40ull / a.count, '='), stored, a.count)
                  << std::flush;
    }
    done += n;
  }
  if (progress) std::cerr << "\n";
  if (!listing) {
    std::cout << std::flush;
    return 0;
  }
  if (const Status s = listing->Finish(); !s.ok()) return fail_part_way(s);
  std::cerr << fmt::format("Wrote {} {} key(s) for {} to {}\n", a.count, a.channel, edition->id,
                           a.out);
  return 0;
}

int ShowKey(const std::string& data_dir, const std::string& key, const PageQuery& page, bool json) {
  StatusOr<std::unique_ptr<KeyTarget>> opened = OpenKeyTarget(data_dir, key);
  if (!opened.ok()) return FailAs(json, opened.status());
  KeyTarget& target = **opened;
  // The text lists machines from the page of activations below, and needs only the key's counts.
  StatusOr<KeyInfo> info = target.store->GetKey(target.key.text, json ? kDefaultPageLimit : 0);
  if (!info.ok()) return FailAs(json, info.status());
  // Each machine with its first activation and CMIDs, from a page of the key's activations.
  StatusOr<ServerStore::ActivationPage> listed =
      target.store->ListActivationPage(info->key, page.limit, page.after);
  if (!listed.ok()) return FailAs(json, listed.status());
  const std::vector<ActivationRow>& rows = listed->rows;
  const std::optional<std::int64_t>& next_after = listed->next_after;
  if (json) {
    nlohmann::json doc = KeyJson(*info);
    doc["edition"] = target.key.sku->primary_edition();
    doc["activations"] = ActivationsJson(rows);
    doc["next_after"] = next_after ? nlohmann::json(*next_after) : nlohmann::json(nullptr);
    std::cout << doc.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format(
      "Key:         {}\nChannel:     {}\nEdition:     {}\nActivations: {} used, {} left (of "
      "{})\nBlocked:     {}\n",
      info->key, ChannelName(info->issue.channel), target.key.sku->primary_edition(), info->used,
      info->issue.max_activations - std::min(info->used, info->issue.max_activations),
      info->issue.max_activations, info->blocked ? "yes" : "no");
  if (info->issue.max_total != 0) {
    std::cout << fmt::format("Total:       {} of {} activations (re-activations included)\n",
                             info->total, info->issue.max_total);
  }
  if (info->released != 0) std::cout << fmt::format("Released:    {} machine(s)\n", info->released);
  std::cout << fmt::format(
      "Machines:    {}{}\n", info->used,
      page.after != 0 ? fmt::format(" (activations after {} below)", page.after) : "");
  struct Machine {
    std::string hardware_id, since;
    std::vector<std::string> cmids;
  };
  std::vector<Machine> machines;  // in the order of their first activation on this page
  std::unordered_map<std::string, std::size_t> index;
  for (const ActivationRow& r : rows) {
    const auto [at, added] = index.try_emplace(r.hardware_id, machines.size());
    if (added) machines.push_back(Machine{r.hardware_id, r.created_at, {}});
    Machine& m = machines[at->second];
    if (std::ranges::find(m.cmids, r.cmid) == m.cmids.end()) m.cmids.push_back(r.cmid);
  }
  for (const Machine& m : machines) {
    std::cout << fmt::format("  {}  since {}  CMID {}\n", m.hardware_id, m.since,
                             fmt::join(m.cmids, ", "));
  }
  if (next_after) {
    std::cout << fmt::format(
        "  ... more activations follow: licet-server keys show --data {} {} --after {}{}\n",
        data_dir, info->key, *next_after,
        page.limit != kDefaultPageLimit ? fmt::format(" --limit {}", page.limit) : "");
  }
  if (!machines.empty()) {
    std::cout << fmt::format(
        "Free a machine's count: licet-server keys release --data {} {} HARDWARE-ID|CMID\n",
        data_dir, info->key);
  }
  return 0;
}

int BlockKey(const std::string& data_dir, const std::string& key, bool json) {
  StatusOr<std::unique_ptr<KeyTarget>> opened = OpenKeyTarget(data_dir, key);
  if (!opened.ok()) return FailAs(json, opened.status());
  KeyTarget& target = **opened;
  if (const Status s = target.store->BlockKey(target.key.text); !s.ok()) return FailAs(json, s);
  if (json) {
    std::cout << nlohmann::json{{"blocked", target.key.text}}.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("Blocked {}: activations with it now fail with 0xC004C003.\n",
                           target.key.text);
  return 0;
}

int ReleaseMachine(const std::string& data_dir, const std::string& key, const std::string& machine,
                   bool json) {
  StatusOr<std::unique_ptr<KeyTarget>> opened = OpenKeyTarget(data_dir, key);
  if (!opened.ok()) return FailAs(json, opened.status());
  KeyTarget& target = **opened;
  StatusOr<ReleasedMachine> r = target.store->ReleaseMachine(target.key.text, machine);
  if (!r.ok()) return FailAs(json, r.status());
  if (json) {
    std::cout << ReleasedJson(target.key.text, *r).dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format(
      "Released {} from {} ({} activation(s) removed): {} of {} machines used, {} left.\n"
      "Its token keeps working on that machine until its store is removed; activating it again "
      "uses a count.\n",
      r->hardware_id, target.key.text, r->activations, r->used, r->limit,
      r->limit - std::min(r->used, r->limit));
  return 0;
}

}  // namespace licet::server
