// The SQLite store's schema, one migration per version: entry v - 1 takes a database from
// version v - 1 to v (PRAGMA user_version). Run in order by sqlite_store.cc; a test replays the
// first ones to make a store as an earlier licet-server left it. Never edit an entry that has
// shipped: add the next one.
#pragma once

namespace licet::server {

inline constexpr const char* kSqliteMigrations[] = {
    // Version 1.
    R"(CREATE TABLE keys (
         key TEXT PRIMARY KEY, grp INTEGER NOT NULL, serial INTEGER NOT NULL, activation_id TEXT NOT NULL,
         channel TEXT NOT NULL, max_activations INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0,
         blocked INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
       CREATE TABLE activations (
         key TEXT NOT NULL REFERENCES keys(key), hardware_id TEXT NOT NULL, cmid TEXT NOT NULL,
         nonce TEXT NOT NULL, token TEXT NOT NULL, created_at TEXT NOT NULL,
         PRIMARY KEY (key, hardware_id, cmid, nonce)) WITHOUT ROWID;
       CREATE TABLE admin_tokens (hash TEXT PRIMARY KEY, role TEXT NOT NULL, created_at TEXT NOT NULL);)",
    // Version 2: a limit on all activations, re-activations included (host keys: 10 on up to 6
    // hosts).
    R"(ALTER TABLE keys ADD COLUMN max_total INTEGER NOT NULL DEFAULT 0;
       ALTER TABLE keys ADD COLUMN total INTEGER NOT NULL DEFAULT 0;)",
    // Version 3: machines released by an administrator (`keys release`).
    R"(ALTER TABLE keys ADD COLUMN released INTEGER NOT NULL DEFAULT 0;)",
    // Version 4: activations in arrival order (a rowid table), found through an index. In the
    // WITHOUT ROWID table each activation landed in a B-tree leaf of its own (machines sort at
    // random), and every commit rewrote one ~600-byte-row leaf and its path per activation; now
    // a commit appends its rows to one leaf and adds only the index's short entries at random:
    // fewer pages written per activation, to the log and again at each checkpoint
    // (bench/RESULTS.md, sixteenth session).
    R"(CREATE TABLE activations_v4 (
         key TEXT NOT NULL REFERENCES keys(key), hardware_id TEXT NOT NULL, cmid TEXT NOT NULL,
         nonce TEXT NOT NULL, token TEXT NOT NULL, created_at TEXT NOT NULL);
       INSERT INTO activations_v4 (key, hardware_id, cmid, nonce, token, created_at)
         SELECT key, hardware_id, cmid, nonce, token, created_at FROM activations ORDER BY created_at;
       DROP TABLE activations;
       ALTER TABLE activations_v4 RENAME TO activations;
       CREATE UNIQUE INDEX activations_by_machine ON activations (key, hardware_id, cmid, nonce);)",
    // Version 5: the index holds keyed hashes of the key, the machine and the request (three
    // 64-bit tags, activation_tags.h) instead of their texts: an entry of ~30 bytes instead of
    // ~70-170, so the leaf each activation writes at random splits several times less often. The
    // hash key is made here, once per database (SQLite's randomblob reads /dev/urandom); the
    // tags of the activations already stored are computed by licet_tag, which the store
    // registers on its connection before it migrates.
    R"(CREATE TABLE store_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
       INSERT INTO store_secrets VALUES ('activation-tags', randomblob(16));
       ALTER TABLE activations ADD COLUMN key_tag INTEGER NOT NULL DEFAULT 0;
       ALTER TABLE activations ADD COLUMN machine_tag INTEGER NOT NULL DEFAULT 0;
       ALTER TABLE activations ADD COLUMN request_tag INTEGER NOT NULL DEFAULT 0;
       UPDATE activations SET key_tag = licet_tag(s.value, key),
                              machine_tag = licet_tag(s.value, hardware_id),
                              request_tag = licet_tag(s.value, cmid, nonce)
         FROM store_secrets AS s WHERE s.name = 'activation-tags';
       DROP INDEX activations_by_machine;
       CREATE UNIQUE INDEX activations_by_machine
         ON activations (key_tag, machine_tag, request_tag);)",
    // Version 6: a released activation's seq (its rowid) is never given again. A rowid table
    // numbers a new row one past its largest rowid, so releasing the newest activation handed its
    // seq to the next one, which a listing paged past that seq (`after`) then skipped. A release
    // records the largest seq it removed, and the group commit numbers activations past it.
    R"(CREATE TABLE store_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
       INSERT INTO store_counters VALUES ('released-activation-seq', 0);)",
    // Version 7: 32-bit tags in the index, the high half of version 5's (ActivationTags::Stored):
    // an entry of ~23 bytes instead of ~35, so a third fewer leaves for the activations to land
    // in at random. Each commit writes one leaf per activation either way, but the index stays in
    // the page cache longer and a checkpoint copies fewer distinct leaves as the store grows
    // (bench/RESULTS.md, twenty-fifth session). Not unique any more: the texts decide (they always
    // did), and two requests of one machine sharing a 32-bit request tag must both be recorded.
    R"(DROP INDEX activations_by_machine;
       UPDATE activations SET key_tag = key_tag >> 32, machine_tag = machine_tag >> 32,
                              request_tag = request_tag >> 32;
       CREATE INDEX activations_by_machine ON activations (key_tag, machine_tag, request_tag);)",
    // Version 8: no index that activations land in at random. The tags move to a table of their
    // own ordered by key and seq, where one key's activations are appended; the writer finds a
    // machine through an index in memory (machine_index.h) rebuilt from that table, and the
    // texts decide as before. The request's tag goes: a replay is looked for among the machine's
    // own rows. Each commit then writes one leaf per busy key instead of one random leaf per
    // activation, and a checkpoint no longer copies more of them as the store grows
    // (bench/RESULTS.md, twenty-sixth session).
    R"(CREATE TABLE activation_machines (
         key_tag INTEGER NOT NULL, seq INTEGER NOT NULL, machine_tag INTEGER NOT NULL,
         PRIMARY KEY (key_tag, seq)) WITHOUT ROWID;
       INSERT INTO activation_machines (key_tag, seq, machine_tag)
         SELECT key_tag, rowid, machine_tag FROM activations ORDER BY key_tag, rowid;
       DROP INDEX activations_by_machine;
       ALTER TABLE activations DROP COLUMN key_tag;
       ALTER TABLE activations DROP COLUMN machine_tag;
       ALTER TABLE activations DROP COLUMN request_tag;)",
};

}  // namespace licet::server
