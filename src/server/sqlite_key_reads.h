// What the SQLite store reads about one key, on whichever of its connections the caller holds:
// the writer's, inside the transaction of a release (which finds the machine among the key's
// activations), or the reader's (sqlite_reader.h), for the admin API and `licet-server keys show`.
//
//   LICET_RETURN_IF_ERROR(CheckKeyIssued(db, key));
//   LICET_RETURN_IF_ERROR(VisitKeyActivations(db, tags, key, 0, [&](ActivationRow row) { ... }));
//
// Not thread-safe: the caller holds the connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "activation_tags.h"
#include "licet/core/status.h"
#include "server_store.h"

struct sqlite3;

namespace licet::server {

/// kIoError naming what the store was doing, with SQLite's message for `db`'s last error.
[[nodiscard]] Status SqliteError(sqlite3* db, std::string_view what);

/// The answer for a key the keys table does not hold (kNotFound, with the fix).
[[nodiscard]] Status KeyNotIssued(std::string_view key);

/// OK if the keys table holds `key`. Errors: kNotFound, kIoError.
[[nodiscard]] Status CheckKeyIssued(sqlite3* db, const std::string& key);

/// Shows `visit` the key's activations whose rowid (ActivationRow::seq) is greater than `after`,
/// oldest first, until it returns false: their seqs in key order from activation_machines, then
/// each row. Rows of another key that share this key's tag are skipped. Does not check that the
/// key was issued. Errors: kIoError.
[[nodiscard]] Status VisitKeyActivations(sqlite3* db, const ActivationTags& tags,
                                         const std::string& key, std::int64_t after,
                                         const ServerStore::ActivationVisitor& visit);

/// The seqs of the key's activations on the machine `hardware_id`, oldest first. Reads the key's
/// tags (all of them, for a key of many machines) and the rows whose machine tag matches.
/// Errors: kIoError.
[[nodiscard]] StatusOr<std::vector<std::int64_t>> MachineActivationSeqs(
    sqlite3* db, const ActivationTags& tags, const std::string& key,
    const std::string& hardware_id);

/// The key's row and its first `max_machines` machines (KeyInfo::machines). Run it in one read
/// transaction for counts and machines of the same moment. Errors: kNotFound, kIoError.
[[nodiscard]] StatusOr<KeyInfo> ReadKey(sqlite3* db, const ActivationTags& tags,
                                        const std::string& key, std::size_t max_machines);

}  // namespace licet::server
