#pragma once
/// Live updates at the edge (ARCHITECTURE §5 "Real time"):
///
///   POST /v1/live/tickets        (signed in) → {"ticket","expires_in_s","url"}: a one-time ticket, live.ticket_ttl_ms
///   GET  /v1/ws?ticket=T         WebSocket. Refused before the upgrade: 403 for an Origin that is not ours, 401
///                                LIVE_TICKET_INVALID for a missing, unknown, used or expired ticket.
///   GET  /v1/live/events?channel=C[&after=ID]   Server-Sent Events fallback (bearer token; Last-Event-ID honoured):
///                                answers what the channel has after ID, waiting briefly for something new, then
///                                ends the response; EventSource reconnects by itself (`retry:`) with the last id.
///
/// WebSocket protocol (JSON text frames):
///   client → {"op":"subscribe","channel":"order:ord_…","after":"<last event id>"}   after optional
///            {"op":"unsubscribe","channel":…}   {"op":"ping"}
///   server → {"type":"subscribed","channel"}   {"type":"unsubscribed","channel"}
///            {"type":"event","channel","id","data":{…}}   (ids increase per channel; resume with the last one)
///            {"type":"error","channel","code","title"}   (e.g. CHANNEL_FORBIDDEN; the socket stays open)
///            {"type":"ping"} every live.heartbeat_ms;  {"type":"pong"} to a ping
#include <atomic>
#include <memory>
#include <vector>

#include "okada/core/host.hpp"
#include "okada/core/metrics.hpp"
#include "okada/orders/client.hpp"
#include "okada/users/client.hpp"
#include "store/live_hub.hpp"

namespace okada::gateway {

struct LiveState {
  redis::Redis* redis = nullptr;
  std::vector<std::unique_ptr<Hub>> hubs;  ///< one per shard
  std::shared_ptr<orders::Client> orders;
  std::shared_ptr<users::Client> users;
  std::vector<std::string> origins;  ///< allowed Origin values besides the server's own host
  std::chrono::milliseconds ticket_ttl{30000};
  std::chrono::milliseconds heartbeat{25000};
  std::size_t max_channels = 50;
  /// Reader loops still running (Stop waits for them).
  std::shared_ptr<std::atomic<int>> hubs_running = std::make_shared<std::atomic<int>>(0);
  Gauge* sockets = nullptr;
  Counter* delivered = nullptr;
  Counter* refused = nullptr;
};

/// Registers the ticket and SSE routes and the /v1/ws endpoint.
void AddLiveRoutes(ServiceContext& ctx, std::shared_ptr<LiveState> live);

}  // namespace okada::gateway
