// `skymoe serve` and model::Server: OpenAI chat completions on loopback (127.0.0.1 only) against a tiny random
// checkpoint written by the test; answers must equal the library's Assistant::Answer and `skymoe generate`.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "golden_model.h"
#include "mgrs/core/files.h"
#include "mgrs/model/checkpoint.h"
#include "mgrs/model/server.h"
#include "sharpened_checkpoint.h"
#include "test_support.h"

extern char** environ;

namespace mgrs::model {
namespace {

using nlohmann::json;
using testing::GoldenPath;

std::string SkymoeBinary() { return testing::ToolPath("skymoe"); }

std::string Base64(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t group = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) group |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) group |= static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[group >> 18 & 63];
    out += kAlphabet[group >> 12 & 63];
    out += i + 1 < bytes.size() ? kAlphabet[group >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[group & 63] : '=';
  }
  return out;
}

std::string ReadBytes(const std::string& path) {
  auto bytes = ReadFile(path);
  if (!bytes.ok()) throw std::runtime_error(bytes.status().ToString());
  return *bytes;
}

// A chat request with one user message: an optional image part (given as its url string) and a text part.
std::string ChatBody(const std::string& image_url, const std::string& text, int max_tokens) {
  json content = json::array();
  if (!image_url.empty()) content.push_back({{"type", "image_url"}, {"image_url", {{"url", image_url}}}});
  content.push_back({{"type", "text"}, {"text", text}});
  return json{{"model", "golden-tiny-llava"},
              {"messages", json::array({{{"role", "user"}, {"content", content}}})},
              {"max_tokens", max_tokens}}
      .dump();
}

class ServerTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kSeed = 1;
  // One checkpoint per test process, whose answers depend on the prompt (sharpened_checkpoint.h);
  // AnswersDependOnTheImageTheQuestionAndThePlaceholder checks that this holds.
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::ScratchDir("server_checkpoint"));
    testing::WriteSharpenedCheckpoint(*dir_, kSeed);
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::unique_ptr<Assistant> LoadAssistant() {
    RunOptions run;
    run.threads = 1;
    auto assistant = Assistant::Load(*dir_, run);
    if (!assistant.ok()) throw std::runtime_error(assistant.status().ToString());
    return std::move(*assistant);
  }

  // Loopback only, any free port, the golden images as the image root.
  static ServerOptions LoopbackOptions() {
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.image_root = GoldenPath("images");
    return options;
  }

  void StartServer(const ServerOptions& options) {
    auto server = Server::Start(LoadAssistant(), options);
    if (!server.ok()) throw std::runtime_error(server.status().ToString());
    server_ = std::move(*server);
  }
  void StartServer() { StartServer(LoopbackOptions()); }

  // A client of the running server; every call is bounded by its timeouts.
  std::unique_ptr<httplib::Client> Client() const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client->set_connection_timeout(5);
    client->set_read_timeout(120);  // generation on a busy CI machine
    client->set_write_timeout(10);
    return client;
  }
  httplib::Result PostChat(const std::string& body) const {
    return Client()->Post("/v1/chat/completions", body, "application/json");
  }

  // The library's answer to one question, on a separately loaded copy of the model.
  static std::string LibraryAnswer(const std::string& image, const std::string& text, int max_tokens) {
    GenerationOptions generation;
    generation.max_new_tokens = max_tokens;
    auto answers = LoadAssistant()->Answer({{image, text}}, generation);
    if (!answers.ok()) throw std::runtime_error(answers.status().ToString());
    return answers->front();
  }

  // The error object must have OpenAI's shape: {"error": {"message", "type", "param", "code"}}.
  static void ExpectOpenAiError(const httplib::Result& result, int status, const std::string& code) {
    ASSERT_TRUE(result) << httplib::to_string(result.error());
    EXPECT_EQ(result->status, status) << result->body;
    const auto body = json::parse(result->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << result->body;
    ASSERT_TRUE(body.contains("error")) << result->body;
    const auto& error = body["error"];
    EXPECT_TRUE(error["message"].is_string() && !error["message"].get<std::string>().empty()) << result->body;
    EXPECT_EQ(error["type"], status >= 500 ? "server_error" : "invalid_request_error");
    EXPECT_EQ(error["code"], code) << result->body;
  }

  void TearDown() override {
    if (server_) server_->Stop();
  }

  static constexpr const char* kQuestion = "Describe the image.";
  static constexpr int kBudget = 6;
  static std::string* dir_;
  std::unique_ptr<Server> server_;
};
std::string* ServerTest::dir_ = nullptr;

// The equality tests below can only catch a wrong prompt if the answer depends on it: a different image, no image,
// the image after the text, or another question must each change the answer.
TEST_F(ServerTest, AnswersDependOnTheImageTheQuestionAndThePlaceholder) {
  const std::string tall = GoldenPath("images/tall.png");
  const std::string wide = GoldenPath("images/wide.png");
  const std::set<std::string> answers = {LibraryAnswer(tall, kQuestion, kBudget),
                                         LibraryAnswer(wide, kQuestion, kBudget), LibraryAnswer("", kQuestion, kBudget),
                                         LibraryAnswer(tall, std::string(kQuestion) + "\n<image>", kBudget),
                                         LibraryAnswer(tall, "How many boats are there?", kBudget)};
  EXPECT_EQ(answers.size(), 5u);
}

TEST_F(ServerTest, ChatCompletionEqualsTheLibraryAnswerAndSkymoeGenerate) {
  StartServer();
  const auto result = PostChat(ChatBody("tall.png", kQuestion, kBudget));
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  ASSERT_EQ(result->status, 200) << result->body;
  const std::string content = json::parse(result->body)["choices"][0]["message"]["content"];

  const std::string image = GoldenPath("images/tall.png");
  const std::string expected = LibraryAnswer(image, kQuestion, kBudget);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(content, expected);

  std::string out;
  const int exit =
      testing::RunCommand(SkymoeBinary() + " generate --threads 1 --max-new-tokens " + std::to_string(kBudget) +
                              " --checkpoint " + *dir_ + " --image " + image + " --prompt '" + kQuestion + "'",
                          &out);
  ASSERT_EQ(exit, 0) << out;
  std::string last, line;
  std::istringstream lines(out);
  while (std::getline(lines, line)) last = line;
  EXPECT_EQ(content, last);
}

TEST_F(ServerTest, ResponseHasOpenAiShapeAndTokenCounts) {
  StartServer();
  const auto result = PostChat(ChatBody("wide.png", "How many boats are there?", 6));
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
  const auto response = json::parse(result->body);
  EXPECT_TRUE(response["id"].is_string());
  EXPECT_EQ(response["object"], "chat.completion");
  EXPECT_TRUE(response["created"].is_number_integer());
  EXPECT_EQ(response["model"], "golden-tiny-llava");
  ASSERT_EQ(response["choices"].size(), 1u);
  EXPECT_EQ(response["choices"][0]["index"], 0);
  EXPECT_EQ(response["choices"][0]["message"]["role"], "assistant");
  // The prompt's positions: BOS + text ids, with the placeholder replaced by the 36 patch features of a 48-pixel
  // image in 8-pixel patches.
  auto assistant = LoadAssistant();
  const auto ids = TokenizePrompt(assistant->tokenizer(), BuildGenerationPrompt(ConversationStyle::kVicunaV1, {},
                                                                                "<image>\nHow many boats are there?"));
  const auto& usage = response["usage"];
  EXPECT_EQ(usage["prompt_tokens"], static_cast<int64_t>(ids.size()) - 1 + 36);
  const int64_t completion = usage["completion_tokens"];
  EXPECT_GE(completion, 1);
  EXPECT_LE(completion, 6);
  EXPECT_EQ(usage["total_tokens"], usage["prompt_tokens"].get<int64_t>() + completion);
  EXPECT_EQ(response["choices"][0]["finish_reason"], completion == 6 ? "length" : "stop");
}

TEST_F(ServerTest, MaxTokensOfOneStopsWithLength) {
  StartServer();
  // The checkpoint is seeded: its first answer token to this question is not the end of the sequence.
  const auto result = PostChat(ChatBody("wide.png", "How many boats are there?", 1));
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  ASSERT_EQ(result->status, 200) << result->body;
  const auto response = json::parse(result->body);
  EXPECT_EQ(response["usage"]["completion_tokens"], 1);
  EXPECT_EQ(response["choices"][0]["finish_reason"], "length");
}

TEST_F(ServerTest, DataUrlGivesTheSameAnswerAsTheFile) {
  StartServer();
  const std::string url = "data:image/png;base64," + Base64(ReadBytes(GoldenPath("images/tall.png")));
  const auto result = PostChat(ChatBody(url, "Describe the image.", 5));
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(json::parse(result->body)["choices"][0]["message"]["content"],
            LibraryAnswer(GoldenPath("images/tall.png"), "Describe the image.", 5));
}

TEST_F(ServerTest, TextOnlyRequestEqualsTheLibraryAnswer) {
  StartServer();
  const auto result = PostChat(json{
      {"messages", json::array({{{"role", "user"}, {"content", "Is there a runway?"}}})},
      {"max_tokens", 4}}.dump());
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(json::parse(result->body)["choices"][0]["message"]["content"], LibraryAnswer("", "Is there a runway?", 4));
}

TEST_F(ServerTest, ConcurrentRequestsShareOneBatchAndKeepTheirAnswers) {
  auto options = LoopbackOptions();
  options.max_batch = 2;
  options.batch_window_ms = 20000;  // the batch closes as soon as both requests are in
  StartServer(options);
  auto first = std::async(std::launch::async, [&] { return PostChat(ChatBody("wide.png", "How many boats?", 5)); });
  auto second = std::async(std::launch::async,
                           [&] { return PostChat(ChatBody("tall.png", "Describe the image in detail.", 7)); });
  const auto a = first.get();
  const auto b = second.get();
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->status, 200) << a->body;
  ASSERT_EQ(b->status, 200) << b->body;
  EXPECT_EQ(server_->stats().batches, 1);
  EXPECT_EQ(server_->stats().largest_batch, 2);
  EXPECT_EQ(json::parse(a->body)["choices"][0]["message"]["content"],
            LibraryAnswer(GoldenPath("images/wide.png"), "How many boats?", 5));
  EXPECT_EQ(json::parse(b->body)["choices"][0]["message"]["content"],
            LibraryAnswer(GoldenPath("images/tall.png"), "Describe the image in detail.", 7));
}

TEST_F(ServerTest, ModelsListsTheCheckpointName) {
  StartServer();
  const auto result = Client()->Get("/v1/models");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  ASSERT_EQ(result->status, 200) << result->body;
  const auto list = json::parse(result->body);
  EXPECT_EQ(list["object"], "list");
  ASSERT_EQ(list["data"].size(), 1u);
  EXPECT_EQ(list["data"][0]["id"], "golden-tiny-llava");
  EXPECT_EQ(list["data"][0]["object"], "model");
}

TEST_F(ServerTest, MalformedJsonIs400) {
  StartServer();
  ExpectOpenAiError(PostChat("{\"messages\": [ {\"role\": "), 400, "invalid_json");
}

TEST_F(ServerTest, OversizedBodyIs413) {
  auto options = LoopbackOptions();
  options.max_body_bytes = 1024;
  StartServer(options);
  ExpectOpenAiError(PostChat(ChatBody("wide.png", std::string(4096, 'a'), 4)), 413, "request_too_large");
}

TEST_F(ServerTest, ChunkedBodyIs411) {
  StartServer();
  const std::string body = ChatBody("wide.png", "Where?", 4);
  const auto result = Client()->Post(
      "/v1/chat/completions",
      [&](size_t offset, httplib::DataSink& sink) {
        if (offset < body.size()) return sink.write(body.data() + offset, body.size() - offset);
        sink.done();
        return true;
      },
      "application/json");
  ExpectOpenAiError(result, 411, "length_required");
}

TEST_F(ServerTest, DotDotImagePathIs403) {
  StartServer();
  ExpectOpenAiError(PostChat(ChatBody("../images/wide.png", "Where?", 4)), 403, "image_outside_root");
}

TEST_F(ServerTest, AbsoluteImagePathIs403) {
  StartServer();
  ExpectOpenAiError(PostChat(ChatBody(GoldenPath("images/wide.png"), "Where?", 4)), 403, "image_outside_root");
}

TEST_F(ServerTest, SymlinkOutOfTheRootIs403) {
  const std::string root = testing::ScratchDir("server_symlink_root");
  std::filesystem::create_symlink(GoldenPath("images/wide.png"), root + "/escape.png");
  auto options = LoopbackOptions();
  options.image_root = root;
  StartServer(options);
  ExpectOpenAiError(PostChat(ChatBody("escape.png", "Where?", 4)), 403, "image_outside_root");
}

TEST_F(ServerTest, SymlinkInsideTheRootIsFollowed) {
  const std::string root = testing::ScratchDir("server_symlink_inside");
  std::filesystem::copy_file(GoldenPath("images/wide.png"), root + "/wide.png");
  std::filesystem::create_symlink(root + "/wide.png", root + "/alias.png");
  auto options = LoopbackOptions();
  options.image_root = root;
  StartServer(options);
  const auto result = PostChat(ChatBody("alias.png", "How many boats?", 3));
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200) << result->body;
}

// A link to a folder outside the root, inside the root: what it leads to is outside, so it is refused like "..".
TEST_F(ServerTest, FolderLinkOutOfTheRootIs403) {
  const std::string root = testing::ScratchDir("server_folder_link_out");
  std::filesystem::create_symlink(GoldenPath("images"), root + "/elsewhere");
  auto options = LoopbackOptions();
  options.image_root = root;
  StartServer(options);
  ExpectOpenAiError(PostChat(ChatBody("elsewhere/wide.png", "Where?", 4)), 403, "image_outside_root");
}

// An image root that is itself a link (as `mgrs instruct` writes OUT/images/<dataset>) is the folder it leads to:
// the images in that folder are inside, and answered as the same file under the real root.
TEST_F(ServerTest, ImageRootThatIsALinkServesTheFolderItLeadsTo) {
  const std::string scratch = testing::ScratchDir("server_root_link");
  std::filesystem::create_symlink(GoldenPath("images"), scratch + "/images");
  auto options = LoopbackOptions();
  options.image_root = scratch + "/images";
  StartServer(options);
  const auto result = PostChat(ChatBody("wide.png", kQuestion, kBudget));
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(json::parse(result->body)["choices"][0]["message"]["content"],
            LibraryAnswer(GoldenPath("images/wide.png"), kQuestion, kBudget));
  ExpectOpenAiError(PostChat(ChatBody("../images/wide.png", "Where?", 4)), 403, "image_outside_root");
}

TEST_F(ServerTest, UnreadableImageIs400) {
  const std::string root = testing::ScratchDir("server_bad_image");
  std::ofstream(root + "/broken.png") << "not a png at all";
  auto options = LoopbackOptions();
  options.image_root = root;
  StartServer(options);
  ExpectOpenAiError(PostChat(ChatBody("broken.png", "Where?", 4)), 400, "invalid_image");
}

TEST_F(ServerTest, UnknownRouteIs404) {
  StartServer();
  ExpectOpenAiError(Client()->Post("/v1/completions", "{}", "application/json"), 404, "unknown_url");
}

TEST_F(ServerTest, WrongMethodIs405) {
  StartServer();
  const auto result = Client()->Get("/v1/chat/completions");
  ExpectOpenAiError(result, 405, "method_not_allowed");
  EXPECT_EQ(result->get_header_value("Allow"), "POST");
}

// Requests that pass HTTP but not validation: each is refused before it reaches the model.
struct RefusedRequest {
  std::string name;
  std::string body;
  int status;
  std::string code;
};

// Names the case in test listings (ctest shows parameters).
void PrintTo(const RefusedRequest& request, std::ostream* os) { *os << request.name; }

std::string UserMessage(const json& content) {
  return json{{"messages", json::array({{{"role", "user"}, {"content", content}}})}}.dump();
}
json ImagePart(const std::string& url) { return {{"type", "image_url"}, {"image_url", {{"url", url}}}}; }

class RefusedRequestTest : public ServerTest, public ::testing::WithParamInterface<RefusedRequest> {};

TEST_P(RefusedRequestTest, IsRefusedWithItsCode) {
  StartServer();
  ExpectOpenAiError(PostChat(GetParam().body), GetParam().status, GetParam().code);
  EXPECT_EQ(server_->stats().batches, 0);
}

const RefusedRequest kRefused[] = {
    {"NotAnObject", "[1, 2]", 400, "invalid_json"},
    {"InvalidUtf8", "{\"messages\": \"\xff\"}", 400, "invalid_json"},
    {"NoMessages", R"({"max_tokens": 3})", 400, "invalid_messages"},
    {"EmptyMessages", R"({"messages": []})", 400, "invalid_messages"},
    {"LastMessageFromAssistant",
     R"({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})", 400,
     "invalid_messages"},
    {"UnknownRole", R"({"messages": [{"role": "tool", "content": "a"}]})", 400, "invalid_messages"},
    {"ContentNumber", R"({"messages": [{"role": "user", "content": 7}]})", 400, "invalid_content"},
    {"UnknownPartType", UserMessage(json::array({{{"type", "audio"}, {"audio", "x"}}})), 400, "invalid_content"},
    {"ImagePlaceholderInText", UserMessage("<image>\nWhere?"), 400, "invalid_content"},
    {"ImageInAssistantMessage",
     json{{"messages", json::array({{{"role", "user"}, {"content", "a"}},
                                    {{"role", "assistant"}, {"content", json::array({ImagePart("wide.png")})}},
                                    {{"role", "user"}, {"content", "b"}}})}}
         .dump(),
     400, "invalid_content"},
    {"WrongModel", R"({"model": "gpt-4o", "messages": [{"role": "user", "content": "a"}]})", 404, "model_not_found"},
    {"NegativeMaxTokens", R"({"max_tokens": -1, "messages": [{"role": "user", "content": "a"}]})", 400,
     "invalid_max_tokens"},
    {"FractionalMaxTokens", R"({"max_tokens": 2.5, "messages": [{"role": "user", "content": "a"}]})", 400,
     "invalid_max_tokens"},
    {"NegativeTemperature", R"({"temperature": -0.5, "messages": [{"role": "user", "content": "a"}]})", 400,
     "invalid_temperature"},
    {"TopPZero", R"({"top_p": 0, "messages": [{"role": "user", "content": "a"}]})", 400, "invalid_top_p"},
    {"Streaming", R"({"stream": true, "messages": [{"role": "user", "content": "a"}]})", 400, "unsupported_stream"},
    {"SeveralChoices", R"({"n": 2, "messages": [{"role": "user", "content": "a"}]})", 400, "unsupported_n"},
    {"RemoteUrl", UserMessage(json::array({ImagePart("https://example.com/a.png")})), 400, "unsupported_image_url"},
    {"DataUrlNotBase64", UserMessage(json::array({ImagePart("data:image/png,abc")})), 400, "invalid_image_url"},
    {"DataUrlBadBase64", UserMessage(json::array({ImagePart("data:image/png;base64,ab$d")})), 400, "invalid_image_url"},
    {"DataUrlNotAnImage", UserMessage(json::array({ImagePart("data:image/png;base64," + Base64("plain text"))})), 400,
     "invalid_image"},
    // A PNG header announcing 100000 x 100000 pixels: refused from the header, never decoded.
    {"DataUrlHugeImage",
     UserMessage(json::array(
         {ImagePart("data:image/png;base64," +
                    Base64(std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\x01\x86\xa0\0\x01\x86\xa0", 24)))})),
     400, "image_too_large"},
    {"MissingImageFile", UserMessage(json::array({ImagePart("no-such.png")})), 400, "invalid_image"},
    {"TooManyImages",
     UserMessage(json::array({ImagePart("wide.png"), ImagePart("wide.png"), ImagePart("wide.png"),
                              ImagePart("wide.png"), ImagePart("wide.png")})),
     400, "too_many_images"},
    {"ContextTooLong", UserMessage(std::string(3000, 'x')), 400, "context_length_exceeded"},
};

INSTANTIATE_TEST_SUITE_P(Validation, RefusedRequestTest, ::testing::ValuesIn(kRefused),
                         [](const ::testing::TestParamInfo<RefusedRequest>& param_info) {
                           return param_info.param.name;
                         });

TEST_F(ServerTest, ImagePathsAreRefusedWithoutAnImageRoot) {
  auto options = LoopbackOptions();
  options.image_root.clear();
  StartServer(options);
  ExpectOpenAiError(PostChat(ChatBody("wide.png", "Where?", 4)), 403, "image_paths_disabled");
}

TEST_F(ServerTest, StartRefusesAMissingImageRoot) {
  auto options = LoopbackOptions();
  options.image_root = testing::ScratchDir("server_no_root") + "/missing";
  EXPECT_EQ(Server::Start(LoadAssistant(), options).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ServerTest, RequestsAfterStopAreRefused) {
  StartServer();
  const int port = server_->port();
  server_->Stop();
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2);
  EXPECT_FALSE(client.Get("/v1/models"));
}

// Reads the child's output until a whole line containing `marker` has arrived (or `deadline` passes); returns
// everything read.
std::string ReadUntilLine(int fd, const std::string& marker, std::chrono::steady_clock::time_point deadline) {
  std::string text;
  char buffer[4096];
  auto complete = [&] {
    const size_t at = text.find(marker);
    return at != std::string::npos && text.find('\n', at) != std::string::npos;
  };
  while (!complete() && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

TEST_F(ServerTest, SkymoeServeAnswersAndStopsOnSigterm) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  const std::string binary = SkymoeBinary();
  const std::string images = GoldenPath("images");
  std::vector<std::string> args = {binary,   "serve",     "--checkpoint", *dir_, "--port",       "0",
                                   "--host", "127.0.0.1", "--threads",    "1",   "--image-root", images};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  const std::string marker = "on http://127.0.0.1:";
  std::string output = ReadUntilLine(pipe_fds[0], marker, deadline);
  const size_t at = output.find(marker);
  int port = 0;
  if (at != std::string::npos) port = std::atoi(output.c_str() + at + marker.size());
  EXPECT_GT(port, 0) << output;
  if (port > 0) {  // no ASSERT before the child is stopped below
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(5);
    client.set_read_timeout(120);
    const auto result =
        client.Post("/v1/chat/completions", ChatBody("wide.png", "How many boats are there?", 6), "application/json");
    EXPECT_TRUE(result && result->status == 200) << (result ? result->body : httplib::to_string(result.error()));
    if (result && result->status == 200) {
      EXPECT_EQ(json::parse(result->body)["choices"][0]["message"]["content"],
                LibraryAnswer(GoldenPath("images/wide.png"), "How many boats are there?", 6));
    }
  }

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  output += ReadUntilLine(pipe_fds[0], "batches", deadline);
  int status = 0;
  pid_t waited = 0;
  while ((waited = waitpid(pid, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (waited == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    FAIL() << "skymoe serve did not stop on SIGTERM:\n" << output;
  }
  close(pipe_fds[0]);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  EXPECT_NE(output.find("answered 1 completions in 1 batches"), std::string::npos) << output;
}

}  // namespace
}  // namespace mgrs::model
