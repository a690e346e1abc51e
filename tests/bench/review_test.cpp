// The review server over HTTP on loopback: the page and its files from the binary, items and progress, decisions
// stored with reviewer and history (a later reviewer's kept), texts sent as JSON data, the token and the POST
// header enforced.
#include <gtest/gtest.h>
#include <httplib.h>

#include "bench_helpers.h"
#include "mgrs/bench/review.h"
#include "mgrs/catalog/catalog.h"
#include "test_support.h"

namespace mgrs::bench {
namespace {

using nlohmann::json;

const char* kConfig = R"({"seed": 2, "tasks": {"counting": {"images": 3, "granularity": {"sparse": 1}},
  "grounding": {"images": 2, "sources": ["demo-rsvg"], "granularity": {"small": 1}}}, "cross_resolution_fraction": 0})";

class ReviewTest : public ::testing::Test {
 protected:
  void Start(const std::string& name, const std::string& token = "") {
    scratch_ = mgrs::testing::ScratchDir(name);
    path_ = testing::FreshCatalog(scratch_);
    ASSERT_TRUE(RunBuild(testing::Options(scratch_, path_, kConfig)).ok());
    ReviewOptions options;
    options.catalog_path = path_;
    options.port = 0;
    options.token = token;
    auto server = ReviewServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  json Get(const std::string& path, int expected = 200, const httplib::Headers& headers = {}) {
    auto res = client_->Get(path.c_str(), headers);
    EXPECT_TRUE(res) << path;
    if (!res) return json();
    EXPECT_EQ(res->status, expected) << path << ": " << res->body;
    return json::parse(res->body, nullptr, false);
  }

  httplib::Result Decide(const json& body, httplib::Headers headers = {{"X-Review", "1"}}) {
    return client_->Post("/api/decide", headers, body.dump(), "application/json");
  }

  std::string scratch_, path_;
  std::unique_ptr<ReviewServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ReviewTest, ServesThePageAndItsFilesFromTheBinary) {
  Start("bench-review-page");
  for (const char* path : {"/", "/review.js", "/review.css"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_GT(res->body.size(), 500u) << path;
    EXPECT_NE(res->get_header_value("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  }
  // Texts reach the page through textContent only: the script never writes markup.
  const std::string js = client_->Get("/review.js")->body;
  EXPECT_EQ(js.find("innerHTML"), std::string::npos);
  EXPECT_EQ(js.find("insertAdjacentHTML"), std::string::npos);
  EXPECT_EQ(js.find("document.write"), std::string::npos);
}

TEST_F(ReviewTest, DecisionsAreStoredWithHistoryAndTheLaterOneKept) {
  Start("bench-review-decide");
  json list = Get("/api/items");
  ASSERT_EQ(list["items"].size(), 5u);
  EXPECT_EQ(list["progress"]["pending"], 5);
  const std::string id = list["items"][0]["id"];
  json item = Get("/api/item?id=" + httplib::detail::encode_query_param(id));
  EXPECT_EQ(item["status"], "pending");
  EXPECT_FALSE(item["question"].get<std::string>().empty());
  auto image = client_->Get(("/api/image?id=" + httplib::detail::encode_query_param(id)).c_str());
  ASSERT_TRUE(image);
  EXPECT_EQ(image->get_header_value("Content-Type"), "image/png");
  EXPECT_EQ(image->body.substr(1, 3), "PNG");

  auto first = Decide({{"id", id}, {"decision", "accept"}, {"reviewer", "alice"}});
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200) << first->body;
  auto second = Decide({{"id", id}, {"decision", "edit"}, {"answer", "<b>9</b>"}, {"reviewer", "bob"}});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200) << second->body;
  item = Get("/api/item?id=" + httplib::detail::encode_query_param(id));
  EXPECT_EQ(item["reviewer"], "bob");
  EXPECT_EQ(item["answer"], "<b>9</b>");  // data, not markup: the page shows it with textContent
  ASSERT_EQ(item["history"].size(), 2u);
  EXPECT_EQ(item["history"][0]["reviewer"], "alice");
  EXPECT_EQ(Get("/api/items?status=pending")["items"].size(), 4u);
  EXPECT_EQ(Get("/api/items")["progress"]["accepted"], 1);

  auto catalog = catalog::Catalog::Open(path_, catalog::Catalog::Mode::kReadOnly);
  ASSERT_TRUE(catalog.ok());
  auto stored = (*catalog)->FindBenchItem(id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->answer, "<b>9</b>");
  EXPECT_EQ((*stored)->reviewer, "bob");
}

TEST_F(ReviewTest, BadDecisionsAreRefusedAndChangeNothing) {
  Start("bench-review-bad");
  const std::string id = Get("/api/items")["items"][0]["id"];
  auto no_name = Decide({{"id", id}, {"decision", "accept"}});
  ASSERT_TRUE(no_name);
  EXPECT_EQ(no_name->status, 400);
  auto unknown = Decide({{"id", "nope"}, {"decision", "accept"}, {"reviewer", "alice"}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  auto no_header = Decide({{"id", id}, {"decision", "accept"}, {"reviewer", "alice"}}, {});
  ASSERT_TRUE(no_header);
  EXPECT_EQ(no_header->status, 403);
  EXPECT_EQ(Get("/api/items")["progress"]["pending"], 5);
}

// Hostile bodies: JSON nested 100,000 deep (nlohmann's parser recurses once per level) and a body past the size
// limit are refused, and the server goes on answering.
TEST_F(ReviewTest, DeepAndOversizedBodiesAreRefusedAndTheServerGoesOn) {
  Start("bench-review-hostile");
  const httplib::Headers headers{{"X-Review", "1"}};
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto nested = client_->Post("/api/decide", headers, deep, "application/json");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->status, 400);
  auto nested_value = client_->Post("/api/decide", headers, "{\"id\": " + deep + "}", "application/json");
  ASSERT_TRUE(nested_value);
  EXPECT_EQ(nested_value->status, 400);
  auto huge = client_->Post("/api/decide", headers, std::string(2 << 20, ' '), "application/json");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  EXPECT_EQ(Get("/api/items")["progress"]["pending"], 5);
}

TEST(ParseDecisionRequestTest, TakesTheFourStringsAndNamesAWrongOne) {
  auto decision = ParseDecisionRequest(R"({"id": "a", "decision": "edit", "answer": "7", "reviewer": "r", "x": 1})");
  ASSERT_TRUE(decision.ok()) << decision.status().ToString();
  EXPECT_EQ(decision->item_id, "a");
  EXPECT_EQ(decision->decision, "edit");
  EXPECT_EQ(decision->answer, "7");
  EXPECT_EQ(decision->reviewer, "r");
  for (const char* bad : {"", "[]", "\"id\"", "{\"id\": 3}", "{\"reviewer\": null}", "{\"answer\": 1e999}"}) {
    EXPECT_EQ(ParseDecisionRequest(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(ParseDecisionRequest(R"({"id": 3})").status().message().find("id"), std::string::npos);
}

TEST_F(ReviewTest, ATokenIsRequiredWhenSet) {
  Start("bench-review-token", "s3cret");
  Get("/api/items", 403);
  Get("/api/items?token=wrong", 403);
  EXPECT_EQ(Get("/api/items?token=s3cret")["items"].size(), 5u);
  EXPECT_EQ(Get("/api/items", 200, {{"X-Review-Token", "s3cret"}})["items"].size(), 5u);
  EXPECT_NE(server_->url().find("?token=s3cret"), std::string::npos);
}

TEST(ReviewStartTest, AnotherAddressWithoutATokenIsRefused) {
  ReviewOptions options;
  options.catalog_path = mgrs::testing::ScratchDir("bench-review-host") + "/never-opened.sqlite";
  options.host = "0.0.0.0";
  options.port = 0;
  EXPECT_EQ(ReviewServer::Start(options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mgrs::bench
