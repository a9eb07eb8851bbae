#include "okada/core/crypto/rotation.hpp"

#include "okada/core/crypto/random.hpp"
#include "okada/core/log.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::crypto {

LiveKeyring::LiveKeyring(std::filesystem::path state_dir)
    : state_dir_(std::move(state_dir)), current_(std::make_shared<const Keyring>(Keyring::LoadOrCreate(state_dir_))) {}

bool LiveKeyring::Reload() {
  if (state_dir_.empty()) return false;
  auto fresh = std::make_shared<const Keyring>(Keyring::LoadOrCreate(state_dir_));
  auto old = get();
  if (fresh->active_version() == old->active_version() && fresh->size() == old->size()) return false;
  std::atomic_store(&current_, std::shared_ptr<const Keyring>(fresh));
  log::Info("keyring.reloaded", {{"active_version", static_cast<int>(fresh->active_version())}});
  return fresh->active_version() != old->active_version();
}

namespace {
constexpr const char* kFirstId = "00000000-0000-0000-0000-000000000000";
}  // namespace

struct Reencryptor::Table {
  EncryptedTable spec;
  pg::Statement select;
  pg::Statement update;
  std::string after = kFirstId;
  bool done = false;
};

namespace {
std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}
}  // namespace

Reencryptor::Reencryptor(std::string name, std::vector<EncryptedTable> tables, LiveKeyring* keyring)
    : name_(std::move(name)), keyring_(keyring) {
  for (auto& spec : tables) {
    auto t = std::make_unique<Table>();
    std::vector<std::string> cols, sets, guards;
    int n = 2;
    for (const auto& c : spec.columns) {
      cols.push_back(c.name);
      sets.push_back(c.name + " = $" + std::to_string(n));
      guards.push_back(c.name + " IS NOT DISTINCT FROM $" + std::to_string(n + 1));
      n += 2;
    }
    t->select = {name_ + ".reencrypt_select." + spec.table, "SELECT " + spec.id_column + "::text, " + Join(cols, ", ") +
                                                                " FROM " + spec.table + " WHERE " + spec.id_column +
                                                                " > $1::uuid ORDER BY " + spec.id_column + " LIMIT $2"};
    t->update = {name_ + ".reencrypt_update." + spec.table, "UPDATE " + spec.table + " SET " + Join(sets, ", ") +
                                                                " WHERE " + spec.id_column + " = $1::uuid AND " +
                                                                Join(guards, " AND ")};
    t->spec = std::move(spec);
    tables_.push_back(std::move(t));
  }
}

Reencryptor::~Reencryptor() = default;

boost::asio::awaitable<std::size_t> Reencryptor::Run(pg::Database& db, Deadline deadline, std::size_t batch) {
  keyring_->Reload();
  auto keyring = keyring_->get();
  int active = keyring->active_version();
  if (active == settled_version_) co_return 0;
  if (active != pass_version_) {
    // The key changed since this pass began: rows it already walked were checked against the old key, so
    // start over from the top, or the pass could finish having rewritten nothing and settle the new version.
    for (auto& t : tables_) {
      t->done = false;
      t->after = kFirstId;
    }
    pass_version_ = active;
    pass_rewritten_ = 0;
  }
  std::size_t rewritten = 0;
  bool all_done = true;
  for (auto& t : tables_) {
    if (t->done) continue;
    // At least one batch per table per run, more while the job's time allows.
    // A batch that needed no rewriting ends this run for the table (the pass goes on next run): checking a
    // settled table costs one batch a run instead of a scan of the whole table in one go, which held up the
    // I/O thread for seconds on a busy orders table at every start.
    for (bool first = true; first || Clock::now() + std::chrono::milliseconds(50) < deadline; first = false) {
      std::size_t before = rewritten;
      auto rows = co_await db.Execute(deadline, t->select, t->after, static_cast<std::int64_t>(batch));
      for (const auto& row : rows) {
        std::string id = row.Get<std::string>(0);
        std::vector<pg::Param> params{id};
        bool stale = false;
        for (std::size_t c = 0; c < t->spec.columns.size(); ++c) {
          auto value = row.Get<std::optional<std::string>>(static_cast<int>(c + 1));
          std::optional<std::string> next = value;
          if (value && keyring->NeedsReencryption(*value)) {
            std::string ad = t->spec.columns[c].context_prefix + id;
            std::string plain = keyring->DecryptText(*value, ad);
            next = keyring->EncryptToText(plain, ad);
            Wipe(plain);
            stale = true;
          }
          params.push_back(next);
          params.push_back(value);
        }
        if (stale) {
          auto r = co_await db.Local().ExecuteParams(deadline, t->update, std::move(params));
          rewritten += static_cast<std::size_t>(r.affected());
          pass_rewritten_ += static_cast<std::size_t>(r.affected());  // counted at once: a later throw keeps it
        }
        // Move past a row only once it is handled: if the update throws (deadline, connection), the next run
        // starts again from this row instead of leaving it under the old key for good.
        t->after = id;
      }
      if (rows.size() < static_cast<int>(batch)) {
        t->done = true;
        break;
      }
      if (rewritten == before) break;
    }
    if (!t->done) all_done = false;
  }
  if (all_done) {
    // A pass is complete: start the next one from the top; settle if nothing needed rewriting on this pass.
    for (auto& t : tables_) {
      t->done = false;
      t->after = kFirstId;
    }
    if (pass_rewritten_ == 0) settled_version_ = active;
    pass_rewritten_ = 0;
  }
  if (rewritten > 0)
    log::Info("keyring.reencrypted", {{"service", name_}, {"values", static_cast<std::int64_t>(rewritten)}});
  co_return rewritten;
}

}  // namespace okada::crypto
