// Loading Meteor's English data files and paraphrase table; finding them; Meteor's statistics and score.
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <unistd.h>

#include "meteor_tables.h"
#include "mgrs/core/files.h"
#include "mgrs/core/text.h"
#include "unicode.h"

namespace mgrs::metrics {
namespace {

Result<std::vector<std::string>> ReadLines(const std::string& path) {
  if (!std::filesystem::exists(path)) return NotFound("METEOR data file missing: " + path);
  auto reader = LineReader::Open(path);
  if (!reader.ok()) return reader.status();
  std::vector<std::string> lines;
  std::string line;
  while (reader->Next(&line)) lines.push_back(line);
  if (!reader->status().ok()) return reader->status();
  return lines;
}

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view w : SplitOnWhitespace(text)) out.emplace_back(w);
  return out;
}

std::string Join(const std::vector<std::string>& words, size_t begin, size_t count) {
  std::string out;
  for (size_t i = begin; i < begin + count; ++i) {
    if (i > begin) out.push_back(' ');
    out += words[i];
  }
  return out;
}

}  // namespace

MeteorData::MeteorData() : tables_(std::make_unique<Tables>()) {}
MeteorData::~MeteorData() = default;

bool MeteorData::has_paraphrases() const { return !tables_->paraphrases.empty(); }

Result<std::shared_ptr<MeteorData>> MeteorData::Load(const std::string& dir) {
  std::shared_ptr<MeteorData> data(new MeteorData());
  data->directory_ = dir;
  Tables& t = *data->tables_;

  auto words = ReadLines(dir + "/english.words");
  if (!words.ok()) return words.status();
  for (const std::string& w : *words) {
    const std::string_view trimmed = TrimAscii(w);
    if (!trimmed.empty()) t.function_words.emplace(trimmed);
  }

  auto prefixes = ReadLines(dir + "/english.prefixes");
  if (!prefixes.ok()) return prefixes.status();
  for (const std::string& line : *prefixes) {
    const auto fields = SplitOnWhitespace(line);
    if (fields.empty() || fields[0][0] == '#') continue;
    const std::u32string entry = internal::ToUtf32(fields[0]);
    if (fields.size() >= 2 && fields[1] == "#NUMERIC_ONLY#") {
      t.prefixes_numeric.insert(entry);
    } else {
      t.prefixes_any.insert(entry);
    }
  }

  auto synsets = ReadLines(dir + "/english.synsets");
  if (!synsets.ok()) return synsets.status();
  if (synsets->size() % 2 != 0) return ParseError(dir + "/english.synsets: odd number of lines");
  t.synsets.reserve(synsets->size() / 2);
  for (size_t i = 0; i + 1 < synsets->size(); i += 2) {
    std::vector<int32_t> offsets;
    for (std::string_view field : SplitOnWhitespace((*synsets)[i + 1])) {
      char* end = nullptr;
      const std::string text(field);
      const long value = std::strtol(text.c_str(), &end, 10);
      if (end == text.c_str() || *end != '\0') {
        return ParseError(dir + "/english.synsets:" + std::to_string(i + 2) + ": expected synset offsets");
      }
      offsets.push_back(static_cast<int32_t>(value));
    }
    std::sort(offsets.begin(), offsets.end());
    offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
    t.synsets[(*synsets)[i]] = std::move(offsets);
  }

  auto exceptions = ReadLines(dir + "/english.exceptions");
  if (!exceptions.ok()) return exceptions.status();
  if (exceptions->size() % 2 != 0) return ParseError(dir + "/english.exceptions: odd number of lines");
  for (size_t i = 0; i + 1 < exceptions->size(); i += 2) {
    const std::string base((*exceptions)[i]);
    for (const std::string& form : SplitWords((*exceptions)[i + 1])) t.exceptions[form].push_back(base);
  }
  return data;
}

Status MeteorData::LoadParaphrases(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");  // reads plain text transparently too
  if (!file) return IoError("cannot open the paraphrase table " + path);
  Tables& t = *tables_;
  std::vector<std::string> lines;
  std::string line;
  char buffer[8192];
  int64_t line_number = 0;
  Status status;
  const auto finish_line = [&]() {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    line.clear();
    if (lines.size() < 3) return;
    Tables::Paraphrase entry{SplitWords(lines[1]), SplitWords(lines[2])};
    lines.clear();
    if (entry.reference_phrase.empty() || entry.paraphrase.empty()) {
      if (status.ok()) {
        status = ParseError(path + ":" + std::to_string(line_number) + ": empty phrase in the paraphrase table");
      }
      return;
    }
    const uint32_t index = static_cast<uint32_t>(t.paraphrases.size());
    t.by_reference[Join(entry.reference_phrase, 0, entry.reference_phrase.size())].push_back(index);
    t.max_phrase_words = std::max({t.max_phrase_words, entry.reference_phrase.size(), entry.paraphrase.size()});
    t.paraphrases.push_back(std::move(entry));
  };
  while (gzgets(file, buffer, sizeof(buffer)) != nullptr) {
    const size_t n = std::strlen(buffer);
    if (n > 0 && buffer[n - 1] == '\n') {
      line.append(buffer, n - 1);
      finish_line();
    } else {
      line.append(buffer, n);
    }
  }
  int error = 0;
  const char* message = gzerror(file, &error);
  const bool failed = error != Z_OK && error != Z_STREAM_END;
  const std::string error_text = failed ? std::string(message) : std::string();
  gzclose(file);
  if (failed) return IoError("reading the paraphrase table " + path + ": " + error_text);
  if (!line.empty()) finish_line();
  if (!lines.empty()) return ParseError(path + ": the paraphrase table ends inside an entry (expected line triples)");
  if (t.paraphrases.empty()) return ParseError(path + ": the paraphrase table holds no entries");
  return status;
}

Result<std::string> FindMeteorData(const std::string& explicit_dir) {
  const auto usable = [](const std::string& dir) {
    return !dir.empty() && std::filesystem::exists(dir + "/english.synsets");
  };
  std::vector<std::string> tried;
  if (!explicit_dir.empty()) {
    if (usable(explicit_dir)) return explicit_dir;
    return NotFound("--meteor-data " + explicit_dir + ": no english.synsets there");
  }
  if (const char* env = std::getenv("MGRS_METEOR_DATA"); env && *env) {
    if (usable(env)) return std::string(env);
    return NotFound("MGRS_METEOR_DATA=" + std::string(env) + ": no english.synsets there");
  }
  std::vector<std::string> candidates = {MGRS_METEOR_INSTALL_DIR};
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) candidates.push_back((exe.parent_path().parent_path() / "share/mgrs/meteor").string());
  candidates.push_back(MGRS_METEOR_SOURCE_DIR);
  for (const std::string& dir : candidates) {
    if (usable(dir)) return dir;
    tried.push_back(dir);
  }
  std::string message = "METEOR data not found; pass --meteor-data DIR or set MGRS_METEOR_DATA (tried";
  for (const auto& dir : tried) message += " " + dir;
  return NotFound(message + ")");
}

std::string MeteorStats::ToString() const {
  std::ostringstream out;
  out.precision(17);
  const auto put = [&](double v, bool first = false) {
    if (!first) out << ' ';
    out << v;
  };
  put(tst_len, true);
  put(ref_len);
  put(tst_func_words);
  put(ref_func_words);
  for (int m = 0; m < 4; ++m) {
    put(tst_content[m]);
    put(ref_content[m]);
    put(tst_function[m]);
    put(ref_function[m]);
  }
  put(chunks);
  put(tst_word_matches);
  put(ref_word_matches);
  return out.str();
}

Result<MeteorStats> MeteorStats::Parse(std::string_view line) {
  const auto fields = SplitOnWhitespace(line);
  if (fields.size() != 23) return ParseError("expected 23 METEOR statistics, got " + std::to_string(fields.size()));
  double v[23];
  for (size_t i = 0; i < 23; ++i) {
    const std::string text(fields[i]);
    char* end = nullptr;
    v[i] = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0') return ParseError("not a number: " + text);
  }
  MeteorStats s;
  s.tst_len = v[0];
  s.ref_len = v[1];
  s.tst_func_words = v[2];
  s.ref_func_words = v[3];
  for (int m = 0; m < 4; ++m) {
    s.tst_content[m] = v[4 + 4 * m];
    s.ref_content[m] = v[5 + 4 * m];
    s.tst_function[m] = v[6 + 4 * m];
    s.ref_function[m] = v[7 + 4 * m];
  }
  s.chunks = v[20];
  s.tst_word_matches = v[21];
  s.ref_word_matches = v[22];
  return s;
}

bool MeteorStats::operator==(const MeteorStats& o) const {
  return tst_len == o.tst_len && ref_len == o.ref_len && tst_func_words == o.tst_func_words &&
         ref_func_words == o.ref_func_words && tst_content == o.tst_content && ref_content == o.ref_content &&
         tst_function == o.tst_function && ref_function == o.ref_function && chunks == o.chunks &&
         tst_word_matches == o.tst_word_matches && ref_word_matches == o.ref_word_matches;
}

bool MeteorStats::IsPerfect() const {
  double tst = 0, ref = 0;
  for (int m = 0; m < 4; ++m) {
    tst += tst_content[m] + tst_function[m];
    ref += ref_content[m] + ref_function[m];
  }
  return tst == tst_len && ref == ref_len && chunks == 1;
}

double MeteorScoreFromStats(const MeteorStats& s, const MeteorParameters& p) {
  const double delta = p.delta;
  const double tst_weighted_len = delta * (s.tst_len - s.tst_func_words) + (1 - delta) * s.tst_func_words;
  const double ref_weighted_len = delta * (s.ref_len - s.ref_func_words) + (1 - delta) * s.ref_func_words;
  double tst_weighted_matches = 0, ref_weighted_matches = 0;
  for (int m = 0; m < 4; ++m) {
    tst_weighted_matches += s.tst_content[m] * p.module_weights[m] * delta;
    ref_weighted_matches += s.ref_content[m] * p.module_weights[m] * delta;
  }
  for (int m = 0; m < 4; ++m) {
    tst_weighted_matches += s.tst_function[m] * p.module_weights[m] * (1 - delta);
    ref_weighted_matches += s.ref_function[m] * p.module_weights[m] * (1 - delta);
  }
  const double precision = tst_weighted_matches / tst_weighted_len;
  const double recall = ref_weighted_matches / ref_weighted_len;
  const double fmean = 1.0 / ((1 - p.alpha) / precision + p.alpha / recall);
  const double fragmentation = s.IsPerfect() ? 0.0 : s.chunks / ((s.tst_word_matches + s.ref_word_matches) / 2);
  double score = fmean * (1 - p.gamma * std::pow(fragmentation, p.beta));
  if (std::isnan(score)) score = 0;
  return std::max(score, 0.0);
}

MeteorStats SumMeteorStats(const std::vector<MeteorStats>& segments) {
  MeteorStats sum;
  for (const MeteorStats& s : segments) {
    sum.tst_len += s.tst_len;
    sum.ref_len += s.ref_len;
    sum.tst_func_words += s.tst_func_words;
    sum.ref_func_words += s.ref_func_words;
    for (int m = 0; m < 4; ++m) {
      sum.tst_content[m] += s.tst_content[m];
      sum.ref_content[m] += s.ref_content[m];
      sum.tst_function[m] += s.tst_function[m];
      sum.ref_function[m] += s.ref_function[m];
    }
    if (!s.IsPerfect()) sum.chunks += s.chunks;
    sum.tst_word_matches += s.tst_word_matches;
    sum.ref_word_matches += s.ref_word_matches;
  }
  return sum;
}

}  // namespace mgrs::metrics
