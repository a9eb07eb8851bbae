#pragma once
/// What the products service tells the rest of the platform: rows of `products.outbox` (core events::Outbox,
/// relayed to Redis Streams), written in the same transaction as the change. Payloads carry ids and numbers
/// only. Types (v1):
///   product.created / product.updated / product.archived  {"v","product_id","merchant_id"}
///   listing.updated    {"v","store_id","product_id","merchant_id","price_xaf","available"}
///   stock.low          {"v","store_id","product_id","merchant_id","available","threshold"}: available stock
///                      (on_hand − reserved) went from above the threshold to at or below it, through an
///                      adjustment or a sale (reservation)
///   reservation.expired {"v","order_id","store_id"}: held stock returned by the sweep

#include <cstdint>
#include <string>

namespace okada::products::events {

std::string ProductPayload(const std::string& product_id, const std::string& merchant_id);
std::string ListingPayload(const std::string& store_id, const std::string& product_id, const std::string& merchant_id,
                           std::int64_t price_xaf, bool available);
std::string StockLowPayload(const std::string& store_id, const std::string& product_id, const std::string& merchant_id,
                            std::int64_t available, std::int64_t threshold);
std::string ReservationPayload(const std::string& order_id, const std::string& store_id);

}  // namespace okada::products::events
