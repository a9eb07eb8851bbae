#include "domain/live_access.hpp"

#include "okada/core/live/live.hpp"

namespace okada::gateway::domain {

std::optional<std::pair<std::string, std::string>> SplitChannel(std::string_view channel) {
  if (!live::ValidChannel(channel)) return std::nullopt;
  std::size_t colon = channel.find(':');
  return std::make_pair(std::string(channel.substr(0, colon)), std::string(channel.substr(colon + 1)));
}

bool MayFollow(const Viewer& v, const ChannelFacts& f) {
  if (v.id.empty()) return false;
  bool desk = v.role == "support" || v.role == "admin";
  bool merchant = v.role == "merchant_owner" || v.role == "merchant_staff";
  if (f.kind == "user") return f.id == v.id;
  if (f.kind == "rider") return desk || (v.role == "rider" && f.id == v.id);
  if (!f.exists) return false;
  if (f.kind == "store")
    return desk || (merchant && v.merchant_id && f.merchant_id && *v.merchant_id == *f.merchant_id);
  if (f.kind == "order") {
    if (desk) return true;
    if (v.role == "customer") return f.customer_id && *f.customer_id == v.id;
    if (v.role == "rider") return f.rider_id && *f.rider_id == v.id;
    if (merchant) return v.merchant_id && f.merchant_id && *v.merchant_id == *f.merchant_id;
  }
  return false;
}

}  // namespace okada::gateway::domain
