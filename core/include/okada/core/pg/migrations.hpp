#pragma once
/// Schema migrations: each service owns `sql/migrations/V###__name.sql`, embedded in the binary at build
/// time (cmake: okada_embed_migrations). `Migrate` applies the pending ones in version order, each in its own
/// transaction together with its record (service, version, name, SHA-256) in okada_meta.schema_migrations.
/// An applied migration whose file has changed is refused with a message naming it: add a new migration
/// instead of editing an old one. Concurrent migrators are serialised by an advisory lock.
/// Blocking (libpq synchronous API): it runs from the CLI and at start-up, never on an I/O thread.

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace okada::pg {

struct Migration {
  int version = 0;
  std::string name;  ///< file name, e.g. "V001__create_orders.sql"
  std::string sql;
};

struct MigrationSet {
  std::string service;
  std::vector<Migration> migrations;
};

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Builds a Migration from a file name and its text; throws MigrationError if the name is not V<digits>__<name>.sql.
Migration ParseMigration(const std::string& file_name, std::string sql);
/// Reads every V*.sql file of a folder (tests and tooling); sorted; throws on duplicates or bad names.
std::vector<Migration> LoadMigrationDir(const std::string& dir);

struct MigrationReport {
  std::vector<std::string> applied;  ///< "service/V002__x.sql"
  std::size_t up_to_date = 0;
};

/// Applies pending migrations. `progress` (optional) receives one line per migration.
MigrationReport Migrate(const std::string& conninfo, const std::vector<MigrationSet>& sets,
                        const std::function<void(const std::string&)>& progress = {});

std::string Sha256Hex(const std::string& data);

}  // namespace okada::pg
