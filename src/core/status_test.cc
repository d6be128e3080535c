#include "licet/core/status.h"

#include <gtest/gtest.h>

#include <sstream>

namespace licet {
namespace {

TEST(StatusTest, DefaultIsOk) {
  const Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kOk);
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, CarriesCodeMessageAndFix) {
  const Status s(ErrorCode::kNotSupported, "eval edition", "licet dism /online ...");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.info().symbol, "ERROR_NOT_SUPPORTED");
  EXPECT_EQ(s.message(), "eval edition");
  EXPECT_TRUE(s.has_fix());
  EXPECT_EQ(s.remedy(), "licet dism /online ...");
  EXPECT_EQ(s.ToString(), "0x80070032 ERROR_NOT_SUPPORTED: eval edition");
}

TEST(StatusTest, RemedyFallsBackToRegistry) {
  const Status s(ErrorCode::kProductKeyNotInstalled, "");
  EXPECT_FALSE(s.has_fix());
  EXPECT_EQ(s.remedy(), LookupError(ErrorCode::kProductKeyNotInstalled).remedy);
  EXPECT_EQ(s.message(), LookupError(ErrorCode::kProductKeyNotInstalled).message);
}

TEST(StatusTest, StreamsAsToString) {
  std::ostringstream os;
  os << Status(ErrorCode::kInvalidProductKey, "bad");
  EXPECT_EQ(os.str(), "0xC004F050 SL_E_INVALID_PRODUCT_KEY: bad");
}

TEST(StatusTest, WithContextPrefixesMessageAndKeepsFix) {
  const Status s =
      Status(ErrorCode::kIoError, "disk full", "free space").WithContext("saving store");
  EXPECT_EQ(s.message(), "saving store: disk full");
  EXPECT_EQ(s.remedy(), "free space");
}

StatusOr<int> Half(int v) {
  if (v % 2 != 0) return Status(ErrorCode::kInvalidArgument, "odd");
  return v / 2;
}

StatusOr<int> Quarter(int v) {
  LICET_ASSIGN_OR_RETURN(const int h, Half(v));
  LICET_ASSIGN_OR_RETURN(const int q, Half(h));
  return q;
}

Status CheckEven(int v) {
  LICET_RETURN_IF_ERROR(Half(v).status());
  return OkStatus();
}

TEST(StatusOrTest, MacrosPropagateErrorsAndValues) {
  ASSERT_TRUE(Quarter(8).ok());
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(3).ok());
}

TEST(StatusOrDeathTest, ValueOfErrorAborts) {
  const StatusOr<int> s = Status(ErrorCode::kInternal, "boom");
  EXPECT_DEATH((void)s.value(), "boom");
}

}  // namespace
}  // namespace licet
