// The MGRS-Bench tables (schema v3): object and image attributes, benchmark items, review decisions with their
// history, and the annotator's answer cache.
#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <set>

#include "mgrs/catalog/catalog.h"
#include "sqlite.h"

namespace mgrs::catalog {
namespace {

using sql::Exec;
using sql::Prepare;

// UTC with milliseconds: two decisions in one second still read in order.
std::string NowMillis() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buffer, static_cast<int>(ms));
  return out;
}

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back and prefixes `what` on failure.
template <typename Body>
Status InTransaction(sqlite3* db, const std::string& what, Body body) {
  MGRS_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
  Status status = body();
  if (status.ok()) status = Exec(db, "COMMIT");
  if (!status.ok()) {
    (void)Exec(db, "ROLLBACK");
    return Status(status.code(), what + ": " + status.message());
  }
  return Status::Ok();
}

constexpr const char* kItemColumns =
    "id, task, granularity, source, gsd_bucket, resolution, image_id, image_file, sample, question, candidate, "
    "annotator, annotation_error, status, answer, reviewer, decided_at";

BenchItem ReadItem(const sql::Statement& s) {
  BenchItem item;
  std::string* fields[] = {
      &item.id,         &item.task,      &item.granularity,      &item.source,      &item.gsd_bucket,
      &item.resolution, &item.image_id,  &item.image_file,       &item.sample_json, &item.question,
      &item.candidate,  &item.annotator, &item.annotation_error, &item.status,      &item.answer,
      &item.reviewer,   &item.decided_at};
  for (int k = 0; k < 17; ++k) *fields[k] = s.Text(k);
  return item;
}

Status InsertItem(sqlite3* db, const BenchItem& item) {
  auto stmt = Prepare(db, std::string("INSERT INTO bench_items (") + kItemColumns +
                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, '', '', '')");
  if (!stmt.ok()) return stmt.status();
  const std::string status = item.candidate.empty() ? "failed" : "pending";
  const std::string* values[] = {&item.id,
                                 &item.task,
                                 &item.granularity,
                                 &item.source,
                                 &item.gsd_bucket,
                                 &item.resolution,
                                 &item.image_id,
                                 &item.image_file,
                                 &item.sample_json,
                                 &item.question,
                                 &item.candidate,
                                 &item.annotator,
                                 &item.annotation_error,
                                 &status};
  for (int k = 0; k < 14; ++k) stmt->Bind(k + 1, *values[k]);
  Status status_out = stmt->Run();
  if (!status_out.ok()) return Status(status_out.code(), "item '" + item.id + "': " + status_out.message());
  return Status::Ok();
}

}  // namespace

Status Catalog::SetObjectAttributes(const std::vector<ObjectAttributeUpdate>& updates) {
  return InTransaction(db_, "cannot store object attributes", [&]() -> Status {
    auto stmt = Prepare(db_,
                        "UPDATE objects SET colour = nullif(?2, ''), grid_cell = nullif(?3, ''), "
                        "size_bucket = nullif(?4, ''), orientation = nullif(?5, '') WHERE id = ?1");
    if (!stmt.ok()) return stmt.status();
    for (const ObjectAttributeUpdate& u : updates) {
      stmt->Bind(1, u.object_id);
      stmt->Bind(2, u.attributes.colour);
      stmt->Bind(3, u.attributes.grid_cell);
      stmt->Bind(4, u.attributes.size_bucket);
      stmt->Bind(5, u.attributes.orientation);
      MGRS_RETURN_IF_ERROR(stmt->Run());
      if (sqlite3_changes(db_) != 1) return NotFound("no object " + std::to_string(u.object_id));
    }
    return Status::Ok();
  });
}

Status Catalog::PutImageAttributes(const std::vector<ImageAttributes>& attributes) {
  return InTransaction(db_, "cannot store image attributes", [&]() -> Status {
    auto stmt = Prepare(db_,
                        "INSERT OR REPLACE INTO image_attributes (image_key, counts, objects, density, scene, "
                        "gsd_bucket) SELECT key, ?2, ?3, ?4, ?5, ?6 FROM images WHERE id = ?1");
    if (!stmt.ok()) return stmt.status();
    for (const ImageAttributes& a : attributes) {
      stmt->Bind(1, a.image_id);
      stmt->Bind(2, nlohmann::json(a.counts).dump());
      stmt->Bind(3, a.objects);
      stmt->Bind(4, a.density);
      stmt->Bind(5, a.scene);
      stmt->Bind(6, a.gsd_bucket);
      MGRS_RETURN_IF_ERROR(stmt->Run());
      if (sqlite3_changes(db_) != 1) return NotFound("no image '" + a.image_id + "'");
    }
    return Status::Ok();
  });
}

Result<std::optional<ImageAttributes>> Catalog::ImageAttributesOf(const std::string& image_id) {
  auto stmt = Prepare(db_,
                      "SELECT a.counts, a.objects, a.density, a.scene, a.gsd_bucket FROM image_attributes a "
                      "JOIN images i ON i.key = a.image_key WHERE i.id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, image_id);
  Status status;
  if (!stmt->Step(&status)) {
    if (!status.ok()) return status;
    return std::optional<ImageAttributes>();
  }
  ImageAttributes a;
  a.image_id = image_id;
  const auto counts = nlohmann::json::parse(stmt->Text(0), nullptr, false);
  if (!counts.is_object()) return Corruption("image_attributes.counts of '" + image_id + "' is not a JSON object");
  for (const auto& [key, value] : counts.items()) a.counts[key] = value.is_number_integer() ? value.get<int64_t>() : 0;
  a.objects = stmt->Int(1);
  a.density = stmt->Text(2);
  a.scene = stmt->Text(3);
  a.gsd_bucket = stmt->Text(4);
  return std::optional<ImageAttributes>(std::move(a));
}

Status Catalog::ReplaceBenchItems(const std::vector<BenchItem>& items) {
  auto existing = BenchItems();
  if (!existing.ok()) return existing.status();
  std::map<std::string, const BenchItem*> old;
  for (const BenchItem& item : *existing) old[item.id] = &item;
  return InTransaction(db_, "cannot store the benchmark items", [&]() -> Status {
    std::set<std::string> kept;
    for (const BenchItem& item : items) {
      const auto found = old.find(item.id);
      if (found != old.end() && found->second->sample_json == item.sample_json &&
          found->second->candidate == item.candidate && found->second->image_file == item.image_file) {
        kept.insert(item.id);
        continue;
      }
      if (found != old.end()) {
        auto drop = Prepare(db_, "DELETE FROM bench_items WHERE id = ?1");
        if (!drop.ok()) return drop.status();
        drop->Bind(1, item.id);
        MGRS_RETURN_IF_ERROR(drop->Run());
      }
      MGRS_RETURN_IF_ERROR(InsertItem(db_, item));
      kept.insert(item.id);
    }
    auto drop = Prepare(db_, "DELETE FROM bench_items WHERE id = ?1");
    if (!drop.ok()) return drop.status();
    for (const auto& [id, item] : old) {
      if (kept.count(id)) continue;
      drop->Bind(1, id);
      MGRS_RETURN_IF_ERROR(drop->Run());
    }
    return Status::Ok();
  });
}

Result<std::vector<BenchItem>> Catalog::BenchItems(const std::string& status) {
  auto stmt = Prepare(
      db_, std::string("SELECT ") + kItemColumns + " FROM bench_items WHERE ?1 = '' OR status = ?1 ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, status);
  std::vector<BenchItem> out;
  Status step;
  while (stmt->Step(&step)) out.push_back(ReadItem(*stmt));
  if (!step.ok()) return step;
  return out;
}

Result<std::optional<BenchItem>> Catalog::FindBenchItem(const std::string& id) {
  auto stmt = Prepare(db_, std::string("SELECT ") + kItemColumns + " FROM bench_items WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, id);
  Status status;
  if (stmt->Step(&status)) return std::optional<BenchItem>(ReadItem(*stmt));
  if (!status.ok()) return status;
  return std::optional<BenchItem>();
}

Status Catalog::DecideBenchItem(const BenchDecision& decision) {
  static const std::map<std::string, std::string> kStatusOf = {
      {"accept", "accepted"}, {"edit", "accepted"}, {"reject", "rejected"}};
  const auto status_of = kStatusOf.find(decision.decision);
  if (status_of == kStatusOf.end())
    return InvalidArgument("unknown decision '" + decision.decision + "' (accept, edit or reject)");
  if (decision.reviewer.empty()) return InvalidArgument("a decision needs a reviewer name");
  if (decision.decision == "edit" && decision.answer.empty()) return InvalidArgument("an edit needs an answer");
  auto item = FindBenchItem(decision.item_id);
  if (!item.ok()) return item.status();
  if (!item->has_value()) return NotFound("no benchmark item '" + decision.item_id + "'");
  if (decision.decision == "accept" && (*item)->candidate.empty())
    return InvalidArgument("item '" + decision.item_id + "' has no candidate answer to accept; edit it instead");
  const std::string answer = decision.decision == "edit"     ? decision.answer
                             : decision.decision == "accept" ? (*item)->candidate
                                                             : std::string();
  const std::string at = NowMillis();
  return InTransaction(db_, "cannot record the decision on '" + decision.item_id + "'", [&]() -> Status {
    auto history = Prepare(db_,
                           "INSERT INTO bench_decisions (item_id, decision, answer, reviewer, at, note) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!history.ok()) return history.status();
    history->Bind(1, decision.item_id);
    history->Bind(2, decision.decision);
    history->Bind(3, answer);
    history->Bind(4, decision.reviewer);
    history->Bind(5, at);
    history->Bind(6, decision.note);
    MGRS_RETURN_IF_ERROR(history->Run());
    auto update = Prepare(db_,
                          "UPDATE bench_items SET status = ?2, answer = ?3, reviewer = ?4, decided_at = ?5 "
                          "WHERE id = ?1");
    if (!update.ok()) return update.status();
    update->Bind(1, decision.item_id);
    update->Bind(2, status_of->second);
    update->Bind(3, answer);
    update->Bind(4, decision.reviewer);
    update->Bind(5, at);
    return update->Run();
  });
}

Result<std::vector<BenchDecision>> Catalog::BenchDecisions(const std::string& item_id) {
  auto stmt = Prepare(db_,
                      "SELECT item_id, decision, answer, reviewer, note, at FROM bench_decisions WHERE item_id = ?1 "
                      "ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, item_id);
  std::vector<BenchDecision> out;
  Status status;
  while (stmt->Step(&status)) {
    out.push_back(
        BenchDecision{stmt->Text(0), stmt->Text(1), stmt->Text(2), stmt->Text(3), stmt->Text(4), stmt->Text(5)});
  }
  if (!status.ok()) return status;
  return out;
}

Result<std::optional<std::string>> Catalog::CachedAnswer(const AnnotationKey& key) {
  auto stmt =
      Prepare(db_, "SELECT answer FROM annotator_cache WHERE annotator = ?1 AND image_sha256 = ?2 AND prompt = ?3");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, key.annotator);
  stmt->Bind(2, key.image_sha256);
  stmt->Bind(3, key.prompt);
  Status status;
  if (stmt->Step(&status)) return std::optional<std::string>(stmt->Text(0));
  if (!status.ok()) return status;
  return std::optional<std::string>();
}

Status Catalog::PutCachedAnswer(const AnnotationKey& key, const std::string& answer) {
  auto stmt = Prepare(db_,
                      "INSERT OR REPLACE INTO annotator_cache (annotator, image_sha256, prompt, answer, at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, key.annotator);
  stmt->Bind(2, key.image_sha256);
  stmt->Bind(3, key.prompt);
  stmt->Bind(4, answer);
  stmt->Bind(5, NowMillis());
  return stmt->Run();
}

}  // namespace mgrs::catalog
