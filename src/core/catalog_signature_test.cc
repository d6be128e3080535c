#include "licet/core/catalog_signature.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace licet {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<TrustedKey> BundledTrustedKeys() {
  std::vector<TrustedKey> keys;
  for (const char* name : {"licet-lab-root-2026.pub", "acme-root-2026.pub"}) {
    StatusOr<TrustedKey> k =
        ParsePublicKeyFile(ReadFile(std::string(LICET_CATALOG_DIR) + "/trusted-keys/" + name));
    LICET_CHECK(k.ok(), "bundled key");
    keys.push_back(*k);
  }
  return keys;
}

// A catalog body whose [vendor].public_key is `key`'s.
std::string BodyFor(const SigningKey& key) {
  std::string body = ReadFile(std::string(LICET_CATALOG_DIR) + "/acme-studio.toml");
  body = std::string(CatalogBody(body));
  const std::string marker = "public_key = \"";
  const size_t pos = body.find(marker) + marker.size();
  const size_t end = body.find('"', pos);
  const TrustedKey pub{key.key_id, key.public_key};
  std::string line = FormatPublicKeyFile(pub);
  const std::string b64 = line.substr(line.rfind(' ') + 1, 44);
  body.replace(pos, end - pos, b64);
  const std::string id_marker = "key_id = \"acme-root-2026\"";
  body.replace(body.find(id_marker), id_marker.size(), "key_id = \"" + key.key_id + "\"");
  return body;
}

TEST(CatalogSignatureTest, BundledCatalogsVerify) {
  for (const char* name : {"windows-server-2022.toml", "acme-studio.toml"}) {
    const std::string text = ReadFile(std::string(LICET_CATALOG_DIR) + "/" + name);
    const StatusOr<Catalog> c = LoadSignedCatalog(text, name, BundledTrustedKeys());
    EXPECT_TRUE(c.ok()) << c.status();
  }
}

TEST(CatalogSignatureTest, SignThenVerify) {
  const SigningKey key = SigningKey::Generate("test-root");
  const std::string signed_text = SignCatalogText(BodyFor(key), key);
  const TrustedKey trusted{key.key_id, key.public_key};
  const StatusOr<Catalog> c = LoadSignedCatalog(signed_text, "t", {&trusted, 1});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vendor().key_id, "test-root");
  // Signing again replaces the signature instead of stacking a second one.
  EXPECT_EQ(SignCatalogText(signed_text, key), signed_text);
}

TEST(CatalogSignatureTest, UnsignedCatalogIsRefused) {
  const SigningKey key = SigningKey::Generate("test-root");
  const TrustedKey trusted{key.key_id, key.public_key};
  const StatusOr<Catalog> c = LoadSignedCatalog(BodyFor(key), "t", {&trusted, 1});
  EXPECT_EQ(c.status().code(), ErrorCode::kCatalogSignature);
  EXPECT_NE(c.status().message().find("not signed"), std::string_view::npos);
}

TEST(CatalogSignatureTest, EveryAlteredByteIsRefused) {
  const SigningKey key = SigningKey::Generate("test-root");
  const std::string signed_text = SignCatalogText(BodyFor(key), key);
  const TrustedKey trusted{key.key_id, key.public_key};
  const size_t body_size = CatalogBody(signed_text).size();
  // Flip one bit at a spread of positions through the body (evaluation_days = 30 -> 31 included).
  for (size_t pos = 0; pos < body_size; pos += 97) {
    std::string altered = signed_text;
    altered[pos] = static_cast<char>(altered[pos] ^ 0x01);
    const StatusOr<Catalog> c = LoadSignedCatalog(altered, "t", {&trusted, 1});
    ASSERT_FALSE(c.ok()) << "flip at " << pos;
    EXPECT_EQ(c.status().code(), ErrorCode::kCatalogSignature) << c.status();
  }
  std::string longer = signed_text;
  longer.replace(longer.find("evaluation_days = 30"), 20, "evaluation_days = 3000");
  EXPECT_EQ(LoadSignedCatalog(longer, "t", {&trusted, 1}).status().code(),
            ErrorCode::kCatalogSignature);
}

TEST(CatalogSignatureTest, TruncatedSignatureIsRefused) {
  const SigningKey key = SigningKey::Generate("test-root");
  std::string text = SignCatalogText(BodyFor(key), key);
  text.resize(text.size() - 20);
  const TrustedKey trusted{key.key_id, key.public_key};
  EXPECT_EQ(LoadSignedCatalog(text, "t", {&trusted, 1}).status().code(),
            ErrorCode::kCatalogSignature);
}

TEST(CatalogSignatureTest, UnknownSignerIsUntrusted) {
  const SigningKey key = SigningKey::Generate("stranger");
  const std::string text = SignCatalogText(BodyFor(key), key);
  EXPECT_EQ(LoadSignedCatalog(text, "t", BundledTrustedKeys()).status().code(),
            ErrorCode::kCatalogUntrusted);
}

TEST(CatalogSignatureTest, ImpostorUsingATrustedKeyIdIsRefused) {
  // Signed with a new key but naming the lab key's id: the signature does not verify.
  SigningKey impostor = SigningKey::Generate("licet-lab-root-2026");
  const std::string text = SignCatalogText(BodyFor(impostor), impostor);
  EXPECT_EQ(LoadSignedCatalog(text, "t", BundledTrustedKeys()).status().code(),
            ErrorCode::kCatalogSignature);
}

TEST(CatalogSignatureTest, VendorKeyMustBeTheSigner) {
  const SigningKey signer = SigningKey::Generate("signer");
  const SigningKey other = SigningKey::Generate("signer");
  const std::string text =
      SignCatalogText(BodyFor(other), signer);  // body names `other`'s public key
  const TrustedKey trusted{signer.key_id, signer.public_key};
  EXPECT_EQ(LoadSignedCatalog(text, "t", {&trusted, 1}).status().code(),
            ErrorCode::kCatalogUntrusted);
}

TEST(CatalogSignatureTest, KeyFilesRoundTrip) {
  const SigningKey key = SigningKey::Generate("round-trip");
  const StatusOr<SigningKey> secret = ParseSecretKeyFile(FormatSecretKeyFile(key));
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(secret->public_key, key.public_key);
  const StatusOr<TrustedKey> pub =
      ParsePublicKeyFile(FormatPublicKeyFile({key.key_id, key.public_key}));
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->public_key, key.public_key);
  EXPECT_EQ(ParsePublicKeyFile("ed25519-public x notbase64!").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseSecretKeyFile("").status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace licet
