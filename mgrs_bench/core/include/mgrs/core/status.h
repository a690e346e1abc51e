// Status and Result<T>: how every library function reports an expected failure (DESIGN.md section 8.3).
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace mgrs {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the caller passed something unusable (bad option, malformed value)
  kNotFound,         // a file, id or key that should exist does not
  kAlreadyExists,
  kParseError,  // input text or bytes do not follow their format
  kIoError,     // the operating system refused a read or write
  kCorruption,  // stored data contradicts itself (database, checkpoint)
  kOutOfRange,
  kFailedPrecondition,
  kUnimplemented,
  kInternal,
};

// Name of a code as printed in messages ("parse error").
const char* StatusCodeName(StatusCode code);

// A cheap value: ok, or a code plus a message that names the file or value at fault.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "parse error: <message>", or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status ParseError(std::string m) { return {StatusCode::kParseError, std::move(m)}; }
inline Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
inline Status OutOfRange(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Either a value or a non-ok Status. Accessing value() of a failed Result is a programming error (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT(google-explicit-constructor): return x; reads well
  Result(Status status) : status_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace mgrs

// Returns early from the calling function when `expr` yields a non-ok Status.
#define MGRS_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::mgrs::Status mgrs_status_ = (expr);        \
    if (!mgrs_status_.ok()) return mgrs_status_; \
  } while (false)
