// Thin RAII over the SQLite C API for the catalog's own use: statements, transactions, errors as Status.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mgrs/core/status.h"

namespace mgrs::catalog::sql {

// A prepared statement. Bind* take 1-based parameter indexes; text is copied only when `transient` is true
// (the default); the bulk writer passes false for buffers that outlive the step.
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept { *this = std::move(other); }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  void BindNull(int index) { sqlite3_bind_null(stmt_, index); }
  void Bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  void Bind(int index, int value) { sqlite3_bind_int64(stmt_, index, value); }
  void Bind(int index, double value) { sqlite3_bind_double(stmt_, index, value); }
  void Bind(int index, std::string_view text, bool transient = true) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                      transient ? SQLITE_TRANSIENT : SQLITE_STATIC);
  }
  void Bind(int index, const char* text) { Bind(index, std::string_view(text)); }
  void Bind(int index, const std::optional<double>& value) {
    if (value)
      Bind(index, *value);
    else
      BindNull(index);
  }

  // SQLITE_ROW, SQLITE_DONE or an error code (see Step()).
  int StepRaw() { return sqlite3_step(stmt_); }
  // Runs to the next row: true when a row is available, false when done; *status is set on error.
  bool Step(Status* status);
  // Runs a statement that returns no rows, then resets it for reuse.
  Status Run();
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string Text(int column) const;
  std::optional<double> OptionalDouble(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Double(column);
  }

  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// Status for the last error on `db`, prefixed with what was being done.
Status Error(sqlite3* db, const std::string& what);
Result<Statement> Prepare(sqlite3* db, std::string_view sql);
// Runs one or more statements that return no rows.
Status Exec(sqlite3* db, const std::string& sql);
// The single integer a query returns (e.g. "PRAGMA user_version").
Result<int64_t> QueryInt(sqlite3* db, const std::string& sql);

}  // namespace mgrs::catalog::sql
