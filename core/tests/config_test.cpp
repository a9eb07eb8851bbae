#include "okada/core/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace okada {
namespace {

std::string WriteFile(const std::string& text) {
  std::string path = ::testing::TempDir() + "okada_config_test_" + std::to_string(::getpid()) + ".conf";
  std::ofstream(path) << text;
  return path;
}

TEST(Config, DefaultsApply) {
  Config c = Config::Defaults();
  EXPECT_EQ(c.GetInt("http.port"), 8080);
  EXPECT_EQ(c.GetDuration("http.request_deadline_ms").count(), 2000);
  EXPECT_TRUE(c.GetBool("log.access"));
  EXPECT_EQ(c.SourceOf("http.port"), "default");
}

TEST(Config, FileOverridesDefaultsAndEnvOverridesFile) {
  std::string path = WriteFile(
      "# comment\n"
      "[http]\n"
      "port = 9090   # inline comment\n"
      "read_timeout_ms = 5s\n"
      "body_limit = 2M\n"
      "[log]\n"
      "level = \"debug\"\n");
  Config c = Config::Load(path, {"OKADA_HTTP_PORT=7070", "PATH=/usr/bin", "OKADA_ENV_NAME=test"});
  EXPECT_EQ(c.GetInt("http.port"), 7070);
  EXPECT_EQ(c.SourceOf("http.port"), "env:OKADA_HTTP_PORT");
  EXPECT_EQ(c.GetDuration("http.read_timeout_ms").count(), 5000);
  EXPECT_EQ(c.GetInt("http.body_limit"), 2 * 1024 * 1024);
  EXPECT_EQ(c.GetString("log.level"), "debug");
  EXPECT_EQ(c.SourceOf("log.level").rfind("file:", 0), 0u);
  std::remove(path.c_str());
}

TEST(Config, UnknownFileKeyNamesTheKeyAndLine) {
  std::string path = WriteFile("[http]\nprot = 1\n");
  try {
    Config::Load(path, {});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("http.prot"), std::string::npos) << msg;
    EXPECT_NE(msg.find(":2"), std::string::npos) << msg;
  }
  std::remove(path.c_str());
}

TEST(Config, UnknownEnvironmentVariableIsRefused) {
  try {
    Config::Load("", {"OKADA_HTTP_PROT=1"});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("OKADA_HTTP_PROT"), std::string::npos);
  }
}

TEST(Config, MalformedValuesAreRefusedWithTheKeyName) {
  EXPECT_THROW(Config::Load("", {"OKADA_HTTP_PORT=eighty"}), ConfigError);
  EXPECT_THROW(Config::Load("", {"OKADA_HTTP_PORT=70000"}), ConfigError);
  EXPECT_THROW(Config::Load("", {"OKADA_LOG_ACCESS=maybe"}), ConfigError);
  EXPECT_THROW(Config::Load("", {"OKADA_LOG_LEVEL=loud"}), ConfigError);
  EXPECT_THROW(Config::Load("", {"OKADA_HTTP_READ_TIMEOUT_MS=10 parsecs"}), ConfigError);
  try {
    Config::Load("", {"OKADA_PG_POOL_SIZE=0"});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("pg.pool_size"), std::string::npos) << e.what();
  }
}

TEST(Config, MissingFileIsAnError) { EXPECT_THROW(Config::Load("/nonexistent/okada.conf", {}), ConfigError); }

TEST(Config, MalformedFileLinesAreErrors) {
  std::string path = WriteFile("[http\n");
  EXPECT_THROW(Config::Load(path, {}), ConfigError);
  std::ofstream(path) << "just words\n";
  EXPECT_THROW(Config::Load(path, {}), ConfigError);
  std::remove(path.c_str());
}

TEST(Config, ListsAndRedaction) {
  Config c = Config::Defaults(
      {{"http.cors_origins", "https://a.cm, https://b.cm"}, {"pg.url", "postgresql://okada:s3cret@db:5432/okada"}});
  auto list = c.GetList("http.cors_origins");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1], "https://b.cm");
  std::string dump = c.Describe();
  EXPECT_EQ(dump.find("s3cret"), std::string::npos);
  EXPECT_NE(dump.find("postgresql://okada:***@db"), std::string::npos);
}

TEST(Config, EnvNames) { EXPECT_EQ(EnvNameFor("pg.statement_timeout_ms"), "OKADA_PG_STATEMENT_TIMEOUT_MS"); }

}  // namespace
}  // namespace okada
