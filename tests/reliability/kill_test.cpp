// kill -9 of `mgrs ingest` at 20 seeded moments on a generated dataset: after each kill the catalog verifies, and
// a rerun ends with the statistics of an uninterrupted ingest.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "reliability_helpers.h"
#include "test_support.h"

namespace mgrs::reliability {
namespace {

using Clock = std::chrono::steady_clock;

// `mgrs catalog stats` without the catalog's path, so that two catalogs compare by content.
std::string Stats(const std::string& catalog) {
  std::string out;
  EXPECT_EQ(testing::RunCommand(Mgrs() + " catalog stats --catalog " + catalog + " 2>/dev/null", &out), 0) << out;
  const size_t at = out.find(catalog);
  if (at != std::string::npos) out.replace(at, catalog.size(), "C");
  return out;
}

// Commits of 10 files (16 for the 154-file set) so that kills land between commits as well as inside one.
std::string Ingest(const std::string& demo, const std::string& catalog, const std::string& manifest) {
  return IngestDemoDota(demo, catalog, manifest) + " --files-per-transaction 10";
}

// The image count on the first line of `mgrs catalog stats`: "catalog C (schema 2): N images, ...".
long ImagesIn(const std::string& stats) {
  const size_t colon = stats.find("): ");
  return colon == std::string::npos ? -1 : std::atol(stats.c_str() + colon + 3);
}

// Starts `command` in the background and times it: from the start to when `file` appears, and to the end.
struct Timing {
  double created = 0, ended = 0;
};
Timing TimeInBackground(const std::string& command, const std::string& file) {
  Timing timing;
  const auto start = Clock::now();
  const pid_t pid = StartInBackground(command);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (timing.created == 0 && std::filesystem::exists(file)) {
      timing.created = std::chrono::duration<double>(Clock::now() - start).count();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  timing.ended = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  return timing;
}

TEST(KillTest, IngestKilledAt20SeededMomentsVerifiesAndARerunMatchesAnUninterruptedRun) {
  const std::string scratch = testing::ScratchDir("kill-ingest");
  const std::string demo = MakeDemoSet(scratch, 0.5);
  ASSERT_FALSE(demo.empty());
  const std::string manifest = WriteCountlessDotaManifest(scratch);

  // The reference, run twice (the second with the files cached) to time an ingest from the moment its catalog file
  // appears to its end: each kill comes that long or less after the killed run's catalog file appears, so the
  // moments fall where there is something to lose however slowly the process starts on a loaded machine.
  std::string out;
  const std::string reference = scratch + "/reference.sqlite";
  TimeInBackground(Ingest(demo, scratch + "/warm.sqlite", manifest), scratch + "/warm.sqlite");
  const Timing timing = TimeInBackground(Ingest(demo, reference, manifest), reference);
  const std::string expected = Stats(reference);
  const long all_images = ImagesIn(expected);
  ASSERT_GT(all_images, 150) << expected;
  ASSERT_EQ(testing::RunCommand(Mgrs() + " catalog verify --catalog " + reference, &out), 0) << out;

  std::mt19937 random(1703);
  std::uniform_real_distribution<double> moment(0.0, timing.ended - timing.created);
  int killed_running = 0, no_catalog = 0, hot_journal = 0, partial = 0, complete = 0;
  for (int kill = 0; kill < 20; ++kill) {
    SCOPED_TRACE("kill " + std::to_string(kill));
    const std::string catalog = scratch + "/killed" + std::to_string(kill) + ".sqlite";
    const pid_t pid = StartInBackground(Ingest(demo, catalog, manifest));
    ASSERT_GT(pid, 0);
    const double after = moment(random);
    int status = 0;
    bool ended = false;  // before its catalog appeared (it failed): then there is nothing to kill
    while (!ended && !std::filesystem::exists(catalog)) {
      ended = ::waitpid(pid, &status, WNOHANG) == pid;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!ended) {
      std::this_thread::sleep_for(std::chrono::duration<double>(after));
      ::kill(pid, SIGKILL);
      ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ++killed_running;

    if (!std::filesystem::exists(catalog)) {
      ++no_catalog;
    } else {
      if (std::filesystem::exists(catalog + "-journal")) ++hot_journal;
      // verify rolls back what the kill left uncommitted, then checks the catalog against its manifest.
      EXPECT_EQ(testing::RunCommand(Mgrs() + " catalog verify --catalog " + catalog, &out), 0) << out;
      const long images = ImagesIn(Stats(catalog));
      if (images > 0 && images < all_images) ++partial;
      if (images == all_images) ++complete;
    }
    ASSERT_EQ(testing::RunCommand(Ingest(demo, catalog, manifest), &out), 0) << out;
    EXPECT_EQ(Stats(catalog), expected);
  }
  std::printf(
      "ingest of %ld images: catalog after %.2f s, done after %.2f s; 20 kills, %d while running: no catalog "
      "%d, hot journal %d, committed part %d, complete %d\n",
      all_images, timing.created, timing.ended, killed_running, no_catalog, hot_journal, partial, complete);
  // The moments lie within one ingest, so most kills land while it writes; fewer would mean the test no longer
  // tests killing.
  EXPECT_GE(killed_running, 10);
  EXPECT_GE(hot_journal + partial, 5);
}

}  // namespace
}  // namespace mgrs::reliability
