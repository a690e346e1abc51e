// libxml2 behind a few helpers: parse a file safely (no network, no entity expansion), find children by tag
// name (never by position: real files vary), read trimmed text, report line numbers.
#pragma once

#include <libxml/tree.h>

#include <memory>
#include <string>
#include <vector>

namespace mgrs::ingest::xml {

struct DocumentDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using Document = std::unique_ptr<xmlDoc, DocumentDeleter>;

// Parses `path`. On failure returns nullptr and fills *error and *line (0 when unknown). Thread-safe.
Document ParseFile(const std::string& path, std::string* error, int* line);

const xmlNode* Root(const Document& doc);
// The first child element named `name`, or nullptr.
const xmlNode* Child(const xmlNode* node, const char* name);
// All child elements named `name`, in document order.
std::vector<const xmlNode*> Children(const xmlNode* node, const char* name);
// Trimmed text content of the element ("" for nullptr).
std::string Text(const xmlNode* node);
// Trimmed text of the child element `name` ("" when absent).
std::string ChildText(const xmlNode* node, const char* name);
bool IsNamed(const xmlNode* node, const char* name);
int Line(const xmlNode* node);

}  // namespace mgrs::ingest::xml
