#include "okada/brain/sim/market.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <stdexcept>
#include <unordered_set>

#include "okada/brain/sim/random.hpp"
#include "text.hpp"

namespace okada::brain::sim {
namespace {

constexpr double kMetresPerDegree = 111195.0;
constexpr std::array<const char*, kStoreTypeCount> kTypeLabelFr = {
    "Restaurant", "Fast-food", "Bar", "Supermarché", "Alimentation", "Marché", "Pharmacie", "Boulangerie"};

// Random streams: one per purpose and city, so a city's market does not depend on which other cities run.
enum Stream : std::uint64_t { kWorldStream = 100, kWeatherStream = 200, kOrderStream = 300, kPromotionStream = 400 };

struct Near {
  int merchant = 0;
  double road_m = 0;
};

// What the simulation needs besides the Market itself.
struct CityState {
  int city = 0;
  std::vector<int> merchant_ids, customer_ids, rider_ids;
  std::array<std::vector<int>, kStoreTypeCount> by_type;
  // Per merchant (index into merchant_ids order → global id via merchants), per income band: cumulative offer
  // weights over merchant.offers.
  std::vector<std::array<std::vector<double>, kIncomeBands>> offer_cum;  // indexed by global merchant id
  std::vector<std::array<std::vector<Near>, kStoreTypeCount>> near;      // indexed by local customer index
  std::array<std::vector<double>, 24> customer_cum;                      // per hour, over customer_ids
  std::array<std::vector<int>, 24> riders_on_shift;                      // per hour, local rider indices
  std::map<std::pair<std::int64_t, int>, std::vector<int>> promotions;   // (day, merchant) → active promotions
};

constexpr int kPromotionDaysAhead = 42;  // the schedule reaches past the simulated days (calendar.csv's 6 weeks)

double Clamp(double v, double lo, double hi) { return std::max(lo, std::min(hi, v)); }

int RoundTo(double v, int step) {
  const int r = static_cast<int>(std::llround(v / step)) * step;
  return std::max(step, r);
}

int NearestPlace(const std::vector<Place>& places, double lat, double lon) {
  int best = 0;
  double best_d = 1e300;
  const double k = std::cos(lat * 3.14159265358979323846 / 180.0);
  for (std::size_t i = 0; i < places.size(); ++i) {
    const double dy = places[i].lat - lat, dx = (places[i].lon - lon) * k;
    const double d = dy * dy + dx * dx;
    if (d < best_d) {
      best_d = d;
      best = static_cast<int>(i);
    }
  }
  return best;
}

void Jitter(Rng& rng, double sigma_m, const CityParams& cp, double& lat, double& lon) {
  lat += rng.Normal() * sigma_m / kMetresPerDegree;
  lon += rng.Normal() * sigma_m / (kMetresPerDegree * std::cos(lat * 3.14159265358979323846 / 180.0));
  lat = Clamp(lat, cp.lat_min, cp.lat_max);
  lon = Clamp(lon, cp.lon_min, cp.lon_max);
}

std::string Id(std::string_view prefix, const char* kind, int width, int n) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*s-%s%0*d", static_cast<int>(prefix.size()), prefix.data(), kind, width, n);
  return buf;
}

class Simulator {
 public:
  Simulator(const MarketParams& p, const SimOptions& o, Market& m) : p_(p), o_(o), m_(m) {}

  void BuildCity(int city, const std::vector<Poi>& pois, CityState& s) {
    const CityParams& cp = p_.city[static_cast<std::size_t>(city)];
    const std::string_view prefix = kCityPrefixes[static_cast<std::size_t>(city)];
    Rng rng(o_.seed, kWorldStream + static_cast<std::uint64_t>(city));
    s.city = city;

    // Neighbourhoods and candidate stores.
    auto& places = m_.places[static_cast<std::size_t>(city)];
    std::vector<const Poi*> stores;
    for (const Poi& poi : pois) {
      if (!cp.Inside(poi.lat, poi.lon)) continue;
      if (IsNeighbourhood(poi.tag, poi.value) && !poi.name.empty())
        places.push_back({poi.osm_node_id, poi.name, poi.lat, poi.lon});
      else if (StoreTypeOfPoi(poi.tag, poi.value) >= 0)
        stores.push_back(&poi);
    }
    const std::string city_name(kCityNames[static_cast<std::size_t>(city)]);
    if (places.empty()) throw std::runtime_error(city_name + ": no neighbourhood (place node) inside the bounding box");
    if (stores.empty()) throw std::runtime_error(city_name + ": no store point of interest inside the bounding box");
    // Homes: a neighbourhood weighs 1 + the store points around it (all of them, before the subset below).
    std::vector<double> home_cum;
    for (const Place& pl : places) {
      double w = 1;
      for (const Poi* st : stores) w += HaversineMetres(pl.lat, pl.lon, st->lat, st->lon) <= p_.home_store_radius_m;
      home_cum.push_back((home_cum.empty() ? 0 : home_cum.back()) + w);
    }
    if (static_cast<int>(stores.size()) > cp.merchants) {  // a random subset, kept in file order
      std::vector<int> idx(stores.size());
      std::iota(idx.begin(), idx.end(), 0);
      for (int i = 0; i < cp.merchants; ++i)
        std::swap(idx[static_cast<std::size_t>(i)],
                  idx[static_cast<std::size_t>(rng.Int(i, static_cast<int>(idx.size()) - 1))]);
      idx.resize(static_cast<std::size_t>(cp.merchants));
      std::sort(idx.begin(), idx.end());
      std::vector<const Poi*> kept;
      for (int i : idx) kept.push_back(stores[static_cast<std::size_t>(i)]);
      stores.swap(kept);
    }

    // Merchants and their offers.
    for (const Poi* poi : stores) {
      Merchant mer;
      mer.city = city;
      mer.type = StoreTypeOfPoi(poi->tag, poi->value);
      mer.osm_node_id = poi->osm_node_id;
      mer.lat = poi->lat;
      mer.lon = poi->lon;
      mer.place = NearestPlace(places, mer.lat, mer.lon);
      mer.name = !poi->name.empty() ? poi->name
                                    : std::string(kTypeLabelFr[static_cast<std::size_t>(mer.type)]) + " " +
                                          places[static_cast<std::size_t>(mer.place)].name;
      mer.price_level = rng.LogNormal(p_.store_price_sigma);
      const int global = static_cast<int>(m_.merchants.size());
      mer.id = Id(prefix, "m", 4, static_cast<int>(s.merchant_ids.size()) + 1);
      int best = -1;
      for (std::size_t pi = 0; pi < m_.products.size(); ++pi) {
        const Product& prod = m_.products[pi];
        if (!prod.store_types[static_cast<std::size_t>(mer.type)]) continue;
        if (best < 0 || prod.popularity > m_.products[static_cast<std::size_t>(best)].popularity)
          best = static_cast<int>(pi);
        const bool stocked = rng.Bernoulli(p_.stock_probability[static_cast<std::size_t>(mer.type)]);
        const double noise = rng.LogNormal(p_.offer_price_sigma);
        if (stocked) AddOffer(mer, global, static_cast<int>(pi), noise);
      }
      if (mer.offers.empty() && best >= 0) AddOffer(mer, global, best, 1.0);
      if (mer.offers.empty()) continue;  // the catalogue has nothing for this store type
      s.merchant_ids.push_back(global);
      s.by_type[static_cast<std::size_t>(mer.type)].push_back(global);
      m_.merchants.push_back(std::move(mer));
    }
    s.offer_cum.resize(m_.merchants.size());
    for (int g : s.merchant_ids) {
      const Merchant& mer = m_.merchants[static_cast<std::size_t>(g)];
      for (int band = 0; band < kIncomeBands; ++band) {
        auto& cum = s.offer_cum[static_cast<std::size_t>(g)][static_cast<std::size_t>(band)];
        double total = 0;
        for (int oi : mer.offers) {
          const Offer& off = m_.offers[static_cast<std::size_t>(oi)];
          const Product& prod = m_.products[static_cast<std::size_t>(off.product)];
          total += prod.popularity * std::pow(static_cast<double>(off.price_xaf) / prod.price_xaf,
                                              -p_.income_price_sensitivity[static_cast<std::size_t>(band)]);
          cum.push_back(total);
        }
      }
    }

    // Customers.
    std::vector<std::string> folded_places;
    for (const Place& pl : places) folded_places.push_back(Fold(pl.name));
    for (int i = 0; i < cp.customers; ++i) {
      Customer c;
      c.city = city;
      c.id = Id(prefix, "c", 5, i + 1);
      const Place& home = places[static_cast<std::size_t>(rng.PickCumulative(home_cum))];
      c.lat = home.lat;
      c.lon = home.lon;
      Jitter(rng, p_.home_jitter_m, cp, c.lat, c.lon);
      c.place = NearestPlace(places, c.lat, c.lon);
      c.income = rng.Pick(cp.income_share);
      double english = cp.english_share;
      for (const auto& [name, share] : p_.english_neighbourhoods)
        if (folded_places[static_cast<std::size_t>(c.place)].find(Fold(name)) != std::string::npos) english = share;
      c.english = rng.Bernoulli(english);
      c.muslim = rng.Bernoulli(cp.muslim_share);
      c.rate = rng.LogNormal(p_.customer_rate_sigma) * p_.income_rate[static_cast<std::size_t>(c.income)];
      c.preferred_hour = rng.Pick(p_.hour_demand);
      c.payment = rng.Pick(p_.payment_share);
      for (int t = 0; t < kStoreTypeCount; ++t)
        c.type_weight[static_cast<std::size_t>(t)] =
            p_.store_type_share[static_cast<std::size_t>(t)] * rng.LogNormal(p_.taste_sigma);
      // Nearby stores of each type, and favourites among them.
      std::array<std::vector<Near>, kStoreTypeCount> near;
      for (int t = 0; t < kStoreTypeCount; ++t) {
        auto& list = near[static_cast<std::size_t>(t)];
        for (int g : s.by_type[static_cast<std::size_t>(t)]) {
          const Merchant& mer = m_.merchants[static_cast<std::size_t>(g)];
          list.push_back({g, HaversineMetres(c.lat, c.lon, mer.lat, mer.lon) * p_.circuity});
        }
        const std::size_t k = std::min(list.size(), static_cast<std::size_t>(p_.store_choice_candidates));
        std::partial_sort(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(k), list.end(),
                          [](const Near& a, const Near& b) {
                            return a.road_m < b.road_m || (a.road_m == b.road_m && a.merchant < b.merchant);
                          });
        list.resize(k);
        const double max_m = p_.max_delivery_km * 1000;
        while (list.size() > 1 && list.back().road_m > max_m) list.pop_back();
        if (list.empty()) continue;
        const int n_fav =
            std::min(rng.Int(p_.favourite_stores_min, p_.favourite_stores_max), static_cast<int>(list.size()));
        std::vector<double> w = StoreWeights(list, c.income);
        for (int f = 0; f < n_fav; ++f) {
          const int pick = rng.Pick(w);
          if (pick < 0) break;
          w[static_cast<std::size_t>(pick)] = 0;
          const int g = list[static_cast<std::size_t>(pick)].merchant;
          c.favourite_stores.push_back(g);
          const Merchant& mer = m_.merchants[static_cast<std::size_t>(g)];
          const auto& cum = s.offer_cum[static_cast<std::size_t>(g)][static_cast<std::size_t>(c.income)];
          const int n_prod = std::min(rng.Int(p_.favourite_products_min, p_.favourite_products_max),
                                      static_cast<int>(mer.offers.size()));
          std::vector<int> fav;
          for (int tries = 0; static_cast<int>(fav.size()) < n_prod && tries < 20 * n_prod + 20; ++tries) {
            const int oi = mer.offers[static_cast<std::size_t>(rng.PickCumulative(cum))];
            if (std::find(fav.begin(), fav.end(), oi) == fav.end()) fav.push_back(oi);
          }
          c.favourite_offers.push_back(std::move(fav));
        }
      }
      s.customer_ids.push_back(static_cast<int>(m_.customers.size()));
      s.near.push_back(std::move(near));
      m_.customers.push_back(std::move(c));
    }
    for (int h = 0; h < 24; ++h) {
      auto& cum = s.customer_cum[static_cast<std::size_t>(h)];
      double total = 0;
      for (int g : s.customer_ids) {
        const Customer& c = m_.customers[static_cast<std::size_t>(g)];
        int dh = std::abs(h - c.preferred_hour);
        dh = std::min(dh, 24 - dh);
        const double kernel = std::exp(-0.5 * dh * dh / (p_.habit_hour_width * p_.habit_hour_width));
        total += c.rate * (1 + p_.habit_hour_boost * kernel);
        cum.push_back(total);
      }
    }

    // Riders.
    for (int i = 0; i < cp.riders; ++i) {
      Rider r;
      r.city = city;
      r.id = Id(prefix, "r", 3, i + 1);
      const int home = rng.PickCumulative(home_cum);
      r.lat = places[static_cast<std::size_t>(home)].lat;
      r.lon = places[static_cast<std::size_t>(home)].lon;
      Jitter(rng, p_.home_jitter_m, cp, r.lat, r.lon);
      r.place = NearestPlace(places, r.lat, r.lon);
      r.base_speed_kmh =
          Clamp(rng.Normal(p_.rider_speed_mean, p_.rider_speed_sd), p_.rider_speed_range.min, p_.rider_speed_range.max);
      r.shift = p_.rider_shifts[static_cast<std::size_t>(rng.Int(0, static_cast<int>(p_.rider_shifts.size()) - 1))];
      for (int h = 0; h < 24; ++h)
        if (r.shift.Contains(h)) s.riders_on_shift[static_cast<std::size_t>(h)].push_back(i);
      s.rider_ids.push_back(static_cast<int>(m_.riders.size()));
      m_.riders.push_back(std::move(r));
    }
  }

  void Weather(int city) {
    const CityParams& cp = p_.city[static_cast<std::size_t>(city)];
    Rng rng(o_.seed, kWeatherStream + static_cast<std::uint64_t>(city));
    auto& rain = m_.rain[static_cast<std::size_t>(city)];
    rain.assign(static_cast<std::size_t>(o_.days) * 24, 0);
    bool wet = rng.Bernoulli(cp.rain_day_probability[static_cast<std::size_t>(DateOfDay(m_.start_day).month - 1)]);
    for (int d = 0; d < o_.days; ++d) {
      const double p = cp.rain_day_probability[static_cast<std::size_t>(DateOfDay(m_.start_day + d).month - 1)];
      const double q = wet ? p + p_.rain_persistence * (1 - p) : p * (1 - p_.rain_persistence);
      wet = d == 0 ? wet : rng.Bernoulli(q);
      if (!wet) continue;
      const int episodes = rng.Int(p_.rain_episodes_min, p_.rain_episodes_max);
      for (int e = 0; e < episodes; ++e) {
        const int start = d * 24 + rng.Pick(p_.rain_hour_weight);
        const int len = rng.Int(p_.rain_episode_hours_min, p_.rain_episode_hours_max);
        for (int h = start; h < start + len && h < static_cast<int>(rain.size()); ++h)
          rain[static_cast<std::size_t>(h)] = 1;
      }
    }
  }

  // Each store's promotion schedule, week by week from the first simulated day to 6 weeks past the last.
  void Promotions(CityState& s) {
    Rng rng(o_.seed, kPromotionStream + static_cast<std::uint64_t>(s.city));
    const std::int64_t end = m_.start_day + o_.days + kPromotionDaysAhead;
    for (int g : s.merchant_ids) {
      const Merchant& mer = m_.merchants[static_cast<std::size_t>(g)];
      for (std::int64_t week = m_.start_day; week < end; week += 7) {
        const int n = p_.promotions_per_week > 0 ? rng.Poisson(p_.promotions_per_week) : 0;
        for (int k = 0; k < n; ++k) {
          Promotion pr;
          pr.offer = mer.offers[static_cast<std::size_t>(rng.Int(0, static_cast<int>(mer.offers.size()) - 1))];
          pr.first_day = week + rng.Int(0, 6);
          pr.last_day = pr.first_day + rng.Int(p_.promotion_days_min, p_.promotion_days_max) - 1;
          pr.discount = std::round(rng.Uniform(p_.promotion_discount_min, p_.promotion_discount_max) * 100) / 100;
          const int index = static_cast<int>(m_.promotions.size());
          for (std::int64_t day = pr.first_day; day <= pr.last_day; ++day) s.promotions[{day, g}].push_back(index);
          m_.promotions.push_back(pr);
        }
      }
    }
  }

  // The offer's price on `day`: discounted while it is on promotion at its store (the largest discount when two
  // promotions of it overlap).
  int PriceOn(const CityState& s, int offer, std::int64_t day) const {
    const Offer& off = m_.offers[static_cast<std::size_t>(offer)];
    const auto active = s.promotions.find({day, off.merchant});
    double discount = 0;
    if (active != s.promotions.end())
      for (int i : active->second) {
        const Promotion& pr = m_.promotions[static_cast<std::size_t>(i)];
        if (pr.offer == offer) discount = std::max(discount, pr.discount);
      }
    return discount > 0 ? RoundTo(off.price_xaf * (1 - discount), 25) : off.price_xaf;
  }

  void Orders(CityState& s) {
    const int city = s.city;
    const CityParams& cp = p_.city[static_cast<std::size_t>(city)];
    const std::string_view prefix = kCityPrefixes[static_cast<std::size_t>(city)];
    Rng rng(o_.seed, kOrderStream + static_cast<std::uint64_t>(city));
    const auto& rain = m_.rain[static_cast<std::size_t>(city)];
    double hour_total = 0;
    for (double v : p_.hour_demand) hour_total += v;
    std::array<bool, kStoreTypeCount> has_type{};
    for (int t = 0; t < kStoreTypeCount; ++t)
      has_type[static_cast<std::size_t>(t)] = !s.by_type[static_cast<std::size_t>(t)].empty();

    std::vector<std::int64_t> free_at(s.rider_ids.size(), 0);
    std::vector<double> rider_lat, rider_lon;
    for (int g : s.rider_ids) {
      rider_lat.push_back(m_.riders[static_cast<std::size_t>(g)].lat);
      rider_lon.push_back(m_.riders[static_cast<std::size_t>(g)].lon);
    }
    std::vector<int> all_riders(s.rider_ids.size());
    std::iota(all_riders.begin(), all_riders.end(), 0);
    std::unordered_set<std::uint64_t> bought;
    int order_no = 0;
    std::vector<int> seconds;
    std::array<double, kStoreTypeCount> type_w{};

    for (int d = 0; d < o_.days; ++d) {
      const std::int64_t day = m_.start_day + d;
      const DayInfo info = DescribeDay(p_, day);
      for (int h = 0; h < 24; ++h) {
        const bool raining = rain[static_cast<std::size_t>(d * 24 + h)] != 0;
        const double lambda = cp.orders_per_day * p_.hour_demand[static_cast<std::size_t>(h)] / hour_total *
                              info.demand * (raining ? p_.rain_demand : 1.0);
        const int n = rng.Poisson(lambda);
        seconds.clear();
        for (int i = 0; i < n; ++i) seconds.push_back(rng.Int(0, 3599));
        std::sort(seconds.begin(), seconds.end());
        for (int sec : seconds) {
          const std::int64_t placed = day * 86400 + h * 3600 + sec;
          const int local = rng.PickCumulative(s.customer_cum[static_cast<std::size_t>(h)]);
          const int cg = s.customer_ids[static_cast<std::size_t>(local)];
          const Customer& c = m_.customers[static_cast<std::size_t>(cg)];
          for (int t = 0; t < kStoreTypeCount; ++t)
            type_w[static_cast<std::size_t>(t)] =
                has_type[static_cast<std::size_t>(t)] && p_.store_hours[static_cast<std::size_t>(t)].Contains(h)
                    ? c.type_weight[static_cast<std::size_t>(t)]
                    : 0.0;
          const int type = rng.Pick(type_w);
          if (type < 0) {
            ++m_.closed_skipped[static_cast<std::size_t>(city)];
            continue;
          }
          if (info.ramadan && c.muslim && (type == kRestaurant || type == kFastFood) &&
              p_.ramadan_daytime.Contains(h) && !rng.Bernoulli(p_.ramadan_daytime_meal_demand)) {
            ++m_.ramadan_skipped[static_cast<std::size_t>(city)];
            continue;
          }
          // The store: a favourite of this type, or a nearby one.
          int merchant = -1, fav_index = -1;
          std::vector<int> favs;
          for (std::size_t f = 0; f < c.favourite_stores.size(); ++f)
            if (m_.merchants[static_cast<std::size_t>(c.favourite_stores[f])].type == type)
              favs.push_back(static_cast<int>(f));
          if (!favs.empty() && rng.Bernoulli(p_.favourite_store_probability)) {
            fav_index = favs[static_cast<std::size_t>(rng.Int(0, static_cast<int>(favs.size()) - 1))];
            merchant = c.favourite_stores[static_cast<std::size_t>(fav_index)];
          } else {
            const auto& list = s.near[static_cast<std::size_t>(local)][static_cast<std::size_t>(type)];
            merchant = list[static_cast<std::size_t>(rng.Pick(StoreWeights(list, c.income)))].merchant;
            for (int f : favs)
              if (c.favourite_stores[static_cast<std::size_t>(f)] == merchant) fav_index = f;
          }
          const Merchant& mer = m_.merchants[static_cast<std::size_t>(merchant)];

          Order o;
          o.city = city;
          o.id = Id(prefix, "o", 6, ++order_no);
          o.customer = cg;
          o.merchant = merchant;
          o.placed_at = placed;
          o.rain = raining;
          o.first_line = m_.lines.size();
          // Lines.
          const double lines_draw = (rng.Pick(p_.basket_lines) + 1) * p_.basket_scale[static_cast<std::size_t>(type)] *
                                    p_.income_basket[static_cast<std::size_t>(c.income)];
          const int n_lines =
              std::max(1, std::min(static_cast<int>(std::lround(lines_draw)), static_cast<int>(mer.offers.size())));
          const auto& cum = s.offer_cum[static_cast<std::size_t>(merchant)][static_cast<std::size_t>(c.income)];
          const std::vector<int>* fav_offers =
              fav_index >= 0 ? &c.favourite_offers[static_cast<std::size_t>(fav_index)] : nullptr;
          const auto promoted = s.promotions.find({day, merchant});
          const std::vector<int>* on_promotion = promoted == s.promotions.end() ? nullptr : &promoted->second;
          for (int li = 0; li < n_lines; ++li) {
            int offer = -1;
            for (int tries = 0; tries < 12 && offer < 0; ++tries) {
              int candidate;
              if (on_promotion && tries == 0 && rng.Bernoulli(p_.promotion_pull))
                candidate = m_.promotions[static_cast<std::size_t>((*on_promotion)[static_cast<std::size_t>(
                                              rng.Int(0, static_cast<int>(on_promotion->size()) - 1))])]
                                .offer;
              else if (fav_offers && !fav_offers->empty() && tries < 4 &&
                       rng.Bernoulli(p_.favourite_product_probability))
                candidate =
                    (*fav_offers)[static_cast<std::size_t>(rng.Int(0, static_cast<int>(fav_offers->size()) - 1))];
              else
                candidate = mer.offers[static_cast<std::size_t>(rng.PickCumulative(cum))];
              bool dup = false;
              for (std::size_t k = o.first_line; k < m_.lines.size(); ++k) dup |= m_.lines[k].offer == candidate;
              if (!dup) offer = candidate;
            }
            if (offer < 0) continue;
            OrderLine line;
            line.offer = offer;
            line.quantity = rng.Pick(p_.quantity_weights) + 1;
            line.unit_price_xaf = PriceOn(s, offer, day);
            line.repeat =
                !bought.insert((static_cast<std::uint64_t>(cg) << 32) | static_cast<std::uint32_t>(offer)).second;
            o.items_xaf += static_cast<std::int64_t>(line.quantity) * line.unit_price_xaf;
            m_.lines.push_back(line);
          }
          o.line_count = static_cast<int>(m_.lines.size() - o.first_line);
          o.payment = rng.Bernoulli(p_.payment_habit) ? c.payment : rng.Pick(p_.payment_share);

          // The trip.
          const double ready =
              static_cast<double>(placed) + 60 * rng.Uniform(p_.prep_minutes[static_cast<std::size_t>(type)].min,
                                                             p_.prep_minutes[static_cast<std::size_t>(type)].max);
          const std::int64_t dispatch =
              placed +
              static_cast<std::int64_t>(std::llround(rng.Uniform(p_.dispatch_delay_s.min, p_.dispatch_delay_s.max)));
          const auto& on_shift = s.riders_on_shift[static_cast<std::size_t>(h)];
          const auto& candidates = on_shift.empty() ? all_riders : on_shift;
          const double factor_now = SpeedFactor(placed, raining);
          int best = -1;
          double best_t = 0;
          const double klon = std::cos(mer.lat * 3.14159265358979323846 / 180.0);
          for (int r : candidates) {
            const double dy = (rider_lat[static_cast<std::size_t>(r)] - mer.lat) * kMetresPerDegree;
            const double dx = (rider_lon[static_cast<std::size_t>(r)] - mer.lon) * kMetresPerDegree * klon;
            const double metres = std::sqrt(dx * dx + dy * dy) * p_.circuity;
            const double v =
                m_.riders[static_cast<std::size_t>(s.rider_ids[static_cast<std::size_t>(r)])].base_speed_kmh / 3.6 *
                factor_now;
            const double t = static_cast<double>(std::max(dispatch, free_at[static_cast<std::size_t>(r)])) + metres / v;
            if (best < 0 || t < best_t) {
              best = r;
              best_t = t;
            }
          }
          const Rider& rider = m_.riders[static_cast<std::size_t>(s.rider_ids[static_cast<std::size_t>(best)])];
          o.rider = s.rider_ids[static_cast<std::size_t>(best)];
          o.assigned_at = std::max(dispatch, free_at[static_cast<std::size_t>(best)]);
          o.to_store_m = HaversineMetres(rider_lat[static_cast<std::size_t>(best)],
                                         rider_lon[static_cast<std::size_t>(best)], mer.lat, mer.lon) *
                         p_.circuity;
          const std::int64_t at_store = o.assigned_at + Leg(rng, rider, o.to_store_m, o.assigned_at, nullptr);
          o.picked_up_at = std::max(at_store, static_cast<std::int64_t>(std::ceil(ready)));
          o.distance_m = HaversineMetres(mer.lat, mer.lon, c.lat, c.lon) * p_.circuity;
          o.trip_rain = RainingAt(o.picked_up_at);
          o.delivered_at = o.picked_up_at + Leg(rng, rider, o.distance_m, o.picked_up_at, &o.speed_kmh);
          o.delivery_fee_xaf = RoundTo(p_.delivery_fee_base_xaf + p_.delivery_fee_per_km_xaf * o.distance_m / 1000, 50);
          free_at[static_cast<std::size_t>(best)] = o.delivered_at;
          rider_lat[static_cast<std::size_t>(best)] = c.lat;
          rider_lon[static_cast<std::size_t>(best)] = c.lon;
          m_.orders.push_back(std::move(o));
        }
      }
      ++done_;
      if (o_.progress) o_.progress(done_, total_);
    }
  }

  void Run(const std::array<std::vector<Poi>, kCityCount>& pois) {
    total_ = o_.days * static_cast<int>(o_.cities.size());
    for (int city : o_.cities) {
      rain_city_ = city;
      CityState s;
      BuildCity(city, pois[static_cast<std::size_t>(city)], s);
      Weather(city);
      Promotions(s);
      Orders(s);
    }
  }

 private:
  void AddOffer(Merchant& mer, int global, int product, double noise) {
    Offer off;
    off.merchant = global;
    off.product = product;
    off.id = mer.id + "-" + m_.products[static_cast<std::size_t>(product)].sku;
    off.price_xaf = RoundTo(m_.products[static_cast<std::size_t>(product)].price_xaf * mer.price_level * noise, 25);
    mer.offers.push_back(static_cast<int>(m_.offers.size()));
    m_.offers.push_back(std::move(off));
  }

  std::vector<double> StoreWeights(const std::vector<Near>& list, int income) const {
    std::vector<double> w;
    for (const Near& n : list)
      w.push_back(std::exp(-n.road_m / p_.store_distance_scale_m) *
                  std::pow(m_.merchants[static_cast<std::size_t>(n.merchant)].price_level,
                           -p_.income_price_sensitivity[static_cast<std::size_t>(income)]));
    return w;
  }

  bool RainingAt(std::int64_t t) const {
    const auto& rain = m_.rain[static_cast<std::size_t>(rain_city_)];
    const std::int64_t idx = (t - m_.start_day * 86400) / 3600;
    return idx >= 0 && idx < static_cast<std::int64_t>(rain.size()) && rain[static_cast<std::size_t>(idx)] != 0;
  }

  // Speed multiplier at local time t (hour and day type), with the rain factor when it rains.
  double SpeedFactor(std::int64_t t, bool raining) const {
    const std::int64_t day = t / 86400;
    const int wd = WeekdayOfDay(day);
    const int kind = wd < 5 ? 0 : wd == 5 ? 1 : 2;
    const int hour = static_cast<int>((t - day * 86400) / 3600);
    return p_.speed_factor[static_cast<std::size_t>(kind)][static_cast<std::size_t>(hour)] *
           (raining ? p_.rain_speed_factor : 1.0);
  }

  // Seconds for one leg starting at t: whole moving seconds at the drawn speed plus the fixed overhead.
  std::int64_t Leg(Rng& rng, const Rider& rider, double metres, std::int64_t t, double* speed_kmh) {
    const double kmh = rider.base_speed_kmh * SpeedFactor(t, RainingAt(t)) * rng.LogNormal(p_.speed_noise_sigma);
    const auto moving = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(metres / (kmh / 3.6))));
    if (speed_kmh) *speed_kmh = metres / static_cast<double>(moving) * 3.6;
    return moving + static_cast<std::int64_t>(std::llround(p_.leg_overhead_s));
  }

  const MarketParams& p_;
  const SimOptions& o_;
  Market& m_;
  int done_ = 0, total_ = 0, rain_city_ = 0;
};

}  // namespace

Market Simulate(const MarketParams& params, const std::vector<Product>& catalog,
                const std::array<std::vector<Poi>, kCityCount>& pois, const SimOptions& options) {
  if (options.days < 1 || options.days > 3660) throw std::invalid_argument("days must be between 1 and 3660");
  if (options.cities.empty()) throw std::invalid_argument("no city to simulate");
  for (std::size_t i = 0; i < options.cities.size(); ++i) {
    if (options.cities[i] < 0 || options.cities[i] >= kCityCount) throw std::invalid_argument("unknown city");
    for (std::size_t j = 0; j < i; ++j)
      if (options.cities[i] == options.cities[j]) throw std::invalid_argument("a city is listed twice");
  }
  if (catalog.empty()) throw std::invalid_argument("empty catalogue");
  Market m;
  m.params = params;
  m.start_day = params.start_day;
  m.days = options.days;
  m.seed = options.seed;
  m.cities = options.cities;
  m.products = catalog;
  Simulator sim(params, options, m);
  sim.Run(pois);
  return m;
}

}  // namespace okada::brain::sim
