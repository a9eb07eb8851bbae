#pragma once
/// Reading products from JSON bodies (create and PATCH) and turning them into statement parameters.

#include <optional>
#include <string>
#include <vector>

#include "api/common.hpp"
#include "domain/rules.hpp"
#include "store/store.hpp"

namespace okada::products::api {

/// Create: sku, name_fr and unit are required. PATCH (`base` set): only the fields present change; null clears
/// name_en, descriptions, category and shelf_life_days. 422 listing every bad field.
domain::ProductInput ParseProduct(const std::string& text, const std::optional<domain::ProductInput>& base);
/// The stored product as an input (for PATCH), with `category` holding the category id.
domain::ProductInput FromRow(const store::ProductRow& row);
/// $1..$15 of kProductInsert / kProductUpdate / kProductUpsert.
std::vector<pg::Param> ProductParams(const std::string& id, const std::string& merchant_id,
                                     const std::optional<std::string>& category_id, const domain::ProductInput& in);
/// 422 naming `category` (unknown slug or id).
[[noreturn]] void UnknownCategory();

}  // namespace okada::products::api
