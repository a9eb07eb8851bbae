#include "api/product_input.hpp"

namespace okada::products::api {

namespace json = boost::json;

namespace {

std::optional<std::string> NullableText(Body& b, std::string_view field, std::size_t max, bool newlines,
                                        const std::optional<std::string>& current) {
  if (!b.Present(field)) return current;
  if (b.IsNull(field)) {
    b.r().OptionalString(field);  // marks it read
    return std::nullopt;
  }
  std::optional<std::string> v = b.Text(field, StringRule{0, max}, newlines);
  if (v && v->empty()) return std::nullopt;
  return v;
}

}  // namespace

domain::ProductInput ParseProduct(const std::string& text, const std::optional<domain::ProductInput>& base) {
  Body b(text);
  JsonReader& r = b.r();
  const bool create = !base;
  domain::ProductInput in = base.value_or(domain::ProductInput{});
  if (create || b.Present("sku")) {
    std::string sku = b.RequiredText("sku", StringRule{1, domain::kMaxSkuLength});
    if (!sku.empty() && !domain::IsSku(sku)) r.Fail("sku", "INVALID_FORMAT", "letters, digits, '.', '_', '-' or '/'");
    in.sku = sku;
  }
  if (create || b.Present("name_fr")) in.name_fr = b.RequiredText("name_fr", StringRule{1, domain::kMaxNameLength});
  in.name_en = NullableText(b, "name_en", domain::kMaxNameLength, false, in.name_en);
  in.description_fr = NullableText(b, "description_fr", domain::kMaxDescriptionLength, true, in.description_fr);
  in.description_en = NullableText(b, "description_en", domain::kMaxDescriptionLength, true, in.description_en);
  if (create || b.Present("unit")) in.unit = r.Enum("unit", {"piece", "kg", "g", "l", "ml", "pack", "bunch", "plate"});
  if (b.Present("category")) {
    if (b.IsNull("category")) {
      r.OptionalString("category");
      in.category = std::nullopt;
    } else {
      std::optional<std::string> c = r.OptionalString("category", StringRule{1, 60});
      if (c) {
        std::string lower = domain::Lower(*c);
        if (domain::IsSlug(lower) || domain::IsUuid(lower))
          in.category = lower;
        else
          r.Fail("category", "INVALID_FORMAT", "a category slug or id");
      }
    }
  }
  if (b.Present("image_urls")) {
    std::optional<std::vector<std::string>> urls = b.StringArray("image_urls", domain::kMaxImages, 500);
    if (urls) {
      for (std::size_t i = 0; i < urls->size(); ++i)
        if (!domain::IsHttpsUrl((*urls)[i]))
          r.Fail("image_urls[" + std::to_string(i) + "]", "INVALID_FORMAT", "an https URL");
      in.image_urls = std::move(*urls);
    }
  }
  if (b.Present("tags")) {
    std::optional<std::vector<std::string>> tags = b.StringArray("tags", domain::kMaxTags, domain::kMaxTagLength);
    if (tags) in.tags = std::move(*tags);
  }
  if (b.Present("attributes")) {
    const json::value* v = b.Get("attributes");
    if (v->is_null()) {
      in.attributes = "{}";
    } else if (!v->is_object()) {
      r.Fail("attributes", "INVALID_TYPE", "expected an object");
    } else {
      std::string text_attr = json::serialize(*v);
      if (text_attr.size() > domain::kMaxAttributesBytes)
        r.Fail("attributes", "TOO_LONG", "at most 4 KiB of JSON");
      else
        in.attributes = std::move(text_attr);
    }
  }
  if (b.Present("lead_time_days")) in.lead_time_days = static_cast<int>(r.Int("lead_time_days", 0, 60));
  if (b.Present("pack_size")) in.pack_size = static_cast<int>(r.Int("pack_size", 1, 10000));
  if (b.Present("shelf_life_days")) {
    if (b.IsNull("shelf_life_days")) {
      r.OptionalInt("shelf_life_days", 1, 3650);
      in.shelf_life_days = std::nullopt;
    } else {
      in.shelf_life_days = static_cast<int>(r.Int("shelf_life_days", 1, 3650));
    }
  }
  b.RejectUnknown({"sku", "name_fr", "name_en", "description_fr", "description_en", "unit", "category", "image_urls",
                   "tags", "attributes", "lead_time_days", "pack_size", "shelf_life_days"});
  b.Finish();
  return in;
}

namespace {
// A stored JSON array of strings. Its own function, indexing rather than a range-for: GCC 12 with ASan reported
// a stack-use-after-scope on the range-for form inlined into FromRow.
std::vector<std::string> StoredStrings(const std::string& text) {
  const json::value parsed = ParseStored(text);
  std::vector<std::string> out;
  if (!parsed.is_array()) return out;
  const json::array& a = parsed.get_array();
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].is_string()) out.emplace_back(a[i].get_string());
  return out;
}
}  // namespace

domain::ProductInput FromRow(const store::ProductRow& row) {
  domain::ProductInput in;
  in.sku = row.sku;
  in.name_fr = row.name_fr;
  in.name_en = row.name_en;
  in.description_fr = row.description_fr;
  in.description_en = row.description_en;
  in.unit = row.unit;
  in.category = row.category_id;
  in.image_urls = StoredStrings(row.image_urls);
  in.tags = StoredStrings(row.tags);
  in.attributes = row.attributes;
  in.lead_time_days = static_cast<int>(row.lead_time_days);
  in.pack_size = static_cast<int>(row.pack_size);
  if (row.shelf_life_days) in.shelf_life_days = static_cast<int>(*row.shelf_life_days);
  return in;
}

std::vector<pg::Param> ProductParams(const std::string& id, const std::string& merchant_id,
                                     const std::optional<std::string>& category_id, const domain::ProductInput& in) {
  std::vector<pg::Param> p;
  p.push_back(id);
  p.push_back(merchant_id);
  p.push_back(category_id);
  p.push_back(in.sku);
  p.push_back(in.name_fr);
  p.push_back(in.name_en);
  p.push_back(in.description_fr);
  p.push_back(in.description_en);
  p.push_back(in.unit);
  p.push_back(domain::StringsJson(in.image_urls));
  p.push_back(domain::StringsJson(in.tags));
  p.push_back(in.attributes);
  p.push_back(std::to_string(in.lead_time_days));
  p.push_back(std::to_string(in.pack_size));
  p.push_back(in.shelf_life_days ? pg::Param(std::to_string(*in.shelf_life_days)) : pg::Param(std::nullopt));
  return p;
}

void UnknownCategory() {
  throw Invalid(std::vector<FieldError>{FieldError{"category", "NOT_ALLOWED", "no such category (slug or id)"}});
}

}  // namespace okada::products::api
