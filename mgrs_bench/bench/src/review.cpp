// The review server: cpp-httplib on its own thread, the catalog behind one mutex (a Catalog is not thread-safe),
// JSON in and out, and the page's files from review_assets.cpp.
#include "mgrs/bench/review.h"

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "mgrs/catalog/catalog.h"
#include "mgrs/core/files.h"
#include "mgrs/core/jsonl.h"
#include "mgrs/core/sample.h"
#include "mgrs/raster/raster.h"
#include "review_assets.h"

namespace mgrs::bench {

using nlohmann::json;

struct ReviewServer::Impl {
  ReviewOptions options;
  std::unique_ptr<catalog::Catalog> catalog;
  std::mutex catalog_mutex;
  httplib::Server http;
  std::thread thread;
  int port = 0;
};

namespace {

// The largest request body taken: a decision with an edited answer is a few hundred bytes.
constexpr size_t kMaxRequestBytes = size_t{1} << 20;

bool IsLoopback(const std::string& host) { return host == "127.0.0.1" || host == "::1" || host == "localhost"; }

void SendJson(httplib::Response& res, const json& body, int status = 200) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

void SendError(httplib::Response& res, int status, const std::string& message) {
  SendJson(res, json{{"error", message}}, status);
}

int HttpStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    default: return 500;
  }
}

json ItemJson(const catalog::BenchItem& item, const std::vector<catalog::BenchDecision>& history) {
  json out = {{"id", item.id},
              {"task", item.task},
              {"granularity", item.granularity},
              {"resolution", item.resolution},
              {"source", item.source},
              {"question", item.question},
              {"candidate", item.candidate},
              {"annotator", item.annotator},
              {"annotation_error", item.annotation_error},
              {"status", item.status},
              {"answer", item.answer},
              {"reviewer", item.reviewer},
              {"decided_at", item.decided_at},
              {"image_size", nullptr},
              {"boxes", json::array()},
              {"quads", json::array()},
              {"history", json::array()}};
  const json stored = json::parse(item.sample_json, nullptr, false);
  auto sample = stored.is_discarded() ? Result<Sample>(Corruption("bad sample")) : SampleFromJson(stored);
  if (sample.ok()) {
    if (sample->image_size) out["image_size"] = {(*sample->image_size)[0], (*sample->image_size)[1]};
    if (const auto* g = std::get_if<GroundingTruth>(&sample->gt)) {
      for (const Box& b : g->boxes) out["boxes"].push_back({b.x1, b.y1, b.x2, b.y2});
      for (const auto& q : g->quads) out["quads"].push_back(q);
    }
  }
  for (const auto& d : history) {
    out["history"].push_back(
        {{"decision", d.decision}, {"answer", d.answer}, {"reviewer", d.reviewer}, {"at", d.at}, {"note", d.note}});
  }
  return out;
}

void HandleItems(ReviewServer::Impl& impl, const httplib::Request& req, httplib::Response& res) {
  std::lock_guard<std::mutex> lock(impl.catalog_mutex);
  auto all = impl.catalog->BenchItems();
  if (!all.ok()) return SendError(res, 500, all.status().message());
  const std::string filter = req.get_param_value("status");
  json progress = {{"total", all->size()}, {"pending", 0}, {"accepted", 0}, {"rejected", 0}, {"failed", 0}};
  json items = json::array();
  for (const auto& item : *all) {
    if (progress.contains(item.status)) progress[item.status] = progress[item.status].get<int64_t>() + 1;
    if (!filter.empty() && item.status != filter) continue;
    items.push_back({{"id", item.id}, {"task", item.task}, {"status", item.status}});
  }
  SendJson(res, {{"progress", progress}, {"items", items}});
}

void HandleItem(ReviewServer::Impl& impl, const httplib::Request& req, httplib::Response& res) {
  std::lock_guard<std::mutex> lock(impl.catalog_mutex);
  const std::string id = req.get_param_value("id");
  auto item = impl.catalog->FindBenchItem(id);
  if (!item.ok()) return SendError(res, 500, item.status().message());
  if (!item->has_value()) return SendError(res, 404, "no item '" + id + "'");
  auto history = impl.catalog->BenchDecisions(id);
  if (!history.ok()) return SendError(res, 500, history.status().message());
  SendJson(res, ItemJson(**item, *history));
}

void HandleImage(ReviewServer::Impl& impl, const httplib::Request& req, httplib::Response& res) {
  std::string file;
  {
    std::lock_guard<std::mutex> lock(impl.catalog_mutex);
    auto item = impl.catalog->FindBenchItem(req.get_param_value("id"));
    if (!item.ok() || !item->has_value()) return SendError(res, 404, "no such item");
    file = (*item)->image_file;
  }
  // Decoded and sent as PNG whatever the source format (browsers do not show TIFF).
  auto pixels = raster::ReadPixels(file);
  if (!pixels.ok()) return SendError(res, 500, pixels.status().message());
  cv::Mat shown = *pixels;
  if (shown.depth() != CV_8U) cv::normalize(shown, shown, 0, 255, cv::NORM_MINMAX, CV_8U);
  std::vector<uint8_t> png;
  if (shown.channels() == 2 || shown.channels() > 4 || !cv::imencode(".png", shown, png))
    return SendError(res, 500, "cannot show an image of " + std::to_string(shown.channels()) + " bands");
  res.set_content(std::string(png.begin(), png.end()), "image/png");
}

void HandleDecide(ReviewServer::Impl& impl, const httplib::Request& req, httplib::Response& res) {
  auto decision = ParseDecisionRequest(req.body);
  if (!decision.ok()) return SendError(res, 400, decision.status().message());
  std::lock_guard<std::mutex> lock(impl.catalog_mutex);
  const Status status = impl.catalog->DecideBenchItem(*decision);
  if (!status.ok()) return SendError(res, HttpStatus(status), status.message());
  SendJson(res, {{"ok", true}});
}

void Route(ReviewServer::Impl& impl) {
  auto& http = impl.http;
  http.set_payload_max_length(kMaxRequestBytes);
  http.set_pre_routing_handler([&impl](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    const std::string& token = impl.options.token;
    const bool authorised =
        token.empty() || req.get_param_value("token") == token || req.get_header_value("X-Review-Token") == token;
    if (!authorised) {
      SendError(res, 403, "a valid token is required");
      return httplib::Server::HandlerResponse::Handled;
    }
    // A custom header no cross-site form or image can send: a decision comes from this page's script.
    if (req.method == "POST" && req.get_header_value("X-Review") != "1") {
      SendError(res, 403, "missing X-Review header");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  const auto file = [&http](const char* path, const char* body, const char* type) {
    http.Get(path, [body, type](const httplib::Request&, httplib::Response& res) { res.set_content(body, type); });
  };
  file("/", kReviewHtml, "text/html; charset=utf-8");
  file("/review.js", kReviewJs, "text/javascript; charset=utf-8");
  file("/review.css", kReviewCss, "text/css; charset=utf-8");
  // Browsers ask for an icon; an empty answer keeps their consoles free of 404s.
  http.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  http.Get("/api/items", [&impl](const httplib::Request& q, httplib::Response& r) { HandleItems(impl, q, r); });
  http.Get("/api/item", [&impl](const httplib::Request& q, httplib::Response& r) { HandleItem(impl, q, r); });
  http.Get("/api/image", [&impl](const httplib::Request& q, httplib::Response& r) { HandleImage(impl, q, r); });
  http.Post("/api/decide", [&impl](const httplib::Request& q, httplib::Response& r) { HandleDecide(impl, q, r); });
}

}  // namespace

Result<catalog::BenchDecision> ParseDecisionRequest(const std::string& body) {
  Diagnostic bad;
  auto parsed = ParseJsonText(body, "request", &bad);
  if (!parsed.ok() || !parsed->is_object()) return InvalidArgument("expected a JSON object");
  catalog::BenchDecision decision;
  for (auto [key, field] : {std::pair{"id", &decision.item_id}, std::pair{"decision", &decision.decision},
                            std::pair{"answer", &decision.answer}, std::pair{"reviewer", &decision.reviewer}}) {
    if (!parsed->contains(key)) continue;
    const auto& value = (*parsed)[key];
    if (!value.is_string()) return InvalidArgument(std::string(key) + ": not a string");
    *field = value.get<std::string>();
  }
  return decision;
}

ReviewServer::ReviewServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ReviewServer::~ReviewServer() {
  Stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

Result<std::unique_ptr<ReviewServer>> ReviewServer::Start(const ReviewOptions& options) {
  if (!IsLoopback(options.host) && options.token.empty()) {
    return InvalidArgument("serving review on " + options.host + " (not loopback) needs a token");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  auto catalog = catalog::Catalog::Open(options.catalog_path);
  if (!catalog.ok()) return catalog.status();
  impl->catalog = std::move(*catalog);
  Route(*impl);
  impl->port = options.port == 0 ? impl->http.bind_to_any_port(options.host)
                                 : (impl->http.bind_to_port(options.host, options.port) ? options.port : -1);
  if (impl->port <= 0) {
    return IoError("cannot listen on " + options.host + ":" + std::to_string(options.port));
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->http.listen_after_bind(); });
  for (int k = 0; k < 2000 && !raw->http.is_running(); ++k) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return std::unique_ptr<ReviewServer>(new ReviewServer(std::move(impl)));
}

int ReviewServer::port() const { return impl_->port; }

std::string ReviewServer::url() const {
  const std::string host =
      impl_->options.host.find(':') != std::string::npos ? "[" + impl_->options.host + "]" : impl_->options.host;
  std::string url = "http://" + host + ":" + std::to_string(impl_->port) + "/";
  if (!impl_->options.token.empty()) url += "?token=" + impl_->options.token;
  return url;
}

void ReviewServer::Wait() {
  if (impl_->thread.joinable()) impl_->thread.join();
}

void ReviewServer::Stop() { impl_->http.stop(); }

}  // namespace mgrs::bench
