#pragma once
// The market simulator: a deterministic, made-up but living Douala/Yaoundé marketplace. Merchants sit at real
// OpenStreetMap points (data/geo), sell the committed catalogue of Cameroonian products (brain/sim/catalog.csv)
// at store-specific prices; customers live around real neighbourhoods, with incomes, tastes, preferred hours,
// favourite stores and favourite products they re-buy; orders arrive per hour with the calendar, weather and
// habits of market.conf; riders with shifts and speeds carry each order (assigned → picked up → delivered).
// Same inputs and seed → the same Market, field for field, on every machine (see random.hpp).

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/brain/sim/params.hpp"

namespace okada::brain::sim {

// --- Catalogue (brain/sim/catalog.csv) ------------------------------------------------------------------------
// Header: sku,category,name_fr,name_en,unit,price_xaf,store_types,perishable,popularity
//   store_types  store types that may stock it, '|'-separated; perishable 0|1; popularity a relative weight > 0.
struct Product {
  std::string sku, category, name_fr, name_en, unit;
  int price_xaf = 0;
  std::array<bool, kStoreTypeCount> store_types{};
  bool perishable = false;
  double popularity = 1;
};
// Throws std::runtime_error("<source>:<line>: <reason>").
std::vector<Product> ParseCatalog(std::string_view text, const std::string& source);
std::vector<Product> LoadCatalog(const std::filesystem::path& path);
std::vector<Product> DefaultCatalog();  // the committed catalogue, built into the library
std::string_view DefaultCatalogText();

// --- Points of interest (data/geo/<city>_poi_nodes.csv: osm_node_id,lat,lon,name,tag,value) -------------------
struct Poi {
  std::int64_t osm_node_id = 0;
  double lat = 0, lon = 0;
  std::string name, tag, value;
};
std::vector<Poi> ParsePois(std::string_view text, const std::string& source);
std::vector<Poi> ReadPois(const std::filesystem::path& path);
// data/geo of the source tree this library was built from (override with --geo-dir).
std::filesystem::path DefaultGeoDir();
std::filesystem::path PoiFile(const std::filesystem::path& geo_dir, int city);  // <dir>/douala_poi_nodes.csv
// The store type an OSM tag/value makes (restaurant, pharmacy, shop=supermarket…), or -1.
int StoreTypeOfPoi(std::string_view tag, std::string_view value);
// place=suburb|quarter|neighbourhood|locality|town: a neighbourhood customers can live in.
bool IsNeighbourhood(std::string_view tag, std::string_view value);

double HaversineMetres(double lat1, double lon1, double lat2, double lon2);

// --- The simulated market -------------------------------------------------------------------------------------
struct Place {
  std::int64_t osm_node_id = 0;
  std::string name;
  double lat = 0, lon = 0;
};
struct Merchant {
  std::string id;                     // "dla-m0001"
  int city = 0, type = 0, place = 0;  // place: index into Market::places[city]
  std::string name;
  std::int64_t osm_node_id = 0;
  double lat = 0, lon = 0;
  double price_level = 1;
  std::vector<int> offers;  // indices into Market::offers
};
struct Offer {
  std::string id;  // "dla-m0001-GR001"
  int merchant = 0, product = 0;
  int price_xaf = 0;
};
struct Promotion {
  int offer = 0;
  std::int64_t first_day = 0, last_day = 0;  // local days, inclusive
  double discount = 0;                       // 0.1 = 10 % off
};
struct Customer {
  std::string id;  // "dla-c00001"
  int city = 0, place = 0, income = 0, preferred_hour = 0, payment = 0;
  double lat = 0, lon = 0, rate = 1;
  bool english = false, muslim = false;
  std::array<double, kStoreTypeCount> type_weight{};
  std::vector<int> favourite_stores;               // merchant indices
  std::vector<std::vector<int>> favourite_offers;  // per favourite store, offer indices
};
struct Rider {
  std::string id;  // "dla-r001"
  int city = 0, place = 0;
  double lat = 0, lon = 0, base_speed_kmh = 0;
  HourRange shift;
};
struct OrderLine {
  int offer = 0, quantity = 0, unit_price_xaf = 0;
  bool repeat = false;  // the customer had bought this offer in an earlier order
};
struct Order {
  std::string id;  // "dla-o000001"
  int city = 0, customer = 0, merchant = 0, payment = 0, rider = 0;
  std::int64_t placed_at = 0;  // local time (seconds since 1970-01-01T00:00 Douala time)
  bool rain = false;           // raining when placed
  std::size_t first_line = 0;  // into Market::lines
  int line_count = 0;
  std::int64_t items_xaf = 0;
  int delivery_fee_xaf = 0;
  // The delivery trip: the rider rides to the store, waits for the order if needed, rides to the customer.
  std::int64_t assigned_at = 0, picked_up_at = 0, delivered_at = 0;
  double to_store_m = 0, distance_m = 0;  // road metres (haversine × circuity): rider → store, store → customer
  double speed_kmh = 0;                   // riding speed on the delivery leg (distance / moving time)
  bool trip_rain = false;                 // raining at pick-up
};

struct SimOptions {
  std::vector<int> cities = {kDouala};
  int days = 90;
  std::uint64_t seed = 1;
  // Called after each simulated city-day with (done, total).
  std::function<void(int, int)> progress;
};

struct Market {
  MarketParams params;
  std::int64_t start_day = 0;
  int days = 0;
  std::uint64_t seed = 0;
  std::vector<int> cities;
  std::array<std::vector<Place>, kCityCount> places;
  std::vector<Product> products;
  std::vector<Merchant> merchants;
  std::vector<Offer> offers;
  std::vector<Customer> customers;
  std::vector<Rider> riders;
  std::vector<Order> orders;  // per city in time order, cities in SimOptions order
  std::vector<OrderLine> lines;
  std::vector<Promotion> promotions;                       // per city in SimOptions order, by store then week
  std::array<std::vector<std::uint8_t>, kCityCount> rain;  // per hour from start_day 00:00 (days × 24)
  std::array<int, kCityCount> ramadan_skipped{};           // meal orders not placed because of the fast
  std::array<int, kCityCount> closed_skipped{};            // orders with no open store type at that hour
};

// pois[city] is read only for the cities simulated. Throws std::invalid_argument on bad options and
// std::runtime_error when the POIs give a city no neighbourhood or no store.
Market Simulate(const MarketParams& params, const std::vector<Product>& catalog,
                const std::array<std::vector<Poi>, kCityCount>& pois, const SimOptions& options);

// Writes the CSV files (README: merchants, products, items, customers, riders, orders, order_lines, trips,
// eta_trips, weather, interactions) into `dir` (created if missing). Byte-identical for identical markets.
void WriteExport(const Market& market, const std::filesystem::path& dir);

}  // namespace okada::brain::sim
