#pragma once
/// Key rotation for field encryption (ARCHITECTURE §6: "a keyring; rotation re-encrypts in the background").
///
///   LiveKeyring   the keyring a service encrypts with, re-read from `<state_dir>/keys/` so that a key added by
///                 `okada keys rotate-data` becomes active in running services without a restart.
///   Reencryptor   walks a service's encrypted columns in id order, a batch at a time, and rewrites every value
///                 still under an older key version with the active key (same associated data). A row changed
///                 by a request meanwhile is skipped (the UPDATE matches the values it read) and caught next pass.
///
/// Threading: LiveKeyring is safe from any thread (atomic shared_ptr swap). A Reencryptor is driven by one job.
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "okada/core/crypto/aead.hpp"
#include "okada/core/deadline.hpp"

namespace okada::pg {
class Database;
struct Statement;
}  // namespace okada::pg

namespace okada::crypto {

class LiveKeyring {
 public:
  explicit LiveKeyring(std::filesystem::path state_dir);
  /// A fixed keyring that never reloads (tests and tools).
  explicit LiveKeyring(Keyring fixed) : current_(std::make_shared<const Keyring>(std::move(fixed))) {}
  std::shared_ptr<const Keyring> get() const { return std::atomic_load(&current_); }
  /// Re-reads the key directory; true if the active key version changed.
  bool Reload();

 private:
  std::filesystem::path state_dir_;
  std::shared_ptr<const Keyring> current_;
};

/// One encrypted column: the associated data of a value is `context_prefix + row id`.
struct EncryptedColumn {
  std::string name;
  std::string context_prefix;
};
struct EncryptedTable {
  std::string table;      ///< schema-qualified, e.g. "users.addresses"
  std::string id_column;  ///< a uuid primary key
  std::vector<EncryptedColumn> columns;
};

class Reencryptor {
 public:
  Reencryptor(std::string name, std::vector<EncryptedTable> tables, LiveKeyring* keyring);
  ~Reencryptor();
  /// Reloads the keyring, then rewrites up to `batch` rows per table until every table is done for this pass
  /// or `deadline` nears. Returns the number of values rewritten. Idle (one cheap check) once a whole pass
  /// found nothing under an old key and the active key has not changed since.
  boost::asio::awaitable<std::size_t> Run(pg::Database& db, Deadline deadline, std::size_t batch = 200);

 private:
  struct Table;
  std::string name_;
  LiveKeyring* keyring_;
  std::vector<std::unique_ptr<Table>> tables_;
  int settled_version_ = -1;        // active version for which a whole pass found nothing left to rewrite
  int pass_version_ = -1;           // active version the current pass started under
  std::size_t pass_rewritten_ = 0;  // values rewritten so far in the current pass (which may span many runs)
};

}  // namespace okada::crypto
