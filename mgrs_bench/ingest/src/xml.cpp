// libxml2 wrapper.
#include "xml.h"

#include <libxml/parser.h>

#include <cstring>
#include <mutex>

#include "mgrs/core/text.h"

namespace mgrs::ingest::xml {

Document ParseFile(const std::string& path, std::string* error, int* line) {
  // xmlInitParser must run once before threads use the parser.
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });
  xmlParserCtxtPtr context = xmlNewParserCtxt();
  if (!context) {
    *error = "out of memory";
    *line = 0;
    return nullptr;
  }
  // NONET: never fetch anything; no NOENT: entities are not expanded (no XXE, no entity bombs).
  xmlDoc* doc = xmlCtxtReadFile(context, path.c_str(), nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  if (!doc || !context->wellFormed) {
    const xmlError* last = xmlCtxtGetLastError(context);
    *error = last && last->message ? std::string(TrimAscii(last->message)) : "not well-formed XML";
    *line = last ? last->line : 0;
    if (doc) xmlFreeDoc(doc);
    doc = nullptr;
  }
  xmlFreeParserCtxt(context);
  return Document(doc);
}

const xmlNode* Root(const Document& doc) { return doc ? xmlDocGetRootElement(doc.get()) : nullptr; }

bool IsNamed(const xmlNode* node, const char* name) {
  return node && node->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(node->name), name) == 0;
}

const xmlNode* Child(const xmlNode* node, const char* name) {
  if (!node) return nullptr;
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (IsNamed(child, name)) return child;
  }
  return nullptr;
}

std::vector<const xmlNode*> Children(const xmlNode* node, const char* name) {
  std::vector<const xmlNode*> out;
  if (!node) return out;
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (IsNamed(child, name)) out.push_back(child);
  }
  return out;
}

std::string Text(const xmlNode* node) {
  if (!node) return {};
  xmlChar* content = xmlNodeGetContent(node);
  if (!content) return {};
  std::string text(TrimAscii(reinterpret_cast<const char*>(content)));
  xmlFree(content);
  return text;
}

std::string ChildText(const xmlNode* node, const char* name) { return Text(Child(node, name)); }

int Line(const xmlNode* node) { return node ? static_cast<int>(xmlGetLineNo(node)) : 0; }

}  // namespace mgrs::ingest::xml
