// SQLite helpers: statements and errors.
#include "sqlite.h"

#include <cstring>
#include <utility>

namespace mgrs::catalog::sql {

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

bool Statement::Step(Status* status) {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) *status = Error(db_, "query failed");
  return false;
}

Status Statement::Run() {
  const int rc = sqlite3_step(stmt_);
  Status status;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) status = Error(db_, "statement failed");
  Reset();
  return status;
}

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return text ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

Status Error(sqlite3* db, const std::string& what) {
  const int code = sqlite3_extended_errcode(db);
  const char* file = sqlite3_db_filename(db, "main");
  std::string message = what + " in " + (file && *file ? file : "the catalog") + ": " + sqlite3_errmsg(db);
  // SQLite says only "disk I/O error"; the system's reason (a full disk, a file-size limit) is what the user needs.
  const int system_errno = sqlite3_system_errno(db);
  if ((code & 0xff) == SQLITE_IOERR && system_errno != 0)
    message += " (" + std::string(std::strerror(system_errno)) + ")";
  switch (code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Corruption(std::move(message));
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY: return IoError(std::move(message));
    case SQLITE_CONSTRAINT: return Status(StatusCode::kAlreadyExists, std::move(message));
    default: return Internal(std::move(message));
  }
}

Result<Statement> Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    return Error(db, "cannot prepare '" + std::string(sql.substr(0, 60)) + "'");
  }
  return Statement(db, stmt);
}

Status Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    sqlite3_free(error);
    return Error(db, "cannot run '" + sql.substr(0, 60) + "'");
  }
  return Status::Ok();
}

Result<int64_t> QueryInt(sqlite3* db, const std::string& sql) {
  auto stmt = Prepare(db, sql);
  if (!stmt.ok()) return stmt.status();
  Status status;
  if (!stmt->Step(&status)) {
    if (!status.ok()) return status;
    return Internal("no row from '" + sql + "'");
  }
  return stmt->Int(0);
}

}  // namespace mgrs::catalog::sql
