// Markdown and HTML rendering: a golden Markdown table (tests/fixtures/metrics/golden_compare.md, written by hand
// from the two fixture reports, whose numbers are the paper's SkyMoE and GeoChat rows), and an HTML page that
// holds its SVG charts and the numbers of its JSON.
#include "mgrs/metrics/report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "metrics_test_support.h"

namespace mgrs::metrics {
namespace {

std::vector<NamedReport> FixtureReports() {
  std::vector<NamedReport> reports;
  for (const char* name : {"report_skymoe.json", "report_geochat.json"}) {
    auto r = ReadJsonReport(mgrs::testing::FixtureFile(std::string("metrics/") + name));
    if (!r.ok()) throw std::runtime_error(r.status().ToString());
    reports.push_back(*r);
  }
  return reports;
}

TEST(ReportTest, MarkdownMatchesTheGoldenTables) {
  std::ifstream in(mgrs::testing::FixtureFile("metrics/golden_compare.md"));
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(RenderMarkdown(FixtureReports()), golden.str());
}

TEST(ReportTest, HtmlHasChartsNumbersAndNoNetwork) {
  const std::string html = RenderHtml(FixtureReports());
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("All tasks (radar)"), std::string::npos);
  EXPECT_NE(html.find("<td>68.6</td>"), std::string::npos);  // SkyMoE's DIOR-RSVG acc@0.5 in the table
  EXPECT_NE(html.find("mAP@0.5"), std::string::npos);
  EXPECT_NE(html.find("\"acc@0.5\": 0.6859999999999999"), std::string::npos);  // the embedded JSON, as in the file
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
}

TEST(ReportTest, NotAReportIsAParseError) {
  const auto r = ReadJsonReport(mgrs::testing::FixtureFile("metrics/coco_results.json"));
  EXPECT_EQ(r.status().code(), StatusCode::kParseError);
}

}  // namespace
}  // namespace mgrs::metrics
