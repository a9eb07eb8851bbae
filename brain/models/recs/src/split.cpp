#include "okada/brain/recs/split.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace okada::brain::recs {

Protocol ParseProtocol(std::string_view text) {
  if (text == "leave-last-out") return Protocol::kLeaveLastOut;
  if (text == "random-75-25") return Protocol::kRandom7525;
  throw std::invalid_argument("unknown protocol '" + std::string(text) + "' (leave-last-out or random-75-25)");
}

const char* ProtocolName(Protocol p) { return p == Protocol::kLeaveLastOut ? "leave-last-out" : "random-75-25"; }

Split MakeSplit(std::span<const Interaction> rows, Protocol protocol, std::uint64_t seed) {
  Split s;
  std::int64_t latest = 0;
  for (const Interaction& r : rows) latest = std::max(latest, r.time);
  std::vector<std::uint32_t> items;
  std::size_t begin = 0;
  while (begin < rows.size()) {
    std::size_t end = begin;
    while (end < rows.size() && rows[end].user == rows[begin].user) ++end;
    const std::uint32_t user = rows[begin].user;
    const std::span<const Interaction> mine = rows.subspan(begin, end - begin);
    if (protocol == Protocol::kLeaveLastOut) {
      const std::int64_t last = mine.back().time;  // rows are sorted by time within a user
      if (mine.front().time == last) {
        s.train.insert(s.train.end(), mine.begin(), mine.end());
        ++s.users_skipped;
      } else {
        items.clear();
        for (const Interaction& r : mine) {
          if (r.time < last) {
            s.train.push_back(r);
          } else {
            items.push_back(r.item);
          }
        }
        std::sort(items.begin(), items.end());
        items.erase(std::unique(items.begin(), items.end()), items.end());
        s.users.push_back(user);
        s.held_out.push_back(items);
        s.request_time.push_back(last);
      }
    } else {
      items.clear();
      for (const Interaction& r : mine) items.push_back(r.item);
      std::sort(items.begin(), items.end());
      items.erase(std::unique(items.begin(), items.end()), items.end());
      if (items.size() < 2) {
        s.train.insert(s.train.end(), mine.begin(), mine.end());
        ++s.users_skipped;
      } else {
        const std::size_t n = items.size();
        const std::size_t test = std::max<std::size_t>(1, (n + 2) / 4);  // round(n / 4), at least one
        // Each user's draw depends only on the seed and the user, so adding users never reshuffles others.
        Rng rng(seed * 0x9E3779B97F4A7C15ull + user + 1);
        for (std::size_t i = 0; i < test; ++i) std::swap(items[i], items[i + rng.Below(n - i)]);
        std::vector<std::uint32_t> held(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(test));
        std::sort(held.begin(), held.end());
        for (const Interaction& r : mine)
          if (!std::binary_search(held.begin(), held.end(), r.item)) s.train.push_back(r);
        s.users.push_back(user);
        s.held_out.push_back(std::move(held));
        s.request_time.push_back(latest + 1);
      }
    }
    begin = end;
  }
  return s;
}

Split TimeSplit(std::span<const Interaction> rows, std::int64_t cutoff, std::int64_t eval_from) {
  Split s;
  std::vector<std::uint32_t> items;
  std::size_t begin = 0;
  while (begin < rows.size()) {
    std::size_t end = begin;
    while (end < rows.size() && rows[end].user == rows[begin].user) ++end;
    items.clear();
    std::int64_t first = 0;
    for (std::size_t k = begin; k < end; ++k) {
      const Interaction& r = rows[k];
      if (r.time < cutoff) s.train.push_back(r);
      if (r.time >= eval_from) {
        if (items.empty()) first = r.time;  // rows are sorted by time within a user
        items.push_back(r.item);
      }
    }
    if (!items.empty()) {
      std::sort(items.begin(), items.end());
      items.erase(std::unique(items.begin(), items.end()), items.end());
      s.users.push_back(rows[begin].user);
      s.held_out.push_back(items);
      s.request_time.push_back(first);
    }
    begin = end;
  }
  return s;
}

}  // namespace okada::brain::recs
