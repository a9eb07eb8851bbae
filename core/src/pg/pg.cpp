// Async libpq on Asio. Pattern after Drogon's non-blocking client: PQconnectStartParams/PQconnectPoll,
// PQsendQueryPrepared, then PQconsumeInput/PQisBusy/PQgetResult on socket readiness; here as coroutines,
// each wait raced against the call's deadline.

#include "okada/core/pg/pg.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"

namespace okada::pg {

namespace asio = boost::asio;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// --- Result / Row ------------------------------------------------------------------------------------------

Result::Result(pg_result* res) : res_(res) {}
Result::~Result() {
  if (res_) PQclear(res_);
}
Result::Result(Result&& o) noexcept : res_(o.res_) { o.res_ = nullptr; }
Result& Result::operator=(Result&& o) noexcept {
  if (this != &o) {
    if (res_) PQclear(res_);
    res_ = o.res_;
    o.res_ = nullptr;
  }
  return *this;
}
int Result::size() const noexcept { return res_ ? PQntuples(res_) : 0; }
int Result::columns() const noexcept { return res_ ? PQnfields(res_) : 0; }
int Result::Column(std::string_view name) const {
  if (!res_) return -1;
  return PQfnumber(res_, std::string(name).c_str());
}
std::int64_t Result::affected() const noexcept {
  if (!res_) return 0;
  const char* n = PQcmdTuples(res_);
  return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}
Row Result::front() const {
  if (empty()) throw NotFound();
  return Row(this, 0);
}

int Row::Column(std::string_view name) const {
  int c = result_->Column(name);
  if (c < 0) detail::BadValue("column", name);
  return c;
}
bool Row::IsNull(int column) const { return PQgetisnull(result_->raw(), row_, column) != 0; }
bool Row::IsNull(std::string_view column) const { return IsNull(Column(column)); }
std::string_view Row::Raw(int column) const {
  if (column < 0 || column >= result_->columns()) detail::BadValue("column index", std::to_string(column));
  return std::string_view(PQgetvalue(result_->raw(), row_, column),
                          static_cast<std::size_t>(PQgetlength(result_->raw(), row_, column)));
}

namespace detail {
void BadValue(std::string_view what, std::string_view value) {
  throw Error(ErrorCode::kInternal, "unexpected database value (" + std::string(what) + ")");
  (void)value;
}
}  // namespace detail

// --- Connection ----------------------------------------------------------------------------------------------

class Connection {
 public:
  explicit Connection(asio::io_context& ioc) : socket(ioc) {}
  ~Connection() {
    if (socket.is_open()) socket.release();  // libpq owns the file descriptor
    if (conn) PQfinish(conn);
  }
  PGconn* conn = nullptr;
  asio::posix::stream_descriptor socket;
  std::unordered_set<std::string> prepared;
  bool broken = false;
  Deadline deadline = Deadline::max();  // of the current socket wait (see WaitReady)
  bool timed_out = false;
};

namespace {

Error Unavailable(std::string detail) {
  return std::move(Error(ErrorCode::kDatabaseUnavailable, std::move(detail)).WithRetryAfter(std::chrono::seconds(1)));
}

std::string FirstLine(const char* msg) {
  std::string s = msg ? msg : "";
  auto nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  return s;
}

// Deadlines of socket waits are enforced by one watchdog per I/O thread rather than a timer raced against every
// wait: each wait registers its connection and deadline, and the watchdog (ticking while anything waits) cancels
// the waits whose deadline passed. Precision is one tick; the cost per query is a set insert and erase.
constexpr auto kWatchdogTick = std::chrono::milliseconds(20);
thread_local std::unordered_set<Connection*> tl_waiting;
thread_local bool tl_watchdog_running = false;

asio::awaitable<void> WaitWatchdog() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!tl_waiting.empty()) {
    timer.expires_after(kWatchdogTick);
    co_await timer.async_wait(kTuple);
    auto now = Clock::now();
    for (Connection* c : tl_waiting) {
      if (!c->timed_out && now >= c->deadline) {
        c->timed_out = true;
        boost::system::error_code ignored;
        c->socket.cancel(ignored);
      }
    }
  }
  tl_watchdog_running = false;
}

// Waits until the socket is ready or the deadline passes. Returns false on timeout.
asio::awaitable<bool> WaitReady(Connection& c, asio::posix::descriptor_base::wait_type type, Deadline deadline) {
  if (Clock::now() >= deadline) co_return false;
  c.deadline = deadline;
  c.timed_out = false;
  tl_waiting.insert(&c);
  struct Unregister {
    Connection* c;
    ~Unregister() { tl_waiting.erase(c); }
  } unregister{&c};
  if (!tl_watchdog_running) {
    tl_watchdog_running = true;
    asio::co_spawn(c.socket.get_executor(), WaitWatchdog(), asio::detached);
  }
  // Any error (cancelled by the watchdog, socket closed) is answered by timed_out or by libpq's next call.
  co_await c.socket.async_wait(type, kTuple);
  co_return !c.timed_out;
}

void AttachSocket(Connection& c) {
  int fd = PQsocket(c.conn);
  if (c.socket.is_open()) {
    if (c.socket.native_handle() == fd) return;
    c.socket.release();
  }
  if (fd >= 0) c.socket.assign(fd);
}

asio::awaitable<std::unique_ptr<Connection>> Connect(asio::io_context& ioc, const PoolOptions& opts,
                                                     Deadline deadline) {
  deadline = Cap(deadline, opts.connect_timeout);
  std::string options = "-c statement_timeout=" + std::to_string(opts.statement_timeout.count());
  const char* keys[] = {"dbname", "application_name", "options", nullptr};
  const char* values[] = {opts.conninfo.c_str(), opts.application_name.c_str(), options.c_str(), nullptr};
  auto c = std::make_unique<Connection>(ioc);
  c->conn = PQconnectStartParams(keys, values, 1);
  if (!c->conn || PQstatus(c->conn) == CONNECTION_BAD) {
    std::string why = c->conn ? FirstLine(PQerrorMessage(c->conn)) : "out of memory";
    log::Warn("pg.connect_failed", {{"error", why}});
    throw Unavailable("cannot connect to the database");
  }
  PQsetnonblocking(c->conn, 1);
  PostgresPollingStatusType st = PGRES_POLLING_WRITING;
  while (st != PGRES_POLLING_OK) {
    if (st == PGRES_POLLING_FAILED) {
      log::Warn("pg.connect_failed", {{"error", FirstLine(PQerrorMessage(c->conn))}});
      throw Unavailable("cannot connect to the database");
    }
    AttachSocket(*c);
    auto type = st == PGRES_POLLING_READING ? asio::posix::descriptor_base::wait_read
                                            : asio::posix::descriptor_base::wait_write;
    if (!co_await WaitReady(*c, type, deadline)) {
      log::Warn("pg.connect_timeout");
      throw Unavailable("database connection timed out");
    }
    st = PQconnectPoll(c->conn);
  }
  AttachSocket(*c);
  co_return c;
}

// Maps a server error to the platform's error (no SQL text in the answer; the message goes to the log).
QueryError MapError(const PGresult* r) {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  std::string sqlstate = state ? state : "XX000";
  std::string message = FirstLine(PQresultErrorMessage(r));
  ErrorCode code = ErrorCode::kInternal;
  if (sqlstate == "57014")
    code = ErrorCode::kDeadlineExceeded;  // statement_timeout or cancel
  else if (sqlstate == "23505" || sqlstate == "23503" || sqlstate == "40001" || sqlstate == "40P01")
    code = ErrorCode::kConflict;
  else if (sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03")
    code = ErrorCode::kDatabaseUnavailable;
  QueryError e(code, sqlstate, message);
  if (code == ErrorCode::kDatabaseUnavailable || code == ErrorCode::kDeadlineExceeded)
    e.WithRetryAfter(std::chrono::seconds(1));
  return e;
}

// Sends buffered output, waiting for writability as needed.
asio::awaitable<void> Flush(Connection& c, Deadline deadline) {
  for (;;) {
    int rc = PQflush(c.conn);
    if (rc == 0) co_return;
    if (rc < 0) {
      c.broken = true;
      throw Unavailable("lost the database connection");
    }
    if (!co_await WaitReady(c, asio::posix::descriptor_base::wait_write, deadline)) {
      c.broken = true;
      throw Error(ErrorCode::kDeadlineExceeded, "the database did not answer in time");
    }
  }
}

// Reads every result of the command just sent; returns the last one (or the first error, thrown).
asio::awaitable<Result> ReadResults(Connection& c, Deadline deadline) {
  Result last;
  std::optional<QueryError> error;
  for (;;) {
    if (!PQconsumeInput(c.conn)) {
      c.broken = true;
      log::Warn("pg.connection_lost", {{"error", FirstLine(PQerrorMessage(c.conn))}});
      throw Unavailable("lost the database connection");
    }
    while (!PQisBusy(c.conn)) {
      PGresult* r = PQgetResult(c.conn);
      if (!r) {
        if (error) throw *error;
        co_return last;
      }
      ExecStatusType st = PQresultStatus(r);
      if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR) {
        if (!error) error = MapError(r);
        PQclear(r);
      } else {
        last = Result(r);
      }
    }
    if (PQstatus(c.conn) == CONNECTION_BAD) {
      c.broken = true;
      throw Unavailable("lost the database connection");
    }
    if (!co_await WaitReady(c, asio::posix::descriptor_base::wait_read, deadline)) {
      // The deadline passed with the query still running. libpq's PQcancel blocks (it waits for the server),
      // so the connection is dropped instead; the server-side statement_timeout bounds the orphaned query.
      c.broken = true;
      throw Error(ErrorCode::kDeadlineExceeded, "the database did not answer in time");
    }
  }
}

asio::awaitable<Result> RunSimple(Connection& c, const std::string& sql, Deadline deadline) {
  if (!PQsendQuery(c.conn, sql.c_str())) {
    c.broken = true;
    throw Unavailable("lost the database connection");
  }
  co_await Flush(c, deadline);
  co_return co_await ReadResults(c, deadline);
}

asio::awaitable<Result> RunPrepared(Connection& c, const Statement& stmt, const std::vector<Param>& params,
                                    Deadline deadline) {
  if (Clock::now() >= deadline) throw Error(ErrorCode::kDeadlineExceeded, "no time left for the database call");
  if (!c.prepared.contains(stmt.name)) {
    if (!PQsendPrepare(c.conn, stmt.name.c_str(), stmt.sql.c_str(), 0, nullptr)) {
      c.broken = true;
      throw Unavailable("lost the database connection");
    }
    co_await Flush(c, deadline);
    co_await ReadResults(c, deadline);
    c.prepared.insert(stmt.name);
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  if (!PQsendQueryPrepared(c.conn, stmt.name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr,
                           0)) {
    c.broken = true;
    throw Unavailable("lost the database connection");
  }
  co_await Flush(c, deadline);
  co_return co_await ReadResults(c, deadline);
}

// An idle connection is usable if the server has not closed it meanwhile (restart, idle kill).
// An idle connection has nothing to say: anything readable (a FATAL "terminating connection" message, or
// end-of-file) means the server is gone or going.
bool Healthy(Connection& c) {
  if (c.broken || PQstatus(c.conn) != CONNECTION_OK || PQtransactionStatus(c.conn) != PQTRANS_IDLE) return false;
  pollfd p{PQsocket(c.conn), POLLIN, 0};
  int rc = ::poll(&p, 1, 0);
  return rc == 0;
}

}  // namespace

// --- Pool ----------------------------------------------------------------------------------------------------

struct Pool::Impl : std::enable_shared_from_this<Pool::Impl> {
  struct Waiter {
    explicit Waiter(asio::io_context& ioc) : timer(ioc) {}
    asio::steady_timer timer;
    bool woken = false;
  };

  asio::io_context& ioc;
  PoolOptions opts;
  Metrics* metrics;
  int shard;
  std::vector<std::unique_ptr<Connection>> idle;
  std::deque<Waiter*> waiters;
  std::size_t total = 0;  // idle + in use + connecting
  std::atomic<std::size_t> total_gauge{0}, idle_gauge{0}, waiting_gauge{0};
  std::unordered_map<std::string, Histogram*> latency;
  Counter* busy_errors = nullptr;
  Counter* unavailable_errors = nullptr;
  Counter* reconnects = nullptr;

  Impl(asio::io_context& c, PoolOptions o, Metrics* m, int s) : ioc(c), opts(std::move(o)), metrics(m), shard(s) {
    if (metrics) {
      Labels l{{"shard", std::to_string(shard)}};
      busy_errors =
          &metrics->GetCounter("okada_pg_pool_exhausted_total", "Callers that gave up waiting for a connection", l);
      unavailable_errors =
          &metrics->GetCounter("okada_pg_unavailable_total", "Calls failed because the database was unreachable", l);
      reconnects = &metrics->GetCounter("okada_pg_connections_opened_total", "Connections opened", l);
    }
  }

  void Sync() {
    total_gauge = total;
    idle_gauge = idle.size();
    waiting_gauge = waiters.size();
  }

  Histogram* LatencyFor(const std::string& name) {
    if (!metrics) return nullptr;
    auto it = latency.find(name);
    if (it != latency.end()) return it->second;
    Histogram* h = &metrics->GetHistogram("okada_pg_query_duration_seconds", "Database call latency by statement",
                                          {{"statement", name}});
    latency.emplace(name, h);
    return h;
  }

  void WakeOne() {
    if (waiters.empty()) return;
    Waiter* w = waiters.front();
    waiters.pop_front();
    w->woken = true;
    w->timer.cancel();
  }

  void Return(std::unique_ptr<Connection> c) {
    if (!c->broken && PQstatus(c->conn) == CONNECTION_OK && PQtransactionStatus(c->conn) == PQTRANS_IDLE) {
      idle.push_back(std::move(c));
    } else if (!c->broken && PQstatus(c->conn) == CONNECTION_OK &&
               (PQtransactionStatus(c->conn) == PQTRANS_INTRANS || PQtransactionStatus(c->conn) == PQTRANS_INERROR)) {
      // An abandoned transaction: roll it back before the connection serves anyone else.
      asio::co_spawn(ioc, RollbackAndReturn(shared_from_this(), std::move(c)), asio::detached);
      return;
    } else {
      --total;
    }
    WakeOne();
    Sync();
  }

  static asio::awaitable<void> RollbackAndReturn(std::shared_ptr<Impl> self, std::unique_ptr<Connection> c) {
    try {
      co_await RunSimple(*c, "ROLLBACK", Clock::now() + std::chrono::seconds(5));
    } catch (const std::exception&) {
      c->broken = true;
    }
    self->Return(std::move(c));
  }
};

Pool::Pool(asio::io_context& ioc, PoolOptions options, Metrics* metrics, int shard)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), metrics, shard)) {
  if (metrics) {
    Labels l{{"shard", std::to_string(shard)}};
    auto* impl = impl_.get();
    metrics->AddCallbackGauge("okada_pg_pool_connections", "Open connections", l,
                              [impl] { return static_cast<double>(impl->total_gauge.load()); });
    metrics->AddCallbackGauge("okada_pg_pool_idle", "Idle connections", l,
                              [impl] { return static_cast<double>(impl->idle_gauge.load()); });
    metrics->AddCallbackGauge("okada_pg_pool_waiting", "Callers waiting for a connection", l,
                              [impl] { return static_cast<double>(impl->waiting_gauge.load()); });
  }
}

Pool::~Pool() = default;

std::size_t Pool::size() const noexcept { return impl_->total_gauge.load(); }
std::size_t Pool::idle() const noexcept { return impl_->idle_gauge.load(); }
std::size_t Pool::waiting() const noexcept { return impl_->waiting_gauge.load(); }

asio::awaitable<std::unique_ptr<Connection>> Pool::Acquire(Deadline deadline) {
  Impl& p = *impl_;
  Deadline give_up = Cap(deadline, p.opts.acquire_timeout);
  for (;;) {
    while (!p.idle.empty()) {
      std::unique_ptr<Connection> c = std::move(p.idle.back());
      p.idle.pop_back();
      if (Healthy(*c)) {
        p.Sync();
        co_return c;
      }
      --p.total;  // dropped: the server went away (restart) or the connection is unusable
    }
    if (p.total < p.opts.max_size) {
      ++p.total;
      p.Sync();
      try {
        auto c = co_await Connect(p.ioc, p.opts, deadline);
        if (p.reconnects) p.reconnects->Add();
        co_return c;
      } catch (const Error& e) {
        --p.total;
        p.Sync();
        p.WakeOne();  // let a waiter try its own connection
        if (p.unavailable_errors) p.unavailable_errors->Add();
        throw;
      }
    }
    if (Clock::now() >= give_up) break;
    Impl::Waiter w(p.ioc);
    w.timer.expires_at(give_up);
    p.waiters.push_back(&w);
    p.Sync();
    co_await w.timer.async_wait(kTuple);
    if (!w.woken) {
      std::erase(p.waiters, &w);
      p.Sync();
      break;
    }
  }
  if (p.busy_errors) p.busy_errors->Add();
  throw std::move(Error(ErrorCode::kDatabasePoolExhausted, "all database connections are busy")
                      .WithRetryAfter(std::chrono::seconds(1)));
}

void Pool::Release(std::unique_ptr<Connection> conn) { impl_->Return(std::move(conn)); }

asio::awaitable<Result> Pool::ExecuteParams(Deadline deadline, const Statement& statement, std::vector<Param> params) {
  auto start = Clock::now();
  auto conn = co_await Acquire(deadline);
  Result r;
  try {
    r = co_await RunPrepared(*conn, statement, params, deadline);
  } catch (const std::exception&) {
    Release(std::move(conn));
    throw;
  }
  Release(std::move(conn));
  if (Histogram* h = impl_->LatencyFor(statement.name))
    h->Observe(std::chrono::duration<double>(Clock::now() - start).count());
  co_return r;
}

asio::awaitable<void> Pool::ExecuteScript(Deadline deadline, std::string sql) {
  auto conn = co_await Acquire(deadline);
  try {
    co_await RunSimple(*conn, sql, deadline);
  } catch (const std::exception&) {
    Release(std::move(conn));
    throw;
  }
  Release(std::move(conn));
}

asio::awaitable<void> Pool::Ping(Deadline deadline) {
  static const Statement kPing{"core.ping", "SELECT 1"};
  co_await ExecuteParams(deadline, kPing, {});
}

asio::awaitable<Transaction> Pool::Begin(Deadline deadline) {
  auto conn = co_await Acquire(deadline);
  try {
    co_await RunSimple(*conn, "BEGIN", deadline);
  } catch (const std::exception&) {
    Release(std::move(conn));
    throw;
  }
  co_return Transaction(this, std::move(conn), deadline);
}

// --- Transaction ---------------------------------------------------------------------------------------------

Transaction::Transaction(Pool* pool, std::unique_ptr<Connection> conn, Deadline deadline)
    : pool_(pool), conn_(std::move(conn)), deadline_(deadline) {}

Transaction::Transaction(Transaction&& o) noexcept
    : pool_(o.pool_), conn_(std::move(o.conn_)), deadline_(o.deadline_), done_(o.done_) {}

Transaction::~Transaction() {
  // Not committed: Release() sees the open transaction and rolls it back before reuse.
  if (conn_) pool_->Release(std::move(conn_));
}

asio::awaitable<Result> Transaction::ExecuteParams(const Statement& statement, std::vector<Param> params) {
  if (!conn_ || done_) throw Error(ErrorCode::kInternal, "transaction already finished");
  co_return co_await RunPrepared(*conn_, statement, params, deadline_);
}

asio::awaitable<void> Transaction::Commit() {
  if (!conn_ || done_) throw Error(ErrorCode::kInternal, "transaction already finished");
  done_ = true;
  // Commit ignores the request deadline's tail: giving up mid-COMMIT would leave the outcome unknown.
  co_await RunSimple(*conn_, "COMMIT", std::max(deadline_, Clock::now() + std::chrono::seconds(5)));
  pool_->Release(std::move(conn_));
}

asio::awaitable<void> Transaction::Rollback() {
  if (!conn_ || done_) co_return;
  done_ = true;
  try {
    co_await RunSimple(*conn_, "ROLLBACK", Clock::now() + std::chrono::seconds(5));
  } catch (const std::exception&) {
    conn_->broken = true;
  }
  pool_->Release(std::move(conn_));
}

// --- Database ------------------------------------------------------------------------------------------------

Database::Database(IoPool& io, PoolOptions options, Metrics* metrics) {
  std::size_t n = io.size();
  PoolOptions per = options;
  per.max_size = std::max<std::size_t>(1, (options.max_size + n - 1) / n);
  for (std::size_t i = 0; i < n; ++i)
    pools_.push_back(std::make_unique<Pool>(io.context(i), per, metrics, static_cast<int>(i)));
}
Database::~Database() = default;

Pool& Database::Local() {
  int s = IoPool::CurrentShard();
  return *pools_[s < 0 ? 0 : static_cast<std::size_t>(s) % pools_.size()];
}
Pool& Database::At(std::size_t shard) { return *pools_.at(shard); }

}  // namespace okada::pg
