#pragma once
/// Async PostgreSQL on non-blocking libpq driven by Asio (implementation in core/src/pg/pg.cpp).
///
///   static const pg::Statement kFindOrder{"orders.find", "SELECT id, status FROM orders.orders WHERE id = $1"};
///   pg::Result r = co_await db.Execute(req.deadline(), kFindOrder, order_id);
///   for (const pg::Row& row : r) row.Get<std::string>("status");
///
/// - Every query has a name (prepared once per connection, used in metrics); parameters are always bound.
/// - A pool per I/O shard with a maximum size and an acquire timeout: when all connections are busy a caller
///   waits at most `acquire_timeout` and then gets DATABASE_BUSY (503), never hangs.
/// - Every call finishes by its deadline: past it, the query is cancelled, the connection dropped, and the
///   caller gets DEADLINE_EXCEEDED. The server-side statement_timeout caps runaway statements too.
/// - A broken connection (server restart) is detected and replaced; while the server is down calls fail
///   fast with DATABASE_UNAVAILABLE (503 + Retry-After) and recover by themselves once it is back.
/// - Transactions are RAII: an uncommitted Transaction is rolled back when it goes out of scope.
/// Threading: a Pool belongs to one shard; `Database` holds one Pool per shard and picks the caller's.
/// Statements must outlive the calls that use them (make them static constants).

#include <boost/asio/awaitable.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/deadline.hpp"
#include "okada/core/errors.hpp"

struct pg_result;
namespace boost::asio {
class io_context;
}
namespace okada {
class IoPool;
class Metrics;
}  // namespace okada

namespace okada::pg {

/// A named SQL statement. The name is the prepared statement's name and the metrics label.
struct Statement {
  std::string name;
  std::string sql;
};

/// A query failed on the server (constraint, syntax…). Maps to 409 for unique/foreign-key violations,
/// 503 for a statement timeout, 500 otherwise; the SQL text never reaches the client.
class QueryError : public Error {
 public:
  QueryError(ErrorCode code, std::string sqlstate, std::string message)
      : Error(code, {}), sqlstate_(std::move(sqlstate)), message_(std::move(message)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  /// The server's message, for logs only.
  const std::string& message() const noexcept { return message_; }

 private:
  std::string sqlstate_;
  std::string message_;
};

/// Parameter conversion to PostgreSQL text format. nullopt = NULL.
using Param = std::optional<std::string>;
inline Param ToParam(std::string_view v) { return std::string(v); }
inline Param ToParam(const std::string& v) { return v; }
inline Param ToParam(const char* v) { return std::string(v); }
inline Param ToParam(bool v) { return std::string(v ? "true" : "false"); }
inline Param ToParam(std::int64_t v) { return std::to_string(v); }
inline Param ToParam(int v) { return std::to_string(v); }
inline Param ToParam(double v);
inline Param ToParam(std::nullopt_t) { return std::nullopt; }
template <typename T>
Param ToParam(const std::optional<T>& v) {
  return v ? ToParam(*v) : std::nullopt;
}

class Result;

/// One row of a Result; valid while the Result lives.
class Row {
 public:
  Row(const Result* result, int row) : result_(result), row_(row) {}
  bool IsNull(int column) const;
  bool IsNull(std::string_view column) const;
  std::string_view Raw(int column) const;
  /// Typed access: std::string, std::string_view, std::int64_t, int, double, bool, std::optional<T>.
  /// Throws okada::Error(kInternal) on a NULL for a non-optional type or an unparsable value.
  template <typename T>
  T Get(int column) const;
  template <typename T>
  T Get(std::string_view column) const;

 private:
  int Column(std::string_view name) const;
  const Result* result_;
  int row_;
};

/// An owned query result (PGresult). Movable.
class Result {
 public:
  Result() = default;
  explicit Result(pg_result* res);
  ~Result();
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;

  int size() const noexcept;  ///< rows
  bool empty() const noexcept { return size() == 0; }
  int columns() const noexcept;
  int Column(std::string_view name) const;  ///< -1 if absent
  /// Rows affected by INSERT/UPDATE/DELETE.
  std::int64_t affected() const noexcept;
  Row operator[](int row) const { return Row(this, row); }
  Row front() const;  ///< throws NotFound when empty

  class Iterator {
   public:
    Iterator(const Result* r, int i) : r_(r), i_(i) {}
    Row operator*() const { return Row(r_, i_); }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    const Result* r_;
    int i_;
  };
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, size()); }

  pg_result* raw() const noexcept { return res_; }

 private:
  pg_result* res_ = nullptr;
};

struct PoolOptions {
  std::string conninfo;  ///< "postgresql://user@host:port/db" or key=value form
  std::size_t max_size = 8;
  std::chrono::milliseconds acquire_timeout{1000};
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds statement_timeout{5000};
  std::string application_name = "okada";
};

class Pool;
class Connection;

/// A transaction on one pooled connection. Use Commit() to make it durable; otherwise it is rolled back.
class Transaction {
 public:
  Transaction(Transaction&&) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  template <typename... Args>
  boost::asio::awaitable<Result> Execute(const Statement& statement, const Args&... args) {
    return ExecuteParams(statement, {ToParam(args)...});
  }
  boost::asio::awaitable<Result> ExecuteParams(const Statement& statement, std::vector<Param> params);
  boost::asio::awaitable<void> Commit();
  boost::asio::awaitable<void> Rollback();
  Deadline deadline() const noexcept { return deadline_; }

 private:
  friend class Pool;
  Transaction(Pool* pool, std::unique_ptr<Connection> conn, Deadline deadline);
  Pool* pool_;
  std::unique_ptr<Connection> conn_;
  Deadline deadline_;
  bool done_ = false;
};

/// Connection pool of one shard.
class Pool {
 public:
  Pool(boost::asio::io_context& ioc, PoolOptions options, Metrics* metrics = nullptr, int shard = 0);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  template <typename... Args>
  boost::asio::awaitable<Result> Execute(Deadline deadline, const Statement& statement, const Args&... args) {
    return ExecuteParams(deadline, statement, {ToParam(args)...});
  }
  boost::asio::awaitable<Result> ExecuteParams(Deadline deadline, const Statement& statement,
                                               std::vector<Param> params);
  /// Runs plain SQL without parameters (may hold several statements). For DDL and tooling.
  boost::asio::awaitable<void> ExecuteScript(Deadline deadline, std::string sql);
  boost::asio::awaitable<Transaction> Begin(Deadline deadline);
  /// SELECT 1 (readiness probe).
  boost::asio::awaitable<void> Ping(Deadline deadline);

  std::size_t size() const noexcept;  ///< open connections (idle + in use)
  std::size_t idle() const noexcept;
  std::size_t waiting() const noexcept;  ///< callers waiting for a connection

  struct Impl;

 private:
  friend class Transaction;
  boost::asio::awaitable<std::unique_ptr<Connection>> Acquire(Deadline deadline);
  void Release(std::unique_ptr<Connection> conn);
  std::shared_ptr<Impl> impl_;
};

/// One Pool per I/O shard (max_size split between them).
class Database {
 public:
  Database(IoPool& io, PoolOptions options, Metrics* metrics = nullptr);
  ~Database();
  Pool& Local();
  Pool& At(std::size_t shard);
  std::size_t shards() const noexcept { return pools_.size(); }

  template <typename... Args>
  boost::asio::awaitable<Result> Execute(Deadline deadline, const Statement& statement, const Args&... args) {
    return Local().ExecuteParams(deadline, statement, {ToParam(args)...});
  }
  boost::asio::awaitable<Transaction> Begin(Deadline deadline) { return Local().Begin(deadline); }

 private:
  std::vector<std::unique_ptr<Pool>> pools_;
};

/// Splits "1,2,3" style text arrays etc. are left to callers; conversions used by Row::Get live here.
namespace detail {
template <typename T>
struct Convert;
[[noreturn]] void BadValue(std::string_view column_hint, std::string_view value);
}  // namespace detail

}  // namespace okada::pg

#include "okada/core/pg/pg_inl.hpp"
