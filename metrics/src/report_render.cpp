// Markdown tables and the HTML page (tables + SVG charts) rendered from JSON reports.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "mgrs/core/files.h"
#include "mgrs/core/jsonl.h"
#include "mgrs/metrics/report.h"

namespace mgrs::metrics {
namespace {

using nlohmann::ordered_json;

// One column of a task table: its header and the metric key in tasks.<task>.metrics.
struct Column {
  const char* header;
  const char* key;
};

struct TaskLayout {
  const char* task;
  const char* title;
  std::vector<Column> columns;
  int decimals;
};

const std::vector<TaskLayout>& Layouts() {
  static const std::vector<TaskLayout> layouts = {
      {"caption", "Image captioning", {{"B-4", "Bleu_4"}, {"MT", "METEOR"}, {"R-L", "ROUGE_L"}, {"CIDEr", "CIDEr"}}, 1},
      {"vqa", "Visual question answering", {{"Acc", "accuracy"}}, 2},
      {"grounding", "Visual grounding", {{"@0.5 (mAP@0.5)", "acc@0.5"}, {"@0.7 (mAP@0.7)", "acc@0.7"}}, 1},
      {"classification", "Scene classification", {{"Acc", "accuracy"}}, 2},
      {"counting", "Object counting", {{"Acc", "accuracy"}}, 1},
  };
  return layouts;
}

std::string Percent(const ordered_json& metrics, const char* key, int decimals) {
  if (!metrics.is_object() || !metrics.contains(key) || !metrics[key].is_number()) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, metrics[key].get<double>() * 100);
  return buffer;
}

// Column groups of a task across reports: datasets in order of first appearance, or "all".
std::vector<std::string> Groups(const std::vector<NamedReport>& reports, const char* task, const char* breakdown) {
  std::vector<std::string> groups;
  for (const auto& r : reports) {
    const auto& t = r.report["tasks"];
    if (!t.contains(task) || !t[task].contains(breakdown)) continue;
    for (const auto& [name, value] : t[task][breakdown].items()) {
      if (std::find(groups.begin(), groups.end(), name) == groups.end()) groups.push_back(name);
    }
  }
  return groups;
}

const ordered_json& GroupMetrics(const NamedReport& r, const char* task, const char* breakdown,
                                 const std::string& group) {
  static const ordered_json none = ordered_json::object();
  const auto& t = r.report["tasks"];
  if (!t.contains(task)) return none;
  if (group == "all") return t[task]["metrics"];
  if (!t[task].contains(breakdown) || !t[task][breakdown].contains(group)) return none;
  return t[task][breakdown][group]["metrics"];
}

bool HasTask(const std::vector<NamedReport>& reports, const char* task) {
  for (const auto& r : reports) {
    if (r.report.contains("tasks") && r.report["tasks"].contains(task)) return true;
  }
  return false;
}

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

// A table as rows of cells; the first row is the header, the second the sub-header (metric names).
struct Table {
  std::string title;
  std::vector<std::vector<std::string>> rows;
};

std::vector<Table> BuildTables(const std::vector<NamedReport>& reports) {
  std::vector<Table> tables;
  for (const TaskLayout& layout : Layouts()) {
    if (!HasTask(reports, layout.task)) continue;
    std::vector<std::string> groups = Groups(reports, layout.task, "by_dataset");
    if (groups.empty()) groups.push_back("all");
    Table table;
    table.title = layout.title;
    std::vector<std::string> header = {"Method"}, sub = {""};
    for (const std::string& g : groups) {
      for (size_t c = 0; c < layout.columns.size(); ++c) {
        header.push_back(c == 0 ? g : "");
        sub.push_back(layout.columns[c].header);
      }
    }
    table.rows.push_back(header);
    table.rows.push_back(sub);
    for (const NamedReport& r : reports) {
      std::vector<std::string> row = {r.name};
      for (const std::string& g : groups) {
        const ordered_json& m = GroupMetrics(r, layout.task, "by_dataset", g);
        for (const Column& col : layout.columns) row.push_back(Percent(m, col.key, layout.decimals));
      }
      table.rows.push_back(row);
    }
    tables.push_back(std::move(table));
    // VQA: a second table by question type, as the paper's Table 2 columns (R / P / C / A / D).
    if (std::string(layout.task) == "vqa") {
      const std::vector<std::string> types = Groups(reports, "vqa", "by_type");
      if (!types.empty()) {
        Table by_type;
        by_type.title = "Visual question answering by question type";
        std::vector<std::string> h = {"Method"}, s = {""};
        for (const std::string& t : types) {
          h.push_back(t);
          s.push_back("Acc");
        }
        by_type.rows = {h, s};
        for (const NamedReport& r : reports) {
          std::vector<std::string> row = {r.name};
          for (const std::string& t : types)
            row.push_back(Percent(GroupMetrics(r, "vqa", "by_type", t), "accuracy", 2));
          by_type.rows.push_back(row);
        }
        tables.push_back(std::move(by_type));
      }
    }
  }
  return tables;
}

std::string Number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f", v);
  return buffer;
}

constexpr double kPi = 3.14159265358979323846;

const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                          "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

// Grouped bars: one group per label, one bar per report, values in percent.
std::string BarChart(const std::string& title, const std::vector<std::string>& labels,
                     const std::vector<std::string>& series, const std::vector<std::vector<double>>& values) {
  const double width = std::max(360.0, 70.0 * labels.size() * std::max<size_t>(1, series.size()) / 2 + 120);
  const double height = 260, left = 50, bottom = 60, top = 30;
  const double plot_w = width - left - 20, plot_h = height - top - bottom;
  double max_value = 0;
  for (const auto& row : values) {
    for (double v : row) max_value = std::max(max_value, v);
  }
  max_value = max_value > 0 ? std::ceil(max_value / 10) * 10 : 100;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" role=\"img\" aria-label=\"" << Escape(title) << "\">\n<text x=\"" << width / 2
      << "\" y=\"18\" text-anchor=\"middle\" font-weight=\"bold\">" << Escape(title) << "</text>\n";
  for (int tick = 0; tick <= 4; ++tick) {
    const double y = top + plot_h - plot_h * tick / 4;
    svg << "<line x1=\"" << left << "\" x2=\"" << left + plot_w << "\" y1=\"" << y << "\" y2=\"" << y
        << "\" stroke=\"#ddd\"/><text x=\"" << left - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">"
        << Number(max_value * tick / 4) << "</text>\n";
  }
  const double group_w = plot_w / std::max<size_t>(1, labels.size());
  const double bar_w = group_w * 0.8 / std::max<size_t>(1, series.size());
  for (size_t g = 0; g < labels.size(); ++g) {
    const double x0 = left + g * group_w + group_w * 0.1;
    for (size_t s = 0; s < series.size(); ++s) {
      const double v = values[s][g];
      const double h = std::isfinite(v) ? plot_h * v / max_value : 0;
      svg << "<rect x=\"" << x0 + s * bar_w << "\" y=\"" << top + plot_h - h << "\" width=\"" << bar_w * 0.9
          << "\" height=\"" << h << "\" fill=\"" << kPalette[s % 10] << "\"><title>" << Escape(series[s]) << " "
          << Escape(labels[g]) << ": " << Number(v) << "</title></rect>\n";
    }
    svg << "<text x=\"" << x0 + group_w * 0.4 << "\" y=\"" << top + plot_h + 16 << "\" text-anchor=\"middle\">"
        << Escape(labels[g]) << "</text>\n";
  }
  for (size_t s = 0; s < series.size(); ++s) {
    svg << "<rect x=\"" << left + 110 * s << "\" y=\"" << height - 22 << "\" width=\"10\" height=\"10\" fill=\""
        << kPalette[s % 10] << "\"/><text x=\"" << left + 110 * s + 14 << "\" y=\"" << height - 13 << "\">"
        << Escape(series[s]) << "</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

// The paper's Figure 2: one axis per dataset-metric, each scaled by the best report on it (value / max).
std::string RadarChart(const std::vector<std::string>& axes, const std::vector<std::string>& series,
                       const std::vector<std::vector<double>>& values) {
  const double size = 520, cx = size / 2, cy = size / 2 + 10, radius = 180;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << size << "\" height=\"" << size + 40
      << "\" role=\"img\" aria-label=\"radar chart\">\n";
  const size_t n = axes.size();
  const auto point = [&](size_t k, double r) {
    const double angle = -kPi / 2 + 2 * kPi * k / n;
    return std::make_pair(cx + radius * r * std::cos(angle), cy + radius * r * std::sin(angle));
  };
  for (int ring = 1; ring <= 4; ++ring) {
    svg << "<polygon fill=\"none\" stroke=\"#ddd\" points=\"";
    for (size_t k = 0; k < n; ++k) {
      const auto [x, y] = point(k, ring / 4.0);
      svg << x << "," << y << " ";
    }
    svg << "\"/>\n";
  }
  for (size_t k = 0; k < n; ++k) {
    const auto [x, y] = point(k, 1.0);
    const auto [lx, ly] = point(k, 1.12);
    svg << "<line x1=\"" << cx << "\" y1=\"" << cy << "\" x2=\"" << x << "\" y2=\"" << y << "\" stroke=\"#ccc\"/>"
        << "<text x=\"" << lx << "\" y=\"" << ly << "\" text-anchor=\"middle\" font-size=\"10\">" << Escape(axes[k])
        << "</text>\n";
  }
  for (size_t s = 0; s < series.size(); ++s) {
    svg << "<polygon fill=\"" << kPalette[s % 10] << "\" fill-opacity=\"0.15\" stroke=\"" << kPalette[s % 10]
        << "\" stroke-width=\"2\" points=\"";
    for (size_t k = 0; k < n; ++k) {
      double best = 0;
      for (const auto& row : values) best = std::max(best, row[k]);
      const auto [x, y] = point(k, best > 0 ? values[s][k] / best : 0);
      svg << x << "," << y << " ";
    }
    svg << "\"><title>" << Escape(series[s]) << "</title></polygon>\n";
    svg << "<rect x=\"" << 20 + 120 * s << "\" y=\"" << size + 20 << "\" width=\"10\" height=\"10\" fill=\""
        << kPalette[s % 10] << "\"/><text x=\"" << 34 + 120 * s << "\" y=\"" << size + 29 << "\">" << Escape(series[s])
        << "</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

double Value(const ordered_json& metrics, const char* key) {
  return metrics.is_object() && metrics.contains(key) && metrics[key].is_number() ? metrics[key].get<double>() * 100
                                                                                  : 0.0;
}

}  // namespace

Result<NamedReport> ReadJsonReport(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  // Checked first by the core parser, which refuses what would crash or abort nlohmann (deep nesting, 1e999) with
  // the line; parsed again to keep the report's key order.
  Diagnostic bad;
  if (auto checked = ParseJsonText(*text, path, &bad); !checked.ok()) return checked.status();
  NamedReport r;
  r.report = ordered_json::parse(*text, nullptr, false);
  if (r.report.is_discarded() || !r.report.is_object() || !r.report.contains("tasks")) {
    return ParseError(path + ": not an mgrs-score JSON report (no \"tasks\")");
  }
  r.name = std::filesystem::path(path).stem().string();
  return r;
}

std::string RenderMarkdown(const std::vector<NamedReport>& reports) {
  std::ostringstream md;
  bool first = true;
  for (const Table& t : BuildTables(reports)) {
    if (!first) md << "\n";
    first = false;
    md << "### " << t.title << " (%)\n\n";
    // Markdown has one header row: dataset and metric are joined ("UCM B-4").
    std::vector<std::string> header;
    std::string group;
    for (size_t c = 0; c < t.rows[0].size(); ++c) {
      if (!t.rows[0][c].empty()) group = t.rows[0][c];
      header.push_back(c == 0 ? "Method" : (group == "all" ? t.rows[1][c] : group + " " + t.rows[1][c]));
    }
    md << "|";
    for (const auto& h : header) md << " " << h << " |";
    md << "\n|";
    for (size_t c = 0; c < header.size(); ++c) md << (c == 0 ? " --- |" : " ---: |");
    md << "\n";
    for (size_t r = 2; r < t.rows.size(); ++r) {
      md << "|";
      for (const auto& cell : t.rows[r]) md << " " << cell << " |";
      md << "\n";
    }
  }
  return md.str();
}

std::string RenderHtml(const std::vector<NamedReport>& reports) {
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>mgrs-score report</title>\n"
       << "<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
          "th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}"
          "svg{display:block;margin:1em 0;font-size:11px}code{background:#f4f4f4}</style>\n</head>\n<body>\n"
       << "<h1>mgrs-score report</h1>\n<p>Reports: ";
  for (size_t i = 0; i < reports.size(); ++i)
    html << (i ? ", " : "") << "<code>" << Escape(reports[i].name) << "</code>";
  html
      << ". Values in percent; grounding's acc@0.5 / acc@0.7 are what the paper's tables call mAP@0.5 / mAP@0.7.</p>\n";
  for (const Table& t : BuildTables(reports)) {
    html << "<h2>" << Escape(t.title) << "</h2>\n<table>\n";
    for (size_t r = 0; r < t.rows.size(); ++r) {
      html << "<tr>";
      for (const auto& cell : t.rows[r])
        html << (r < 2 ? "<th>" : "<td>") << Escape(cell) << (r < 2 ? "</th>" : "</td>");
      html << "</tr>\n";
    }
    html << "</table>\n";
  }
  std::vector<std::string> series;
  for (const auto& r : reports) series.push_back(r.name);
  std::vector<std::string> radar_axes;
  std::vector<std::vector<double>> radar(reports.size());
  for (const TaskLayout& layout : Layouts()) {
    if (!HasTask(reports, layout.task)) continue;
    const Column& headline = layout.columns[0];
    for (const char* breakdown : {"by_dataset", "by_granularity"}) {
      std::vector<std::string> groups = Groups(reports, layout.task, breakdown);
      if (groups.empty()) {
        if (std::string(breakdown) == "by_granularity") continue;
        groups.push_back("all");
      }
      std::vector<std::vector<double>> values(reports.size());
      for (size_t s = 0; s < reports.size(); ++s) {
        for (const auto& g : groups)
          values[s].push_back(Value(GroupMetrics(reports[s], layout.task, breakdown, g), headline.key));
      }
      const std::string what = std::string(breakdown) == "by_dataset" ? "per dataset" : "per granularity";
      html << "<h2>" << Escape(layout.title) << ": " << headline.header << " " << what << "</h2>\n"
           << BarChart(std::string(layout.title) + " " + headline.header + " (%)", groups, series, values);
      if (std::string(breakdown) == "by_dataset") {
        for (size_t k = 0; k < groups.size(); ++k) {
          radar_axes.push_back(groups[k] + " " + headline.header);
          for (size_t s = 0; s < reports.size(); ++s) radar[s].push_back(values[s][k]);
        }
      }
    }
  }
  if (reports.size() >= 2 && radar_axes.size() >= 3) {
    html << "<h2>All tasks (radar)</h2>\n<p>One axis per dataset and headline metric; each axis is scaled so that "
            "the best report on it reaches the rim (value / best value), as in the paper's Figure 2.</p>\n"
         << RadarChart(radar_axes, series, radar);
  }
  for (const auto& r : reports) {
    html << "<script type=\"application/json\" id=\"report-" << Escape(r.name) << "\">\n";
    // "<", ">" and "&" occur in JSON only inside strings, where \u escapes mean the same: with none left, no
    // answer or name can end the script element ("</script>") or open a comment ("<!--") inside it.
    for (char c : DumpJson(r.report, 1)) {
      switch (c) {
        case '<': html << "\\u003c"; break;
        case '>': html << "\\u003e"; break;
        case '&': html << "\\u0026"; break;
        default: html << c;
      }
    }
    html << "\n</script>\n";
  }
  html << "</body>\n</html>\n";
  return html.str();
}

}  // namespace mgrs::metrics
