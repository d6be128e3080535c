// TOML → Catalog. This is the only file that includes toml++; it is built without exceptions so a
// malformed catalog becomes a Status with the line and column, never a throw.
#define TOML_EXCEPTIONS 0
#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "internal/catalog_builder.h"
#include "licet/core/catalog.h"
#include "licet/core/encoding.h"

namespace licet {
namespace {

// Reads typed fields out of one TOML table and remembers the first problem, with its position.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string path, std::string_view source)
      : table_(table), path_(std::move(path)), source_(source) {}

  std::string String(std::string_view key, bool required = true) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      if (required) Fail(key, "is missing");
      return {};
    }
    if (const auto* v = node->as_string()) return v->get();
    Fail(key, "must be a string", node);
    return {};
  }

  std::int64_t Integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                       std::int64_t max, bool required = false) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      if (required) Fail(key, "is missing");
      return fallback;
    }
    const auto* v = node->as_integer();
    if (v == nullptr) {
      Fail(key, "must be an integer", node);
      return fallback;
    }
    if (v->get() < min || v->get() > max) {
      Fail(key, fmt::format("must be between {} and {}", min, max), node);
      return fallback;
    }
    return v->get();
  }

  bool Bool(std::string_view key, bool fallback) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return fallback;
    if (const auto* v = node->as_boolean()) return v->get();
    Fail(key, "must be true or false", node);
    return fallback;
  }

  std::vector<std::string> Strings(std::string_view key) {
    std::vector<std::string> out;
    const toml::node* node = table_.get(key);
    if (node == nullptr) return out;
    const auto* arr = node->as_array();
    if (arr == nullptr) {
      Fail(key, "must be an array of strings", node);
      return out;
    }
    for (const toml::node& item : *arr) {
      if (const auto* s = item.as_string()) {
        out.push_back(s->get());
      } else {
        Fail(key, "must contain only strings", &item);
      }
    }
    return out;
  }

  const toml::array* Array(std::string_view key) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return nullptr;
    if (const auto* arr = node->as_array()) return arr;
    Fail(key, "must be an array", node);
    return nullptr;
  }

  void Fail(std::string_view key, std::string_view what, const toml::node* node = nullptr) {
    if (!error_.ok()) return;
    const toml::source_region& where = node != nullptr ? node->source() : table_.source();
    error_ = Status(ErrorCode::kCatalogInvalid,
                    fmt::format("{}:{}:{}: {}{}{} {}", source_, where.begin.line,
                                where.begin.column, path_, path_.empty() ? "" : ".", key, what));
  }

  const Status& error() const { return error_; }

 private:
  const toml::table& table_;
  std::string path_;
  std::string_view source_;
  Status error_;
};

Enforcement ParseEnforcement(TableReader& r, std::string_view key, Enforcement fallback) {
  const std::string text = r.String(key, false);
  if (text.empty()) return fallback;
  if (text == "none") return Enforcement::kNone;
  if (text == "nag") return Enforcement::kNag;
  if (text == "forced-shutdown") return Enforcement::kForcedShutdown;
  r.Fail(key, "must be \"none\", \"nag\" or \"forced-shutdown\"");
  return fallback;
}

Status ParsePolicy(const toml::table* table, std::string_view source, Policy& p) {
  if (table == nullptr) return OkStatus();
  TableReader r(*table, "policy", source);
  const auto days = [&](std::string_view key, int fallback) {
    return static_cast<int>(r.Integer(key, fallback, 0, 3650));
  };
  p.evaluation_days = days("evaluation_days", p.evaluation_days);
  p.rearm_count = static_cast<int>(r.Integer("rearm_count", p.rearm_count, 0, 1001));
  p.initial_grace_days = days("initial_grace_days", p.initial_grace_days);
  p.out_of_tolerance_grace_days =
      days("out_of_tolerance_grace_days", p.out_of_tolerance_grace_days);
  p.non_genuine_grace_days = days("non_genuine_grace_days", p.non_genuine_grace_days);
  p.notification_enforcement =
      ParseEnforcement(r, "notification_enforcement", p.notification_enforcement);
  p.evaluation_expired_enforcement =
      ParseEnforcement(r, "evaluation_expired_enforcement", p.evaluation_expired_enforcement);
  p.forced_shutdown_interval_minutes =
      static_cast<int>(r.Integer("forced_shutdown_interval_minutes",
                                 p.forced_shutdown_interval_minutes, 1, std::int64_t{24} * 60));
  p.volume_validity_days = days("volume_validity_days", p.volume_validity_days);
  // slmgr /sai and /sri accept 15 minutes to 30 days.
  p.volume_renewal_minutes =
      static_cast<int>(r.Integer("volume_renewal_minutes", p.volume_renewal_minutes, 15, 43200));
  p.volume_retry_minutes =
      static_cast<int>(r.Integer("volume_retry_minutes", p.volume_retry_minutes, 15, 43200));
  p.volume_threshold = static_cast<int>(r.Integer("volume_threshold", p.volume_threshold, 1, 1000));
  p.cmid_cache_days = days("cmid_cache_days", p.cmid_cache_days);
  p.host_key_activations =
      static_cast<int>(r.Integer("host_key_activations", p.host_key_activations, 1, 1000000));
  p.host_key_hosts = static_cast<int>(r.Integer("host_key_hosts", p.host_key_hosts, 1, 1000000));
  p.mak_activations =
      static_cast<int>(r.Integer("mak_activations", p.mak_activations, 1, 100000000));
  p.clock_skew_tolerance_minutes = static_cast<int>(
      r.Integer("clock_skew_tolerance_minutes", p.clock_skew_tolerance_minutes, 1, 10080));
  return r.error();
}

Status ParseHeader(const toml::table& root, std::string_view source, CatalogBuilder& b) {
  TableReader top(root, "", source);
  const std::int64_t format = top.Integer("format", 0, 1, 1, /*required=*/true);
  (void)format;
  LICET_RETURN_IF_ERROR(top.error());

  const toml::table* product = root["product"].as_table();
  if (product == nullptr)
    return Status(ErrorCode::kCatalogInvalid, fmt::format("{}: [product] is missing", source));
  TableReader p(*product, "product", source);
  Product& out = b.product();
  out.id = p.String("id");
  out.name = p.String("name");
  out.version = static_cast<std::uint32_t>(p.Integer("version", 0, 0, 0xFFFFFFFF, true));
  out.application_id = p.String("application_id");
  out.lab = p.Bool("lab", false);
  LICET_RETURN_IF_ERROR(p.error());

  const toml::table* vendor = root["vendor"].as_table();
  if (vendor == nullptr)
    return Status(ErrorCode::kCatalogInvalid, fmt::format("{}: [vendor] is missing", source));
  TableReader v(*vendor, "vendor", source);
  VendorIdentity& id = b.vendor();
  id.name = v.String("name");
  id.key_id = v.String("key_id");
  const std::string key_b64 = v.String("public_key");
  LICET_RETURN_IF_ERROR(v.error());
  const std::optional<std::vector<std::uint8_t>> key = Base64Decode(key_b64);
  if (!key || key->size() != id.public_key.size()) {
    v.Fail("public_key", "must be a base64 Ed25519 public key (32 bytes)");
    return v.error();
  }
  std::copy(key->begin(), key->end(), id.public_key.begin());
  if (const std::string phone_b64 = v.String("phone_public_key", false); !phone_b64.empty()) {
    const std::optional<std::vector<std::uint8_t>> phone = Base64Decode(phone_b64);
    std::array<std::uint8_t, 21> point{};
    if (!phone || phone->size() != point.size()) {
      v.Fail("phone_public_key", "must be a base64 brainpoolP160r1 point (21 bytes, compressed)");
      return v.error();
    }
    std::copy(phone->begin(), phone->end(), point.begin());
    id.phone_public_key = point;
  }
  if (const toml::array* numbers = root["phone"]["numbers"].as_array()) {
    for (const toml::node& n : *numbers) {
      const toml::table* t = n.as_table();
      if (t == nullptr)
        return Status(ErrorCode::kCatalogInvalid,
                      fmt::format("{}: [[phone.numbers]] entries must be tables", source));
      TableReader r(*t, "phone.numbers", source);
      b.phone_numbers().push_back(
          PhoneNumber{.country = r.String("country"), .number = r.String("number")});
      LICET_RETURN_IF_ERROR(r.error());
    }
  }

  if (const toml::table* activation = root["activation"].as_table()) {
    TableReader a(*activation, "activation", source);
    b.activation_url() = a.String("url", false);
    LICET_RETURN_IF_ERROR(a.error());
  }
  if (const toml::table* volume = root["volume"].as_table()) {
    TableReader vr(*volume, "volume", source);
    const std::string service = vr.String("srv_service", false);
    if (!service.empty()) b.volume().srv_service = service;
    b.volume().port = static_cast<std::uint16_t>(vr.Integer("port", b.volume().port, 1, 65535));
    LICET_RETURN_IF_ERROR(vr.error());
  }
  LICET_RETURN_IF_ERROR(ParsePolicy(root["policy"].as_table(), source, b.policy()));

  if (const toml::table* lab = root["lab"].as_table()) {
    TableReader l(*lab, "lab", source);
    const std::string secret = l.String("insecure_key_mac_secret", false);
    LICET_RETURN_IF_ERROR(l.error());
    if (!secret.empty()) {
      if (!out.lab) {
        l.Fail("insecure_key_mac_secret", "is only allowed in catalogs with product.lab = true");
        return l.error();
      }
      StatusOr<KeyMacSecret> parsed = ParseKeyMacSecret(secret);
      if (!parsed.ok()) {
        l.Fail("insecure_key_mac_secret", parsed.status().message());
        return l.error();
      }
      b.lab_secret() = *parsed;
    }
  }
  return OkStatus();
}

// Calls `fn(reader, table)` for each table of the array-of-tables `key`.
template <typename Fn>
Status ForEachTable(const toml::table& root, std::string_view key, std::string_view source, Fn fn) {
  const toml::node* node = root.get(key);
  if (node == nullptr) return OkStatus();
  const toml::array* arr = node->as_array();
  if (arr == nullptr) {
    return Status(ErrorCode::kCatalogInvalid,
                  fmt::format("{}: {} must be written [[{}]]", source, key, key));
  }
  size_t index = 0;
  for (const toml::node& item : *arr) {
    const toml::table* table = item.as_table();
    if (table == nullptr) {
      return Status(ErrorCode::kCatalogInvalid, fmt::format("{}:{}: {}[{}] must be a table", source,
                                                            item.source().begin.line, key, index));
    }
    TableReader reader(*table, fmt::format("{}[{}]", key, index), source);
    fn(reader, *table);
    LICET_RETURN_IF_ERROR(reader.error());
    ++index;
  }
  return OkStatus();
}

Status ParseBody(const toml::table& root, std::string_view source, CatalogBuilder& b) {
  LICET_RETURN_IF_ERROR(
      ForEachTable(root, "features", source, [&](TableReader& r, const toml::table&) {
        b.features().push_back(Feature{.id = r.String("id"), .name = r.String("name")});
      }));
  LICET_RETURN_IF_ERROR(
      ForEachTable(root, "editions", source, [&](TableReader& r, const toml::table&) {
        Edition e;
        e.id = r.String("id");
        e.name = r.String("name");
        e.evaluation = r.Bool("evaluation", false);
        const std::string type = r.String("install_type", false);
        if (type == "core") {
          e.install_type = InstallType::kCore;
        } else if (!type.empty() && type != "desktop") {
          r.Fail("install_type", "must be \"desktop\" or \"core\"");
        }
        e.features = r.Strings("features");
        e.targets = r.Strings("targets");
        b.editions().push_back(std::move(e));
      }));
  LICET_RETURN_IF_ERROR(
      ForEachTable(root, "refused_conversions", source, [&](TableReader& r, const toml::table&) {
        b.refused().push_back(RefusedConversion{
            .from = r.String("from"), .to = r.String("to"), .reason = r.String("reason")});
      }));
  return ForEachTable(root, "skus", source, [&](TableReader& r, const toml::table&) {
    Sku sku;
    sku.activation_id = r.String("activation_id");
    sku.editions = r.Strings("editions");
    const std::string channel = r.String("channel");
    if (const std::optional<Channel> c = ParseChannel(channel)) {
      sku.channel = *c;
    } else if (!channel.empty()) {
      r.Fail("channel",
             "must be one of Retail:TB:Eval, Retail, OEM:DM, OEM:NONSLP, Volume:MAK, Volume:GVLK, "
             "Volume:CSVLK");
    }
    if (const toml::array* groups = r.Array("key_groups")) {
      for (const toml::node& g : *groups) {
        const auto* v = g.as_integer();
        if (v == nullptr || v->get() < 0 || v->get() > kMaxKeyGroup) {
          r.Fail("key_groups", fmt::format("must hold integers from 0 to {}", kMaxKeyGroup), &g);
        } else {
          sku.key_groups.push_back(static_cast<std::uint32_t>(v->get()));
        }
      }
    }
    if (const toml::array* literals = r.Array("literal_keys")) {
      for (const toml::node& l : *literals) {
        const toml::table* t = l.as_table();
        if (t == nullptr) {
          r.Fail("literal_keys", "must hold inline tables { key = \"...\", note = \"...\" }", &l);
          continue;
        }
        TableReader lr(*t, "literal_keys", source);
        LiteralKey key{.key = lr.String("key"),
                       .note = lr.String("note", false),
                       .aliases = lr.Strings("aliases")};
        if (!lr.error().ok()) r.Fail("literal_keys", lr.error().message(), &l);
        sku.literal_keys.push_back(std::move(key));
      }
    }
    sku.activations = static_cast<std::uint32_t>(r.Integer("activations", 0, 0, 100000000));
    b.skus().push_back(std::move(sku));
  });
}

// toml++ 3.3.0 reaches __builtin_unreachable() (undefined behaviour) when it asks whether some
// non-ASCII code points are whitespace (U+00A1..U+049A and U+FB46..U+FEFE: a defect in its
// generated tables), and it asks that in more places than outside strings: while looking ahead
// past a bare value (`0"é"`), after a line-ending backslash in a multi-line string. All found by
// fuzz/catalog_fuzzer. So toml++ is only ever given ASCII: non-ASCII text in a basic string
// becomes the \u / \U escape of the same code point, and a literal string holding some becomes
// the basic string of the same value (the parsed values are unchanged); in a comment it becomes
// '?'; outside strings and comments it is refused with a fix, as is invalid UTF-8. Line numbers
// are unchanged; columns on a line with escapes shift.

bool IsAscii(char c) { return static_cast<unsigned char>(c) < 0x80; }

// The code point of the UTF-8 sequence at text[i], and its length; nullopt if it is not valid
// UTF-8 (truncated, overlong, a surrogate, beyond U+10FFFF).
std::optional<std::pair<char32_t, size_t>> DecodeUtf8(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, cp = lead & 0x1Fu, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, cp = lead & 0x0Fu, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, cp = lead & 0x07u, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (i + length > text.size()) return std::nullopt;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return std::nullopt;
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  return std::pair{cp, length};
}

// Appends the basic-string escape of `cp` (\uXXXX or \UXXXXXXXX).
void AppendEscape(std::string& out, char32_t cp) {
  out += cp <= 0xFFFF ? fmt::format("\\u{:04X}", static_cast<std::uint32_t>(cp))
                      : fmt::format("\\U{:08X}", static_cast<std::uint32_t>(cp));
}

// Appends the basic string ("..." or """...""") whose value is `content`, the text of a literal
// string: backslashes and double quotes escaped, non-ASCII text as escapes. False if `content` is
// not valid UTF-8.
bool AppendAsBasicString(std::string& out, std::string_view content, bool multi_line) {
  const std::string_view quotes = multi_line ? R"(""")" : R"(")";
  out += quotes;
  for (size_t k = 0; k < content.size(); ++k) {
    const char x = content[k];
    if (!IsAscii(x)) {
      const auto decoded = DecodeUtf8(content, k);
      if (!decoded) return false;
      AppendEscape(out, decoded->first);
      k += decoded->second - 1;
    } else {
      if (x == '\\' || x == '"') out += '\\';
      out += x;
    }
  }
  out += quotes;
  return true;
}

StatusOr<std::string> AsciiForToml(std::string_view text, std::string_view source) {
  enum class State { kCode, kComment, kBasic, kMultiBasic } state = State::kCode;
  int line = 1;
  const auto invalid = [&](std::string_view what, std::string_view fix) {
    return Status(ErrorCode::kCatalogInvalid, fmt::format("{}:{}: {}", source, line, what),
                  std::string(fix));
  };
  const auto not_utf8 = [&] { return invalid("the text is not valid UTF-8", "Save it as UTF-8"); };
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const std::string_view rest = text.substr(i);
    if (!IsAscii(c)) {
      const auto decoded = DecodeUtf8(text, i);
      if (!decoded) return not_utf8();
      if (state == State::kCode) {
        return invalid("a non-ASCII character outside a string or comment",
                       "Put the text in a \"string\" or after a #");
      }
      if (state == State::kComment) {
        out += '?';
      } else {
        AppendEscape(out, decoded->first);
      }
      i += decoded->second - 1;
      continue;
    }
    if (c == '\n') {
      out += c;
      ++line;
      if (state == State::kComment || state == State::kBasic) state = State::kCode;
      continue;
    }
    switch (state) {
      case State::kCode:
        if (c == '\'') {
          // A literal string has no escapes: one with non-ASCII text is rewritten as the basic
          // string of the same value; an ASCII one is copied as is.
          const bool multi = rest.starts_with("'''");
          const size_t quotes = multi ? 3 : 1;
          const size_t begin = i + quotes;
          size_t end = multi ? text.find("'''", begin) : text.find_first_of("'\n", begin);
          if (end == std::string_view::npos) end = text.size();
          const bool closed = end < text.size() && text[end] == '\'';
          const std::string_view content = text.substr(begin, end - begin);
          const bool ascii = std::all_of(content.begin(), content.end(), IsAscii);
          const size_t after = closed ? end + quotes : end;  // past the closing quotes
          if (ascii) {
            out += text.substr(i, after - i);
          } else if (!closed) {
            return invalid("a 'literal string' with non-ASCII text is not closed",
                           multi ? "Close it with '''" : "Close it with ' on the same line");
          } else if (!AppendAsBasicString(out, content, multi)) {
            return not_utf8();
          }
          line += static_cast<int>(std::count(content.begin(), content.end(), '\n'));
          i = after - 1;
          break;
        }
        out += c;
        if (c == '#') {
          state = State::kComment;
        } else if (rest.starts_with(R"(""")")) {
          state = State::kMultiBasic, out += R"("")", i += 2;
        } else if (c == '"') {
          state = State::kBasic;
        }
        break;
      case State::kBasic:
      case State::kMultiBasic:
        out += c;
        if (c == '\\') {
          // The escaped character: ASCII is copied (toml++ judges the escape); a non-ASCII one
          // cannot be a valid escape.
          if (i + 1 < text.size()) {
            const char next = text[i + 1];
            if (!IsAscii(next)) {
              return invalid("a backslash before a non-ASCII character",
                             R"(Double the backslash (\\) or remove it)");
            }
            out += next;
            ++i;
            if (next == '\n') ++line;
          }
        } else if (state == State::kBasic && c == '"') {
          state = State::kCode;
        } else if (state == State::kMultiBasic && rest.starts_with(R"(""")")) {
          state = State::kCode, out += R"("")", i += 2;
        }
        break;
      case State::kComment:
        out += c;
        break;
    }
  }
  return out;
}

}  // namespace

StatusOr<Catalog> Catalog::Parse(std::string_view toml_text, std::string_view source) {
  LICET_ASSIGN_OR_RETURN(const std::string ascii, AsciiForToml(toml_text, source));
  toml::parse_result parsed = toml::parse(ascii, source);
  if (!parsed) {
    const toml::parse_error& err = parsed.error();
    return Status(ErrorCode::kCatalogInvalid,
                  fmt::format("{}:{}:{}: {}", source, err.source().begin.line,
                              err.source().begin.column, err.description()));
  }
  CatalogBuilder builder;
  LICET_RETURN_IF_ERROR(ParseHeader(parsed.table(), source, builder));
  LICET_RETURN_IF_ERROR(ParseBody(parsed.table(), source, builder));
  return std::move(builder).Build(source);
}

}  // namespace licet
