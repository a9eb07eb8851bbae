#pragma once
// The ledger in PostgreSQL (migration V001): one journal row and its postings per entry, written in the caller's
// transaction; account rows are created on first use and their balances kept by the database. Idempotent by
// entry key: posting the same business event twice (a retried callback, a replayed event) writes it once.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/ledger.hpp"
#include "okada/core/deadline.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::payments::store {

/// Writes `entry` in `tx` under `entry_key` (e.g. "captured:<payment id>"). Returns false, writing nothing, when
/// an entry with that key exists. Throws std::invalid_argument for an entry that does not balance (checked here,
/// and again by the database at commit), pg::QueryError when a balance rule refuses it (e.g. a payout larger
/// than what the merchant is owed violates payable_never_a_debt).
boost::asio::awaitable<bool> Post(pg::Transaction& tx, const domain::Entry& entry, std::string entry_key,
                                  std::optional<std::string> order_id = std::nullopt);

/// Locks `keys`' account rows in key order (the order every posting takes them, so no deadlock) and returns their
/// balances (0 for an account never used). Take it before reading a balance that an entry depends on.
boost::asio::awaitable<std::map<std::string, std::int64_t>> LockAccounts(pg::Transaction& tx,
                                                                         std::vector<std::string> keys);

/// An account's balance (0 for an account never used).
boost::asio::awaitable<std::int64_t> BalanceOf(pg::Database& db, Deadline deadline, std::string account_key);

/// The sum of every account's balance: 0 for sound books.
boost::asio::awaitable<std::int64_t> TrialBalance(pg::Database& db, Deadline deadline);

}  // namespace okada::payments::store
