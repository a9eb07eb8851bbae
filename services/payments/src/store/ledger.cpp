// The ledger's statements (see ledger.hpp).

#include "store/ledger.hpp"

#include <map>

#include <stdexcept>
#include <vector>

#include "okada/core/crypto/random.hpp"

namespace okada::payments::store {

namespace asio = boost::asio;

namespace {

const pg::Statement kJournalInsert{
    "payments.journal_insert",
    "INSERT INTO payments.journal (id, kind, entry_key, order_id) VALUES ($1::uuid, $2, $3, $4::uuid) "
    "ON CONFLICT (entry_key) DO NOTHING RETURNING id::text"};
// Accounts first (created on first use), then every posting of the entry in one statement.
const pg::Statement kAccountsEnsure{
    "payments.accounts_ensure",
    "INSERT INTO payments.accounts (key, kind, owner) SELECT k, t, nullif(o, '') FROM unnest($1::text[], "
    "$2::text[], $3::text[]) AS a(k, t, o) ORDER BY k ON CONFLICT (key) DO NOTHING"};
const pg::Statement kPostingsInsert{
    "payments.postings_insert",
    "INSERT INTO payments.postings (entry_id, line, account, amount) SELECT $1::uuid, (n - 1)::smallint, a, v FROM "
    "unnest($2::text[], $3::int8[]) WITH ORDINALITY AS p(a, v, n) ORDER BY a"};
// Row locks on accounts are always taken in key order (here, and by the postings' balance trigger, which runs in
// the insertion order above): two entries touching the same accounts wait for each other, never deadlock.
const pg::Statement kLockAccounts{
    "payments.lock_accounts",
    "SELECT key, balance FROM payments.accounts WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE"};
const pg::Statement kBalanceOf{"payments.balance_of",
                               "SELECT coalesce((SELECT balance FROM payments.accounts WHERE key = $1), 0)::int8 AS b"};
const pg::Statement kTrialBalance{"payments.trial_balance",
                                  "SELECT coalesce(sum(balance), 0)::int8 AS b FROM payments.accounts"};

// A PostgreSQL array literal of quoted elements.
std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace

asio::awaitable<bool> Post(pg::Transaction& tx, const domain::Entry& entry, std::string entry_key,
                           std::optional<std::string> order_id) {
  if (!domain::Balanced(entry)) throw std::invalid_argument("ledger: entry '" + entry.kind + "' does not balance");
  std::string id = crypto::UuidV7();
  pg::Result created = co_await tx.Execute(kJournalInsert, id, entry.kind, entry_key, order_id);
  if (created.empty()) co_return false;
  std::vector<std::string> keys, kinds, owners, amounts;
  for (const domain::Posting& p : entry.postings) {
    keys.push_back(p.account.Key());
    kinds.emplace_back(domain::KindName(p.account.kind));
    owners.push_back(p.account.owner);
    amounts.push_back(std::to_string(p.amount));
  }
  co_await tx.Execute(kAccountsEnsure, TextArray(keys), TextArray(kinds), TextArray(owners));
  std::string amount_array = "{";
  for (std::size_t i = 0; i < amounts.size(); ++i) amount_array += (i > 0 ? "," : "") + amounts[i];
  amount_array += "}";
  co_await tx.Execute(kPostingsInsert, id, TextArray(keys), amount_array);
  co_return true;
}

asio::awaitable<std::map<std::string, std::int64_t>> LockAccounts(pg::Transaction& tx, std::vector<std::string> keys) {
  pg::Result rows = co_await tx.Execute(kLockAccounts, TextArray(keys));
  std::map<std::string, std::int64_t> out;
  for (const std::string& k : keys) out[k] = 0;
  for (const pg::Row& r : rows) out[r.Get<std::string>(0)] = r.Get<std::int64_t>(1);
  co_return out;
}

asio::awaitable<std::int64_t> BalanceOf(pg::Database& db, Deadline deadline, std::string account_key) {
  pg::Result r = co_await db.Execute(deadline, kBalanceOf, account_key);
  co_return r.front().Get<std::int64_t>("b");
}

asio::awaitable<std::int64_t> TrialBalance(pg::Database& db, Deadline deadline) {
  pg::Result r = co_await db.Execute(deadline, kTrialBalance);
  co_return r.front().Get<std::int64_t>("b");
}

}  // namespace okada::payments::store
