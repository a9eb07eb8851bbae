// JSON request validation: a checkout-shaped schema read with JsonReader, then the problem document.
// Any input must end in a value or a typed okada::Error, never a crash or another exception.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "okada/core/errors.hpp"
#include "okada/core/json_reader.hpp"

using namespace okada;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    JsonReader r(body);
    (void)r.Phone("phone");
    (void)r.String("name", {.min_length = 1, .max_length = 80});
    (void)r.Enum("payment", {"momo", "orange_money", "cash"});
    (void)r.OptionalBool("gift");
    (void)r.Number("lat", -90, 90);
    JsonReader address = r.Object("address");
    (void)address.OptionalString("landmark", {.max_length = 200});
    r.Array("items", 1, 50, [](JsonReader& item, std::size_t) {
      (void)item.String("product_id", {.min_length = 1, .max_length = 40});
      (void)item.Int("quantity", 1, 99);
    });
    r.RejectUnknownFields();
    r.Finish();
  } catch (const Error& e) {
    std::string doc = RenderProblem(e, "fuzz", "en");
    if (doc.empty()) __builtin_trap();
  }
  return 0;
}
