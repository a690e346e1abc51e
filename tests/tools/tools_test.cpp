// Every tool answers --help with exit 0 and an unknown option with exit 2 and a message.
#include <gtest/gtest.h>

#include "test_support.h"

namespace mgrs {
namespace {

std::vector<std::string> Tools() {
  std::vector<std::string> tools = {MGRS_TOOL_MGRS, MGRS_TOOL_MGRS_SCORE};
#ifdef MGRS_TOOL_SKYMOE
  tools.push_back(MGRS_TOOL_SKYMOE);
#endif
  return tools;
}

TEST(ToolsTest, HelpExitsZeroAndShowsAnExample) {
  for (const std::string& tool : Tools()) {
    std::string out;
    EXPECT_EQ(testing::RunCommand(tool + " --help", &out), 0) << tool << "\n" << out;
    EXPECT_NE(out.find("Usage:"), std::string::npos) << out;
  }
  std::string out;
  EXPECT_EQ(testing::RunCommand(std::string(MGRS_TOOL_MGRS) + " self-check --help", &out), 0);
  EXPECT_NE(out.find("Example:"), std::string::npos) << out;
}

TEST(ToolsTest, VersionExitsZero) {
  for (const std::string& tool : Tools()) {
    std::string out;
    EXPECT_EQ(testing::RunCommand(tool + " --version", &out), 0) << tool;
    EXPECT_NE(out.find("0.1.0"), std::string::npos) << out;
  }
}

TEST(ToolsTest, UnknownOptionExitsTwoWithAMessage) {
  std::string out;
  EXPECT_EQ(testing::RunCommand(std::string(MGRS_TOOL_MGRS_SCORE) + " --no-such-option", &out), 2);
  EXPECT_NE(out.find("no-such-option"), std::string::npos) << out;
  EXPECT_EQ(testing::RunCommand(std::string(MGRS_TOOL_MGRS) + " self-check --bogus", &out), 2);
  EXPECT_NE(out.find("bogus"), std::string::npos) << out;
  EXPECT_EQ(testing::RunCommand(std::string(MGRS_TOOL_MGRS) + " no-such-command", &out), 2);
  EXPECT_NE(out.find("unknown command 'no-such-command'"), std::string::npos) << out;
}

TEST(ToolsTest, MgrsSelfCheckPasses) {
  std::string out;
  EXPECT_EQ(testing::RunCommand(std::string(MGRS_TOOL_MGRS) + " self-check", &out), 0) << out;
  EXPECT_NE(out.find("self-test raster: ok"), std::string::npos) << out;
}

#ifdef MGRS_TOOL_SKYMOE
TEST(ToolsTest, SkymoeSelfTestFindsOpenBlas) {
  std::string out;
  EXPECT_EQ(testing::RunCommand(std::string(MGRS_TOOL_SKYMOE) + " self-test", &out), 0) << out;
  EXPECT_NE(out.find("openblas"), std::string::npos) << out;
}
#endif

}  // namespace
}  // namespace mgrs
