// Class-name normalisation shared by every reader.
#include "mgrs/core/records.h"

#include <cctype>

namespace mgrs {

std::string NormaliseClassKey(const std::string& raw_class) {
  std::string out;
  bool pending_separator = false;
  for (unsigned char c : raw_class) {
    if (std::isalnum(c)) {
      if (pending_separator && !out.empty()) out += '-';
      pending_separator = false;
      out += static_cast<char>(std::tolower(c));
    } else {
      pending_separator = true;
    }
  }
  return out;
}

}  // namespace mgrs
