#include "okada/core/pg/migrations.hpp"

#include <libpq-fe.h>
#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

namespace okada::pg {
namespace {

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnCloser>;
using ResultPtr = std::unique_ptr<PGresult, ResultCloser>;

std::string Trimmed(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

ResultPtr Exec(PGconn* c, const std::string& sql, const std::vector<std::string>& params = {}) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  ResultPtr r(params.empty() ? PQexec(c, sql.c_str())
                             : PQexecParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                            nullptr, nullptr, 0));
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    throw MigrationError(Trimmed(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(c)));
  return r;
}

}  // namespace

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

Migration ParseMigration(const std::string& file_name, std::string sql) {
  // V001__create_orders.sql
  auto bad = [&] {
    return MigrationError("migration file '" + file_name +
                          "' must be named V<number>__<name>.sql, e.g. V001__init.sql");
  };
  if (file_name.size() < 9 || file_name[0] != 'V' || file_name.substr(file_name.size() - 4) != ".sql") throw bad();
  auto sep = file_name.find("__");
  if (sep == std::string::npos || sep < 2 || sep + 2 >= file_name.size() - 4) throw bad();
  std::string digits = file_name.substr(1, sep - 1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) || digits.size() > 6)
    throw bad();
  Migration m;
  m.version = std::stoi(digits);
  if (m.version <= 0) throw bad();
  m.name = file_name;
  m.sql = std::move(sql);
  return m;
}

std::vector<Migration> LoadMigrationDir(const std::string& dir) {
  std::vector<Migration> out;
  std::map<int, std::string> seen;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    Migration m = ParseMigration(entry.path().filename().string(), ss.str());
    if (auto it = seen.find(m.version); it != seen.end())
      throw MigrationError("two migrations with version " + std::to_string(m.version) + " in " + dir + ": " +
                           it->second + " and " + m.name);
    seen[m.version] = m.name;
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return out;
}

MigrationReport Migrate(const std::string& conninfo, const std::vector<MigrationSet>& sets,
                        const std::function<void(const std::string&)>& progress) {
  const char* keys[] = {"dbname", "application_name", nullptr};
  const char* values[] = {conninfo.c_str(), "okada-migrate", nullptr};
  ConnPtr conn(PQconnectdbParams(keys, values, 1));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK)
    throw MigrationError("cannot connect to PostgreSQL: " +
                         Trimmed(conn ? PQerrorMessage(conn.get()) : "out of memory"));
  PGconn* c = conn.get();
  Exec(c, "SET client_min_messages = warning");
  Exec(c, "SELECT pg_advisory_lock(727274001)");  // one migrator at a time, across processes
  MigrationReport report;
  try {
    Exec(c,
         "CREATE SCHEMA IF NOT EXISTS okada_meta;"
         "CREATE TABLE IF NOT EXISTS okada_meta.schema_migrations ("
         "  service text NOT NULL, version int NOT NULL, name text NOT NULL, checksum text NOT NULL,"
         "  applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (service, version))");
    for (const MigrationSet& set : sets) {
      std::map<int, std::pair<std::string, std::string>> applied;  // version -> (name, checksum)
      auto r =
          Exec(c, "SELECT version, name, checksum FROM okada_meta.schema_migrations WHERE service = $1", {set.service});
      for (int i = 0; i < PQntuples(r.get()); ++i)
        applied[std::atoi(PQgetvalue(r.get(), i, 0))] = {PQgetvalue(r.get(), i, 1), PQgetvalue(r.get(), i, 2)};

      std::vector<const Migration*> ordered;
      for (const Migration& m : set.migrations) ordered.push_back(&m);
      std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->version < b->version; });
      for (std::size_t i = 1; i < ordered.size(); ++i)
        if (ordered[i]->version == ordered[i - 1]->version)
          throw MigrationError("service '" + set.service + "' has two migrations with version " +
                               std::to_string(ordered[i]->version));

      for (const Migration* m : ordered) {
        std::string checksum = Sha256Hex(m->sql);
        std::string label = set.service + "/" + m->name;
        if (auto it = applied.find(m->version); it != applied.end()) {
          if (it->second.second != checksum)
            throw MigrationError("migration " + label + " was changed after it was applied (recorded checksum " +
                                 it->second.second.substr(0, 12) + "…, file now " + checksum.substr(0, 12) +
                                 "…). Applied migrations must not be edited: restore the file and add a new "
                                 "migration with the change.");
          ++report.up_to_date;
          continue;
        }
        if (progress) progress("applying " + label);
        Exec(c, "BEGIN");
        try {
          Exec(c, m->sql);
          Exec(c, "INSERT INTO okada_meta.schema_migrations (service, version, name, checksum) VALUES ($1,$2,$3,$4)",
               {set.service, std::to_string(m->version), m->name, checksum});
          Exec(c, "COMMIT");
        } catch (const MigrationError& e) {
          PQclear(PQexec(c, "ROLLBACK"));
          throw MigrationError("migration " + label + " failed and was rolled back: " + e.what());
        }
        report.applied.push_back(label);
      }
    }
  } catch (...) {
    PQclear(PQexec(c, "SELECT pg_advisory_unlock(727274001)"));
    throw;
  }
  Exec(c, "SELECT pg_advisory_unlock(727274001)");
  return report;
}

}  // namespace okada::pg
