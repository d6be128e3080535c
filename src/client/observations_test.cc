// observed.json's writes: what a write keeps, and the temporaries of cut-short writes it removes
// (an application may exit while its SDK handle writes in the background).
#include "observations.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace licet::client {
namespace {

namespace fs = std::filesystem;

TEST(ObservationsTest, AWriteKeepsItsMarksAndRemovesOnlyStaleTemporaries) {
  const fs::path root = ::testing::TempDir() + "/observations_test";
  fs::remove_all(root);
  fs::create_directories(root);
  const fs::path stale = root / "observed.json.tmp-0badf00d";
  const fs::path in_flight = root / "observed.json.tmp-12345678";
  const fs::path other = root / "store.json.tmp-0badf00d";
  for (const fs::path& p : {stale, in_flight, other}) std::ofstream(p) << "{";
  const auto old = fs::file_time_type::clock::now() - std::chrono::minutes(5);
  fs::last_write_time(stale, old);
  fs::last_write_time(other, old);

  Observations o;
  o.trusted_time = TimePoint(Seconds(1'800'000'000));
  o.boot.boot_id = "8904c2da-8001-4973-a715-ca4be99a95ee";
  ASSERT_TRUE(WriteObservations(root, o).ok());

  const Observations read = ReadObservations(root);
  EXPECT_EQ(read.trusted_time, o.trusted_time);
  EXPECT_EQ(read.boot.boot_id, o.boot.boot_id);
  EXPECT_FALSE(fs::exists(stale));     // a minute old: a write that will never finish
  EXPECT_TRUE(fs::exists(in_flight));  // recent: maybe another process's write
  EXPECT_TRUE(fs::exists(other));      // not observed.json's
  fs::remove_all(root);
}

}  // namespace
}  // namespace licet::client
