// The catalog schema as an ordered list of migrations, and the secondary indexes the bulk writer defers.
#pragma once

#include <string>
#include <vector>

namespace mgrs::catalog {

struct Migration {
  int version;  // PRAGMA user_version after this step
  const char* description;
  const char* sql;
};

const std::vector<Migration>& Migrations();

struct SecondaryIndex {
  const char* name;
  const char* create_sql;  // CREATE INDEX IF NOT EXISTS ...
};

// Indexes for the queries other modules run; dropped during a bulk load and built once at its end.
const std::vector<SecondaryIndex>& SecondaryIndexes();

}  // namespace mgrs::catalog
