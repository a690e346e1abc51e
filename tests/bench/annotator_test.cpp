// The OpenAI-compatible annotator against a real HTTP server on loopback (cpp-httplib) that answers well, with
// garbage, with errors, too slowly, or only on a retry: answers are cached, failures retried then reported, never
// stored as answers.
#include <gtest/gtest.h>
#include <httplib.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bench_helpers.h"
#include "mgrs/bench/bench.h"
#include "mgrs/catalog/catalog.h"
#include "test_support.h"

namespace mgrs::bench {
namespace {

using nlohmann::json;

// Counting only, four items, no copies: four requests per build when nothing is cached.
const char* kFourItems = R"({"seed": 1, "tasks": {"counting": {"images": 4, "granularity": {"sparse": 1}}},
  "cross_resolution_fraction": 0})";

// Behaviour by the request's model name: good, garbage, error, slow, flaky (an error on the first request of
// each question, then good).
class FakeServer {
 public:
  FakeServer() {
    server_.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
      ++requests_;
      const json body = json::parse(req.body, nullptr, false);
      if (body.is_discarded()) {
        res.status = 400;
        return;
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        last_authorization_ = req.get_header_value("Authorization");
      }
      const std::string model = body.value("model", "");
      const auto& parts = body["messages"][1]["content"];
      const std::string question = parts[0]["text"];
      const bool has_image = parts[1]["image_url"]["url"].get<std::string>().rfind("data:image/png;base64,", 0) == 0;
      if (model == "garbage") {
        res.set_content("<html>not json</html>", "text/html");
      } else if (model == "error") {
        res.status = 500;
        res.set_content(R"({"error": {"message": "overloaded"}})", "application/json");
      } else if (model == "slow") {
        std::this_thread::sleep_for(std::chrono::milliseconds(800));
        res.set_content(Reply("late"), "application/json");
      } else if (model == "flaky" && seen_.insert(question).second) {
        res.status = 503;
      } else {
        res.set_content(Reply(has_image ? "answer to: " + question : "no image"), "application/json");
      }
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeServer() {
    server_.stop();
    thread_.join();
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }
  std::string last_authorization() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_authorization_;
  }

 private:
  static std::string Reply(const std::string& content) {
    return json{{"choices", json::array({json{{"message", {{"role", "assistant"}, {"content", content}}}}})}}.dump();
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::set<std::string> seen_;  // only the server thread pool touches it, one request at a time per test
  std::mutex mutex_;
  std::string last_authorization_;
};

BuildOptions OpenAi(const std::string& scratch, const std::string& catalog, const FakeServer& server,
                    const std::string& model) {
  BuildOptions options = testing::Options(scratch, catalog, kFourItems);
  options.annotator = "openai";
  options.openai.endpoint = server.endpoint();
  options.openai.model = model;
  options.openai.api_key_env = "MGRS_BENCH_TEST_KEY";
  options.openai.timeout_seconds = 0.3;
  options.openai.max_attempts = 3;
  options.openai.backoff_seconds = 0.01;
  options.openai.requests_per_second = 0;
  return options;
}

TEST(BenchAnnotatorTest, AnswersAreStoredAndCachedSoARerunNeverAsksTwice) {
  FakeServer server;
  ::setenv("MGRS_BENCH_TEST_KEY", "sk-test", 1);
  const std::string scratch = mgrs::testing::ScratchDir("bench-openai-good");
  const std::string path = testing::FreshCatalog(scratch);
  auto first = RunBuild(OpenAi(scratch, path, server, "good"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->failures.empty());
  EXPECT_EQ(first->requests, 4);
  EXPECT_EQ(server.requests(), 4);
  EXPECT_EQ(server.last_authorization(), "Bearer sk-test");
  auto catalog = catalog::Catalog::Open(path);
  ASSERT_TRUE(catalog.ok());
  auto items = (*catalog)->BenchItems();
  ASSERT_TRUE(items.ok());
  for (const auto& item : *items) {
    EXPECT_EQ(item.candidate, "answer to: " + item.question);
    EXPECT_EQ(item.annotator, "openai:good");
    EXPECT_EQ(item.status, "pending");
  }
  catalog->reset();
  auto second = RunBuild(OpenAi(scratch, path, server, "good"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->requests, 0);
  EXPECT_EQ(second->cache_hits, 4);
  EXPECT_EQ(server.requests(), 4);
}

// One bad behaviour: every item fails after its attempts, is marked failed, and nothing is cached.
void ExpectFailures(const std::string& model, const std::string& reason) {
  FakeServer server;
  const std::string scratch = mgrs::testing::ScratchDir("bench-openai-" + model);
  const std::string path = testing::FreshCatalog(scratch);
  auto summary = RunBuild(OpenAi(scratch, path, server, model));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_EQ(summary->failures.size(), 4u);
  EXPECT_NE(summary->failures[0].find(reason), std::string::npos) << summary->failures[0];
  EXPECT_EQ(summary->requests, 12);  // three attempts each
  auto catalog = catalog::Catalog::Open(path);
  ASSERT_TRUE(catalog.ok());
  auto items = (*catalog)->BenchItems();
  ASSERT_TRUE(items.ok());
  for (const auto& item : *items) {
    EXPECT_EQ(item.status, "failed");
    EXPECT_EQ(item.candidate, "");
    EXPECT_NE(item.annotation_error.find("no answer after 3 attempts"), std::string::npos);
    // A failed item cannot be accepted as it is.
    EXPECT_EQ((*catalog)->DecideBenchItem({item.id, "accept", "", "alice", "", ""}).code(),
              StatusCode::kInvalidArgument);
  }
  catalog->reset();
  auto rerun = RunBuild(OpenAi(scratch, path, server, model));
  ASSERT_TRUE(rerun.ok());
  EXPECT_EQ(rerun->cache_hits, 0);  // nothing was cached: the rerun asks again
  EXPECT_EQ(rerun->requests, 12);
}

TEST(BenchAnnotatorTest, GarbageIsRetriedThenReported) { ExpectFailures("garbage", "not JSON"); }
TEST(BenchAnnotatorTest, ServerErrorsAreRetriedThenReported) { ExpectFailures("error", "HTTP 500"); }
TEST(BenchAnnotatorTest, TimeoutsAreRetriedThenReported) { ExpectFailures("slow", "Read"); }

TEST(BenchAnnotatorTest, AnErrorFollowedByAnAnswerIsAnAnswer) {
  FakeServer server;
  const std::string scratch = mgrs::testing::ScratchDir("bench-openai-flaky");
  const std::string path = testing::FreshCatalog(scratch);
  auto summary = RunBuild(OpenAi(scratch, path, server, "flaky"));
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->failures.empty());
  EXPECT_EQ(summary->requests, 8);
}

TEST(BenchAnnotatorTest, TheRateLimitSpacesRequests) {
  FakeServer server;
  const std::string scratch = mgrs::testing::ScratchDir("bench-openai-rate");
  const std::string path = testing::FreshCatalog(scratch);
  BuildOptions options = OpenAi(scratch, path, server, "good");
  options.openai.requests_per_second = 10;
  const auto start = std::chrono::steady_clock::now();
  auto summary = RunBuild(options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->requests, 4);
  EXPECT_GE(seconds, 0.3);  // four requests at 10 per second: three gaps of 0.1 s at least
}

TEST(BenchAnnotatorTest, ABadEndpointIsRefused) {
  const std::string scratch = mgrs::testing::ScratchDir("bench-openai-endpoint");
  const std::string path = testing::FreshCatalog(scratch);
  FakeServer server;
  BuildOptions options = OpenAi(scratch, path, server, "good");
  options.openai.endpoint = "ftp://example";
  EXPECT_EQ(RunBuild(options).status().code(), StatusCode::kInvalidArgument);
}

#ifdef MGRS_TOOL_SKYMOE
// Our own server, not a stand-in: `skymoe serve` on loopback with a tiny model from `skymoe init`, started as a
// child process on a free port (read from its first line), asked through the annotator, stopped with SIGTERM.
class SkymoeServe {
 public:
  explicit SkymoeServe(const std::string& checkpoint) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::execl(MGRS_TOOL_SKYMOE, MGRS_TOOL_SKYMOE, "serve", "--checkpoint", checkpoint.c_str(), "--port", "0",
              "--threads", "1", "--quiet", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    FILE* lines = ::fdopen(out[0], "r");
    char buffer[512] = {0};
    const std::string first = std::fgets(buffer, sizeof(buffer), lines) != nullptr ? buffer : "";
    std::fclose(lines);
    const auto at = first.rfind(':');  // "skymoe serve: serving NAME on http://127.0.0.1:PORT"
    if (first.find("serving") == std::string::npos || at == std::string::npos) {
      throw std::runtime_error("skymoe serve did not start: " + first);
    }
    endpoint_ = "http://127.0.0.1:" + std::to_string(std::stoi(first.substr(at + 1)));
    model_ = first.substr(first.find("serving ") + 8, first.find(" on ") - first.find("serving ") - 8);
  }
  ~SkymoeServe() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  const std::string& endpoint() const { return endpoint_; }
  const std::string& model() const { return model_; }

 private:
  pid_t pid_ = -1;
  std::string endpoint_, model_;
};

TEST(BenchAnnotatorTest, SkymoeServeAnswersTheAnnotatorAndARerunAsksNothing) {
  const std::string scratch = mgrs::testing::ScratchDir("bench-openai-skymoe");
  // Enough distinct words (two-syllable made-up names) for the tiny config's 1,024-piece tokenizer.
  const std::vector<std::string> syllables = {"ka", "lo", "mi", "ne", "su", "ta", "ri", "po",  "ve", "du",
                                              "ga", "hi", "jo", "be", "fu", "ze", "wa", "qui", "xo", "yel"};
  std::string samples;
  for (size_t i = 0; i < 400; ++i) {
    const std::string word = syllables[i % 20] + syllables[(i / 20) % 20] + syllables[(i * 7) % 20];
    samples += json{{"id", "s" + std::to_string(i)},
                    {"task", "caption"},
                    {"image", "a.png"},
                    {"conversations",
                     {{{"from", "human"}, {"value", "<image>\nDescribe the " + word + " scene."}},
                      {{"from", "gpt"}, {"value", "A " + word + " next to " + syllables[i % 7] + word + "."}}}},
                    {"gt", {{"references", {"a " + word}}}}}
                   .dump() +
               "\n";
  }
  const std::string data = testing::WriteText(scratch, "samples.jsonl", samples);
  std::string output;
  ASSERT_EQ(mgrs::testing::RunCommand(std::string(MGRS_TOOL_SKYMOE) + " init --config " + MGRS_MANIFEST_DIR +
                                          "/models/skymoe-tiny.json --data " + data + " --out " + scratch + "/ckpt",
                                      &output),
            0)
      << output;
  SkymoeServe serve(scratch + "/ckpt");
  const std::string path = testing::FreshCatalog(scratch);
  BuildOptions options = testing::Options(scratch, path, kFourItems);
  options.annotator = "openai";
  options.openai.endpoint = serve.endpoint();
  options.openai.model = serve.model();
  options.openai.timeout_seconds = 60;  // a CPU model on a shared machine
  options.openai.requests_per_second = 0;
  auto first = RunBuild(options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->failures.empty()) << first->failures.front();
  EXPECT_EQ(first->requests, 4);
  auto catalog = catalog::Catalog::Open(path);
  ASSERT_TRUE(catalog.ok());
  auto items = (*catalog)->BenchItems();
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 4u);
  for (const auto& item : *items) {
    EXPECT_EQ(item.annotator, "openai:" + serve.model());
    EXPECT_EQ(item.status, "pending");
    EXPECT_TRUE(item.annotation_error.empty()) << item.annotation_error;
  }
  catalog->reset();
  auto second = RunBuild(options);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->requests, 0);
  EXPECT_EQ(second->cache_hits, 4);
}
#endif

}  // namespace
}  // namespace mgrs::bench
