#pragma once
/// Who may follow which live channel (ARCHITECTURE §6: ownership is checked, not just roles). Pure rules; the
/// facts they need (the order's people, the caller's merchant, the store's merchant) are looked up by the caller.
///
///   order:<ord_…>   the customer who placed it, the rider carrying it, the people of its merchant, the desk
///   rider:<user>    that rider (his offers), the desk
///   store:<store>   the people of the store's merchant, the desk
///   user:<user>     that user (in-app notifications)
#include <optional>
#include <string>
#include <string_view>

namespace okada::gateway::domain {

struct Viewer {
  std::string id;
  std::string role;
  std::optional<std::string> merchant_id;  ///< for merchant_owner / merchant_staff, when they belong to one
};

struct ChannelFacts {
  std::string kind;  ///< order | rider | store | user
  std::string id;
  // order:
  std::optional<std::string> customer_id, rider_id, merchant_id;  ///< store: merchant_id
  bool exists = true;
};

/// "order:ord_1" → {"order", "ord_1"}; nullopt unless live::ValidChannel.
std::optional<std::pair<std::string, std::string>> SplitChannel(std::string_view channel);
/// Whether `v` may follow the channel described by `f`.
bool MayFollow(const Viewer& v, const ChannelFacts& f);

}  // namespace okada::gateway::domain
