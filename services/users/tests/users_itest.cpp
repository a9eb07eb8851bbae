// The users service through the whole platform (gateway, auth, users in-process on a fresh database): profiles,
// addresses, ownership (BOLA), mass assignment, pagination, malformed input on every users endpoint, the rider
// and merchant journeys with their role changes in the auth service, and personal data at rest.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <set>

#include "okada/core/crypto/aead.hpp"
#include "okada/core/crypto/random.hpp"
#include "platform.hpp"

namespace okada::test {
namespace {
namespace json = boost::json;

json::value Parse(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  return ec ? json::value(nullptr) : v;
}

double Number(const std::string& body, const char* object, const char* field) {
  json::value v = Parse(body);
  if (!v.is_object() || !v.as_object().contains(object)) return -1000;
  return v.at(object).at(field).to_number<double>();
}

std::size_t Items(const std::string& body) {
  json::value v = Parse(body);
  if (!v.is_object() || !v.as_object().contains("items")) return 0;
  return v.at("items").as_array().size();
}

/// The `field` names of a problem document's errors.
std::set<std::string> ErrorFields(const std::string& body) {
  std::set<std::string> out;
  json::value v = Parse(body);
  if (!v.is_object() || !v.as_object().contains("errors")) return out;
  for (const json::value& e : v.at("errors").as_array()) out.insert(std::string(e.at("field").as_string()));
  return out;
}

std::string AddressBody(const std::string& landmark, double lat = 3.895, double lon = 11.51) {
  json::object o{{"label", "home"},
                 {"location", json::object{{"lat", lat}, {"lon", lon}}},
                 {"landmark", landmark},
                 {"neighbourhood", "Bastos"},
                 {"instructions", "Sonnez deux fois"}};
  return json::serialize(o);
}

constexpr const char* kHours =
    R"([null,[{"open":"08:00","close":"21:30"}],[{"open":"08:00","close":"12:00"},{"open":"14:00","close":"21:30"}],)"
    R"([{"open":"08:00","close":"21:30"}],[{"open":"08:00","close":"21:30"}],[{"open":"09:00","close":"23:00"}],null])";

std::string StoreBody(const std::string& name) {
  return R"({"name":")" + name +
         R"(","location":{"lat":4.05,"lon":9.7},"address":"Rue Joffre, Akwa","opening_hours":)" + kHours + "}";
}

class UsersTest : public SharedPlatformTest<UsersTest> {
 public:
  static constexpr const char* kSuite = "users";

 protected:
  std::string Admin() { return p().MintToken(crypto::UuidV7(), "admin", crypto::UuidV7()); }
  std::string Support() { return p().MintToken(crypto::UuidV7(), "support", crypto::UuidV7()); }

  /// Signs in again (a role change revokes the tokens held before it) and returns the new access token.
  std::string SignIn(Platform::Account& a) {
    json::object body{{"phone", a.phone}, {"password", a.password}};
    auto res = p().Call("POST", "/v1/auth/signin", json::serialize(body));
    EXPECT_EQ(res.status, 200) << res.body;
    a.access_token = JsonField(res.body, "access_token");
    return a.access_token;
  }
  std::string RoleOf(Platform::Account& a) {
    auto me = p().CallAs(SignIn(a), "GET", "/v1/auth/me");
    EXPECT_EQ(me.status, 200) << me.body;
    return JsonField(me.body, "role");
  }

  /// A merchant applied for by a fresh customer and approved by an admin; the owner holds a merchant_owner token.
  struct Merchant {
    Platform::Account owner;
    std::string id;
  };
  Merchant ApprovedMerchant(const std::string& name) {
    Merchant m;
    m.owner = p().SignUp();
    json::object body{{"business_name", name}, {"category", "grocery"}, {"contact_phone", "+237 699 11 22 33"}};
    auto applied = p().CallAs(m.owner.access_token, "POST", "/v1/merchants", json::serialize(body));
    EXPECT_EQ(applied.status, 201) << applied.body;
    m.id = JsonField(applied.body, "id");
    auto approved = p().CallAs(Admin(), "POST", "/v1/admin/merchants/" + m.id + "/approve");
    EXPECT_EQ(approved.status, 200) << approved.body;
    EXPECT_EQ(RoleOf(m.owner), "merchant_owner");
    return m;
  }
};

// --- profile --------------------------------------------------------------------------------------------------

TEST_F(UsersTest, ProfileIsCreatedOnFirstReadAndUpdated) {
  auto a = p().SignUp();
  auto me = p().CallAs(a.access_token, "GET", "/v1/users/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(JsonField(me.body, "id"), a.id);
  EXPECT_EQ(JsonField(me.body, "lang"), "fr");
  EXPECT_EQ(JsonField(me.body, "name"), "null");
  EXPECT_EQ(JsonField(me.body, "preferences"), "{}");

  auto patched = p().CallAs(a.access_token, "PATCH", "/v1/users/me",
                            R"({"name":"  Ngo Bassa Élise ","lang":"en","preferences":{"diet":"halal","sms":true}})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(JsonField(patched.body, "name"), "Ngo Bassa Élise");
  auto again = p().CallAs(a.access_token, "GET", "/v1/users/me");
  EXPECT_EQ(JsonField(again.body, "name"), "Ngo Bassa Élise");
  EXPECT_EQ(JsonField(again.body, "lang"), "en");
  EXPECT_EQ(JsonField(again.body, "preferences.diet"), "halal");

  // Only the fields sent change; null clears the name.
  auto cleared = p().CallAs(a.access_token, "PATCH", "/v1/users/me", R"({"name":null})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(JsonField(cleared.body, "name"), "null");
  EXPECT_EQ(JsonField(cleared.body, "lang"), "en");

  // Preferences are capped at 8 KiB.
  std::string big = R"({"preferences":{"notes":")" + std::string(9000, 'x') + "\"}}";
  auto too_big = p().CallAs(a.access_token, "PATCH", "/v1/users/me", big);
  EXPECT_EQ(too_big.status, 422) << too_big.body;
  EXPECT_TRUE(ErrorFields(too_big.body).contains("preferences")) << too_big.body;
}

TEST_F(UsersTest, MassAssignmentIsRefusedAndChangesNothing) {
  auto a = p().SignUp();
  ASSERT_EQ(p().CallAs(a.access_token, "PATCH", "/v1/users/me", R"({"name":"Awa"})").status, 200);
  struct Case {
    std::string body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"name":"Mallory","role":"admin"})", "role"},
      {R"({"name":"Mallory","status":"active"})", "status"},
      {R"({"name":"Mallory","id":"01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9d"})", "id"},
      {R"({"lang":"en","user_id":"01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9d"})", "user_id"},
  };
  for (const Case& c : cases) {
    auto res = p().CallAs(a.access_token, "PATCH", "/v1/users/me", c.body);
    EXPECT_EQ(res.status, 422) << c.body << ": " << res.body;
    EXPECT_EQ(JsonField(res.body, "code"), "VALIDATION_FAILED");
    EXPECT_TRUE(ErrorFields(res.body).contains(c.field)) << res.body;
  }
  auto me = p().CallAs(a.access_token, "GET", "/v1/users/me");
  EXPECT_EQ(JsonField(me.body, "name"), "Awa");
  EXPECT_EQ(JsonField(me.body, "lang"), "fr");
  auto account = p().CallAs(a.access_token, "GET", "/v1/auth/me");
  EXPECT_EQ(JsonField(account.body, "role"), "customer");
}

// --- addresses ------------------------------------------------------------------------------------------------

TEST_F(UsersTest, AddressesCrud) {
  auto a = p().SignUp();
  std::string local = a.phone.substr(4);  // 6XXXXXXXX
  json::object body{{"label", "work"},
                    {"location", json::object{{"lat", 4.0611}, {"lon", 9.7679}}},
                    {"landmark", "derrière la station Total, carrefour Bastos"},
                    {"neighbourhood", "Akwa"},
                    {"phone_to_call", local}};
  auto created = p().CallAs(a.access_token, "POST", "/v1/users/me/addresses", json::serialize(body));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = JsonField(created.body, "id");
  EXPECT_EQ(created.headers["location"], "/v1/users/me/addresses/" + id);
  EXPECT_EQ(JsonField(created.body, "label"), "work");
  EXPECT_DOUBLE_EQ(Number(created.body, "location", "lat"), 4.0611);
  EXPECT_DOUBLE_EQ(Number(created.body, "location", "lon"), 9.7679);
  EXPECT_EQ(JsonField(created.body, "landmark"), "derrière la station Total, carrefour Bastos");
  EXPECT_EQ(JsonField(created.body, "phone_to_call"), a.phone) << "normalised to E.164";
  EXPECT_EQ(JsonField(created.body, "instructions"), "null");

  auto list = p().CallAs(a.access_token, "GET", "/v1/users/me/addresses");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Items(list.body), 1u);
  EXPECT_EQ(JsonField(list.body, "next_cursor"), "null");

  auto one = p().CallAs(a.access_token, "GET", "/v1/users/me/addresses/" + id);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(JsonField(one.body, "neighbourhood"), "Akwa");

  auto patched = p().CallAs(a.access_token, "PATCH", "/v1/users/me/addresses/" + id,
                            R"({"instructions":"Portail bleu","phone_to_call":null,"label":"home"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(JsonField(patched.body, "instructions"), "Portail bleu");
  EXPECT_EQ(JsonField(patched.body, "phone_to_call"), "null");
  EXPECT_EQ(JsonField(patched.body, "label"), "home");
  EXPECT_EQ(JsonField(patched.body, "landmark"), "derrière la station Total, carrefour Bastos") << "unchanged";

  EXPECT_EQ(p().CallAs(a.access_token, "DELETE", "/v1/users/me/addresses/" + id).status, 204);
  EXPECT_EQ(p().CallAs(a.access_token, "GET", "/v1/users/me/addresses/" + id).status, 404);
  EXPECT_EQ(p().CallAs(a.access_token, "DELETE", "/v1/users/me/addresses/" + id).status, 404);
}

TEST_F(UsersTest, AtMostTwentyAddresses) {
  auto a = p().SignUp();
  for (int i = 0; i < 20; ++i) {
    auto res = p().CallAs(a.access_token, "POST", "/v1/users/me/addresses", AddressBody("Repère " + std::to_string(i)));
    ASSERT_EQ(res.status, 201) << i << ": " << res.body;
  }
  auto extra = p().CallAs(a.access_token, "POST", "/v1/users/me/addresses", AddressBody("Un de trop"));
  EXPECT_EQ(extra.status, 409) << extra.body;
  // Pages follow the cursor without gaps or repeats.
  std::set<std::string> seen;
  std::string target = "/v1/users/me/addresses?limit=7";
  for (int page = 0; page < 5; ++page) {
    auto res = p().CallAs(a.access_token, "GET", target);
    ASSERT_EQ(res.status, 200) << res.body;
    json::value page_json = Parse(res.body);
    for (const json::value& item : page_json.at("items").as_array())
      seen.insert(std::string(item.at("id").as_string()));
    std::string next = JsonField(res.body, "next_cursor");
    if (next == "null") break;
    target = "/v1/users/me/addresses?limit=7&cursor=" + next;
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST_F(UsersTest, AnotherCustomersAddressIsNotFound) {
  auto alice = p().SignUp();
  auto bob = p().SignUp();
  std::string secret = "Derrière la boulangerie " + crypto::RandomToken(4);
  auto created = p().CallAs(alice.access_token, "POST", "/v1/users/me/addresses", AddressBody(secret));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = JsonField(created.body, "id");

  auto get = p().CallAs(bob.access_token, "GET", "/v1/users/me/addresses/" + id);
  EXPECT_EQ(get.status, 404);
  EXPECT_EQ(get.body.find(secret), std::string::npos);
  auto patch = p().CallAs(bob.access_token, "PATCH", "/v1/users/me/addresses/" + id, R"({"landmark":"pwned"})");
  EXPECT_EQ(patch.status, 404);
  EXPECT_EQ(patch.body.find(secret), std::string::npos);
  auto del = p().CallAs(bob.access_token, "DELETE", "/v1/users/me/addresses/" + id);
  EXPECT_EQ(del.status, 404);
  // The same answer as for an id that does not exist at all.
  auto unknown = p().CallAs(bob.access_token, "GET", "/v1/users/me/addresses/" + crypto::UuidV7());
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(JsonField(unknown.body, "code"), JsonField(get.body, "code"));
  EXPECT_EQ(Items(p().CallAs(bob.access_token, "GET", "/v1/users/me/addresses").body), 0u);

  // Alice's address is untouched.
  auto mine = p().CallAs(alice.access_token, "GET", "/v1/users/me/addresses/" + id);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(JsonField(mine.body, "landmark"), secret);

  // A customer cannot read another account's profile (the gateway refuses the role).
  EXPECT_EQ(p().CallAs(bob.access_token, "GET", "/v1/users/" + alice.id).status, 403);
}

TEST_F(UsersTest, PageSizeIsClamped) {
  auto a = p().SignUp();
  auto clamped = p().CallAs(a.access_token, "GET", "/v1/users/me/addresses?limit=100000");
  EXPECT_EQ(clamped.status, 200) << clamped.body;
  auto word = p().CallAs(a.access_token, "GET", "/v1/users/me/addresses?limit=lots");
  EXPECT_EQ(word.status, 422);
  EXPECT_TRUE(ErrorFields(word.body).contains("limit")) << word.body;
  auto cursor = p().CallAs(a.access_token, "GET", "/v1/users/me/addresses?cursor=%27%3B--");
  EXPECT_EQ(cursor.status, 422);
  EXPECT_TRUE(ErrorFields(cursor.body).contains("cursor")) << cursor.body;

  // More than 100 rows: a merchant with 105 stores (inserted directly), listed by support.
  auto owner = p().SignUp();
  auto applied = p().CallAs(owner.access_token, "POST", "/v1/merchants",
                            R"({"business_name":"Marché Central","category":"grocery","contact_phone":"690000001"})");
  ASSERT_EQ(applied.status, 201) << applied.body;
  std::string merchant = JsonField(applied.body, "id");
  Psql(p().db_url(),
       "INSERT INTO users.stores (id, merchant_id, name, lat, lon, address, opening_hours, delivery_radius_m) "
       "SELECT gen_random_uuid(), '" +
           merchant +
           "', 'Store ' || g, 4.05, 9.7, 'Akwa', "
           "'[null,null,null,null,null,null,null]', 5000 FROM generate_series(1, 105) g");
  std::string support = Support();
  auto first = p().CallAs(support, "GET", "/v1/merchants/" + merchant + "/stores?limit=100000");
  ASSERT_EQ(first.status, 200) << first.body.substr(0, 300);
  EXPECT_EQ(Items(first.body), 100u);
  std::string next = JsonField(first.body, "next_cursor");
  ASSERT_NE(next, "null");
  auto second = p().CallAs(support, "GET", "/v1/merchants/" + merchant + "/stores?limit=100000&cursor=" + next);
  ASSERT_EQ(second.status, 200) << second.body.substr(0, 300);
  EXPECT_EQ(Items(second.body), 5u);
  EXPECT_EQ(JsonField(second.body, "next_cursor"), "null");
  auto one = p().CallAs(support, "GET", "/v1/merchants/" + merchant + "/stores?limit=0");
  EXPECT_EQ(Items(one.body), 1u) << "limit=0 is clamped to 1";
}

// --- malformed input ------------------------------------------------------------------------------------------

TEST_F(UsersTest, MalformedInputOnEveryEndpointIsA4xxNamingTheField) {
  auto customer = p().SignUp();
  Merchant m = ApprovedMerchant("Pharmacie du Soleil");
  auto store = p().CallAs(m.owner.access_token, "POST", "/v1/merchants/" + m.id + "/stores", StoreBody("Akwa"));
  ASSERT_EQ(store.status, 201) << store.body;
  std::string store_id = JsonField(store.body, "id");
  auto address = p().CallAs(customer.access_token, "POST", "/v1/users/me/addresses", AddressBody("Carrefour"));
  ASSERT_EQ(address.status, 201) << address.body;
  std::string address_id = JsonField(address.body, "id");

  const std::string kilo10(10 * 1024, 'a');
  const std::string bad_utf8 = "ab\xC3\x28";
  struct Endpoint {
    std::string method;
    std::string target;
    std::string token;
  };
  const std::vector<Endpoint> endpoints = {
      {"PATCH", "/v1/users/me", customer.access_token},
      {"POST", "/v1/users/me/addresses", customer.access_token},
      {"PATCH", "/v1/users/me/addresses/" + address_id, customer.access_token},
      {"POST", "/v1/riders", customer.access_token},
      {"PATCH", "/v1/riders/me", customer.access_token},
      {"POST", "/v1/merchants", customer.access_token},
      {"POST", "/v1/merchants/" + m.id + "/stores", m.owner.access_token},
      {"PATCH", "/v1/stores/" + store_id, m.owner.access_token},
      {"POST", "/v1/merchants/" + m.id + "/staff", m.owner.access_token},
  };
  // Bodies every endpoint must refuse: not an object, not JSON, invalid UTF-8, an unknown 10 KB field.
  struct Generic {
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<Generic> generic = {
      {"[1,2,3]", 400, ""},
      {"{\"a\":", 400, ""},
      {"", 400, ""},
      {"\"text\"", 400, ""},
      {"{\"zz\":\"\\ud800\"}", 400, ""},
      {"{\"zz\":\"" + bad_utf8 + "\"}", 422, "zz"},
      {"{\"zz\":\"" + kilo10 + "\"}", 422, "zz"},
  };
  int checked = 0;
  for (const Endpoint& e : endpoints) {
    for (const Generic& g : generic) {
      auto res = p().CallAs(e.token, e.method, e.target, g.body, {{"Content-Type", "application/json"}});
      EXPECT_EQ(res.status, g.status) << e.method << " " << e.target << " " << g.body.substr(0, 40) << ": " << res.body;
      EXPECT_EQ(res.headers["content-type"], "application/problem+json") << e.target;
      if (!g.field.empty()) {
        EXPECT_TRUE(ErrorFields(res.body).contains(g.field)) << e.target << ": " << res.body;
      }
      ++checked;
    }
  }

  // Field by field.
  struct Case {
    std::size_t endpoint;  // index in `endpoints`
    std::string body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {0, R"({"name":12})", "name"},
      {0, R"({"name":")" + kilo10 + "\"}", "name"},
      {0, "{\"name\":\"" + bad_utf8 + "\"}", "name"},
      {0, R"({"name":"a\u0000b"})", "name"},
      {0, R"({"lang":"de"})", "lang"},
      {0, R"({"lang":null})", "lang"},
      {0, R"({"preferences":[1,2]})", "preferences"},
      {0, R"({"preferences":"dark"})", "preferences"},
      {0, R"({"preferences":{"x":1e400}})", "preferences"},
      {0, R"({"preferences":{"a":"b\u0000c"}})", "preferences"},
      {1, R"({})", "landmark"},
      {1, R"({})", "location"},
      {1, R"({"location":"Bastos","landmark":"x","neighbourhood":"y"})", "location"},
      {1, R"({"location":{"lat":"3.8","lon":11.5},"landmark":"x","neighbourhood":"y"})", "location.lat"},
      {1, R"({"location":{"lat":95,"lon":11.5},"landmark":"x","neighbourhood":"y"})", "location.lat"},
      {1, R"({"location":{"lat":48.85,"lon":2.35},"landmark":"x","neighbourhood":"y"})", "location.lon"},
      {1, R"({"location":{"lat":3.8,"lon":11.5,"alt":700},"landmark":"x","neighbourhood":"y"})", "location.alt"},
      {1, R"({"location":{"lat":3.8,"lon":11.5},"landmark":")" + kilo10 + R"(","neighbourhood":"y"})", "landmark"},
      {1, R"({"location":{"lat":3.8,"lon":11.5},"landmark":"x","neighbourhood":"y","phone_to_call":"12345"})",
       "phone_to_call"},
      {1, R"({"location":{"lat":3.8,"lon":11.5},"landmark":"x","neighbourhood":"y","phone_to_call":690000000})",
       "phone_to_call"},
      {1, R"({"location":{"lat":3.8,"lon":11.5},"landmark":"x","neighbourhood":"y","label":"castle"})", "label"},
      {1, R"({"location":{"lat":3.8,"lon":11.5},"landmark":"","neighbourhood":"y"})", "landmark"},
      {1, R"({"location":{"lat":3.8,"lon":11.5},"landmark":"x","neighbourhood":"y","user_id":"x"})", "user_id"},
      {2, R"({"landmark":null})", "landmark"},
      {2, R"({"location":{"lat":3.8}})", "location.lon"},
      {2, R"({"instructions":")" + kilo10 + "\"}", "instructions"},
      {2, R"({"phone_to_call":"+33612345678"})", "phone_to_call"},
      {3, R"({})", "vehicle_type"},
      {3, R"({})", "zones"},
      {3, R"({"vehicle_type":"motorcycle","id_document_refs":["cni-1"],"zones":["Akwa"]})", "plate"},
      {3, R"({"vehicle_type":"jet","id_document_refs":["cni-1"],"zones":["Akwa"]})", "vehicle_type"},
      {3, R"({"vehicle_type":"bicycle","id_document_refs":"cni-1","zones":["Akwa"]})", "id_document_refs"},
      {3, R"({"vehicle_type":"bicycle","id_document_refs":["a","b","c","d","e","f"],"zones":["Akwa"]})",
       "id_document_refs"},
      {3, R"({"vehicle_type":"bicycle","id_document_refs":[],"zones":["Akwa"]})", "id_document_refs"},
      {3, R"({"vehicle_type":"bicycle","id_document_refs":["a"],"zones":[")" + kilo10 + "\"]}", "zones[0]"},
      {3, R"({"vehicle_type":"bicycle","id_document_refs":["a"],"zones":[1]})", "zones[0]"},
      {3, R"({"vehicle_type":"car","plate":"LT#1","id_document_refs":["a"],"zones":["Akwa"]})", "plate"},
      {3, R"({"vehicle_type":"car","plate":"LT 1","id_document_refs":["a"],"zones":["Akwa"],"status":"approved"})",
       "status"},
      {4, R"({"zones":null})", "zones"},
      {4, R"({"vehicle_type":5})", "vehicle_type"},
      {5, R"({})", "business_name"},
      {5, R"({})", "contact_phone"},
      {5, R"({"business_name":"Chez Mama","category":"bank","contact_phone":"690000000"})", "category"},
      {5, R"({"business_name":"Chez Mama","category":"grocery","contact_phone":"+33612345678"})", "contact_phone"},
      {5, R"({"business_name":")" + kilo10 + R"(","category":"grocery","contact_phone":"690000000"})", "business_name"},
      {5, R"({"business_name":"Chez Mama","category":"grocery","contact_phone":"690000000","status":"approved"})",
       "status"},
      {6, R"({})", "opening_hours"},
      {6, R"({})", "name"},
      {6, R"({"name":"A","location":{"lat":4.05,"lon":9.7},"address":"x","opening_hours":[null,null]})",
       "opening_hours"},
      {6,
       R"({"name":"A","location":{"lat":4.05,"lon":9.7},"address":"x","opening_hours":)" + std::string(kHours) +
           R"(,"delivery_radius_m":100})",
       "delivery_radius_m"},
      {6,
       R"({"name":"A","location":{"lat":4.05,"lon":9.7},"address":"x","opening_hours":)" + std::string(kHours) +
           R"(,"delivery_radius_m":"5000"})",
       "delivery_radius_m"},
      {6,
       R"({"name":"A","location":{"lat":4.05,"lon":9.7},"address":"x","opening_hours":)" + std::string(kHours) +
           R"(,"paused":"yes"})",
       "paused"},
      {7, R"({"location":{"lat":4.05,"lon":9.7}})", "location"},
      {7, R"({"merchant_id":"01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9d"})", "merchant_id"},
      {7, R"({"delivery_radius_m":50000})", "delivery_radius_m"},
      {7, R"({"opening_hours":[null,[{"open":"8h","close":"12:00"}],null,null,null,null,null]})",
       "opening_hours[1][0].open"},
      {7, R"({"opening_hours":[null,[{"open":"14:00","close":"12:00"}],null,null,null,null,null]})",
       "opening_hours[1]"},
      {7, R"({"name":""})", "name"},
      {8, R"({})", "phone"},
      {8, R"({"phone":"123"})", "phone"},
      {8, R"({"phone":["690000000"]})", "phone"},
      {8, R"({"phone":"690000000","role":"admin"})", "role"},
  };
  for (const Case& c : cases) {
    const Endpoint& e = endpoints.at(c.endpoint);
    auto res = p().CallAs(e.token, e.method, e.target, c.body);
    EXPECT_EQ(res.status, 422) << e.method << " " << e.target << " " << c.body.substr(0, 120) << ": "
                               << res.body.substr(0, 300);
    EXPECT_TRUE(ErrorFields(res.body).contains(c.field))
        << e.method << " " << e.target << " " << c.body.substr(0, 120) << " should name " << c.field << ": "
        << res.body.substr(0, 300);
    ++checked;
  }

  // Malformed ids and query parameters.
  for (const std::string& target :
       {std::string("/v1/users/me/addresses/not-a-uuid"), std::string("/v1/stores/%27%3B--"),
        std::string("/v1/stores/") + std::string(40, '1')}) {
    auto res = p().Call("GET", target);
    if (target.starts_with("/v1/users")) res = p().CallAs(customer.access_token, "GET", target);
    EXPECT_EQ(res.status, 404) << target << ": " << res.body;
    ++checked;
  }
  for (const std::string& q : {std::string("status=bogus"), std::string("limit=1e3"), std::string("cursor=@@")}) {
    auto res = p().CallAs(Admin(), "GET", "/v1/admin/riders?" + q);
    EXPECT_EQ(res.status, 422) << q << ": " << res.body;
    EXPECT_TRUE(ErrorFields(res.body).contains(q.substr(0, q.find('=')))) << res.body;
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

// --- riders ---------------------------------------------------------------------------------------------------

TEST_F(UsersTest, RiderAppliesAdminApprovesRoleBecomesRider) {
  auto rider = p().SignUp();
  auto applied = p().CallAs(rider.access_token, "POST", "/v1/riders",
                            R"({"vehicle_type":"motorcycle","plate":"lt 123 ab","id_document_refs":["doc_cni_recto",)"
                            R"("doc_cni_verso"],"zones":["Akwa","Bonapriso","Akwa"]})");
  ASSERT_EQ(applied.status, 201) << applied.body;
  EXPECT_EQ(JsonField(applied.body, "status"), "pending");
  EXPECT_EQ(JsonField(applied.body, "id"), rider.id);
  EXPECT_EQ(JsonField(applied.body, "plate"), "LT 123 AB");
  EXPECT_EQ(JsonField(applied.body, "zones"), R"(["Akwa","Bonapriso"])");
  auto twice = p().CallAs(rider.access_token, "POST", "/v1/riders",
                          R"({"vehicle_type":"bicycle","id_document_refs":["x"],"zones":["Akwa"]})");
  EXPECT_EQ(twice.status, 409) << twice.body;

  auto edited = p().CallAs(rider.access_token, "PATCH", "/v1/riders/me", R"({"zones":["Deido"],"plate":"LT 456 CD"})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(JsonField(edited.body, "zones"), R"(["Deido"])");
  EXPECT_EQ(JsonField(edited.body, "plate"), "LT 456 CD");

  std::string admin = Admin();
  auto pending = p().CallAs(admin, "GET", "/v1/admin/riders?status=pending&limit=100");
  ASSERT_EQ(pending.status, 200) << pending.body;
  EXPECT_NE(pending.body.find(rider.id), std::string::npos);
  EXPECT_EQ(p().CallAs(Support(), "GET", "/v1/admin/riders").status, 200);
  // Only an admin approves; a customer cannot approve himself.
  EXPECT_EQ(p().CallAs(rider.access_token, "POST", "/v1/admin/riders/" + rider.id + "/approve").status, 403);
  EXPECT_EQ(p().CallAs(Support(), "POST", "/v1/admin/riders/" + rider.id + "/approve").status, 403);
  EXPECT_EQ(p().CallAs(admin, "POST", "/v1/admin/riders/" + crypto::UuidV7() + "/approve").status, 404);

  auto approved = p().CallAs(admin, "POST", "/v1/admin/riders/" + rider.id + "/approve");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(JsonField(approved.body, "status"), "approved");
  EXPECT_NE(JsonField(approved.body, "approved_at"), "null");
  EXPECT_EQ(RoleOf(rider), "rider");
  auto mine = p().CallAs(rider.access_token, "GET", "/v1/riders/me");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(JsonField(mine.body, "status"), "approved");
  // Reviewed fields are frozen once approved; zones stay editable.
  EXPECT_EQ(
      p().CallAs(rider.access_token, "PATCH", "/v1/riders/me", R"({"vehicle_type":"car","plate":"CE 1 AA"})").status,
      409);
  EXPECT_EQ(p().CallAs(rider.access_token, "PATCH", "/v1/riders/me", R"({"zones":["Deido","Akwa"]})").status, 200);
  // Approving again is harmless.
  EXPECT_EQ(p().CallAs(admin, "POST", "/v1/admin/riders/" + rider.id + "/approve").status, 200);

  auto suspended = p().CallAs(admin, "POST", "/v1/admin/riders/" + rider.id + "/suspend");
  ASSERT_EQ(suspended.status, 200) << suspended.body;
  EXPECT_EQ(JsonField(suspended.body, "status"), "suspended");
  EXPECT_EQ(RoleOf(rider), "customer");

  // The outbox recorded each step, with ids only.
  auto events =
      Psql(p().db_url(), "SELECT type || ' ' || payload::text FROM users.outbox WHERE payload->>'rider_id' = '" +
                             rider.id + "' ORDER BY created_at, id");
  ASSERT_EQ(events.size(), 5u);
  EXPECT_TRUE(events[0].starts_with("rider.applied"));
  EXPECT_TRUE(events[1].starts_with("rider.updated"));
  EXPECT_TRUE(events[2].starts_with("rider.approved"));
  EXPECT_TRUE(events[3].starts_with("rider.updated"));
  EXPECT_TRUE(events[4].starts_with("rider.suspended"));
  for (const std::string& e : events) EXPECT_EQ(e.find("LT"), std::string::npos) << e;
}

TEST_F(UsersTest, ApprovalIsNotHalfDoneWhenTheAuthServiceRefuses) {
  // A rider application whose account the auth service does not know: the role call fails, so the status
  // must stay pending.
  std::string ghost = crypto::UuidV7();
  std::string documents = crypto::Keyring::LoadOrCreate(p().state_dir())
                              .EncryptToText(R"(["doc"])", "users.riders.id_document_refs:" + ghost);
  Psql(p().db_url(), "INSERT INTO users.riders (user_id, status, vehicle_type, id_document_refs_enc, zones) VALUES ('" +
                         ghost + "', 'pending', 'bicycle', '" + documents + "', '[\"Akwa\"]')");
  auto res = p().CallAs(Admin(), "POST", "/v1/admin/riders/" + ghost + "/approve");
  EXPECT_EQ(res.status, 404) << res.body;
  EXPECT_EQ(Psql(p().db_url(), "SELECT status FROM users.riders WHERE user_id = '" + ghost + "'"),
            std::vector<std::string>{"pending"});
  EXPECT_EQ(Psql(p().db_url(), "SELECT count(*) FROM users.outbox WHERE payload->>'rider_id' = '" + ghost + "'"),
            std::vector<std::string>{"0"});
}

// --- merchants, stores, staff ---------------------------------------------------------------------------------

TEST_F(UsersTest, MerchantJourneyWithStoresAndStaff) {
  auto owner = p().SignUp();
  auto applied =
      p().CallAs(owner.access_token, "POST", "/v1/merchants",
                 R"({"business_name":"Boulangerie Saker","category":"restaurant","contact_phone":"699 11 22 33"})");
  ASSERT_EQ(applied.status, 201) << applied.body;
  std::string merchant = JsonField(applied.body, "id");
  EXPECT_EQ(JsonField(applied.body, "status"), "pending");
  EXPECT_EQ(JsonField(applied.body, "my_role"), "merchant_owner");
  EXPECT_EQ(JsonField(applied.body, "contact_phone"), "+237699112233");
  // "My merchant" (how the merchant web platform finds it after sign-in), even while pending.
  auto mine = p().CallAs(owner.access_token, "GET", "/v1/users/me/merchant");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(JsonField(mine.body, "id"), merchant);
  EXPECT_EQ(JsonField(mine.body, "my_role"), "merchant_owner");
  auto nobody = p().SignUp();
  auto none = p().CallAs(nobody.access_token, "GET", "/v1/users/me/merchant");
  EXPECT_EQ(none.status, 404) << none.body;
  EXPECT_EQ(JsonField(none.body, "code"), "NOT_FOUND");
  EXPECT_EQ(p().CallAs(owner.access_token, "POST", "/v1/merchants",
                       R"({"business_name":"Encore","category":"other","contact_phone":"699112233"})")
                .status,
            409);
  EXPECT_EQ(p().CallAs(owner.access_token, "POST", "/v1/riders",
                       R"({"vehicle_type":"on_foot","id_document_refs":["x"],"zones":["Akwa"]})")
                .status,
            409)
      << "a merchant member cannot also apply as a rider";

  auto listed = p().CallAs(Support(), "GET", "/v1/admin/merchants?status=pending&limit=100");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_NE(listed.body.find(merchant), std::string::npos);
  auto approved = p().CallAs(Admin(), "POST", "/v1/admin/merchants/" + merchant + "/approve");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(JsonField(approved.body, "status"), "approved");
  EXPECT_EQ(RoleOf(owner), "merchant_owner");

  auto got = p().CallAs(owner.access_token, "GET", "/v1/merchants/" + merchant);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(JsonField(got.body, "business_name"), "Boulangerie Saker");

  // Stores.
  auto created =
      p().CallAs(owner.access_token, "POST", "/v1/merchants/" + merchant + "/stores", StoreBody("Saker Akwa"));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string store = JsonField(created.body, "id");
  EXPECT_EQ(JsonField(created.body, "delivery_radius_m"), "5000");
  EXPECT_EQ(JsonField(created.body, "paused"), "false");
  auto pub = p().Call("GET", "/v1/stores/" + store);
  ASSERT_EQ(pub.status, 200) << pub.body;
  EXPECT_EQ(JsonField(pub.body, "name"), "Saker Akwa");
  EXPECT_EQ(JsonField(pub.body, "merchant_category"), "restaurant");
  EXPECT_DOUBLE_EQ(Number(pub.body, "location", "lat"), 4.05);
  EXPECT_EQ(pub.body.find("699112233"), std::string::npos) << "no contact phone in the public view";
  EXPECT_EQ(Parse(pub.body).at("opening_hours").as_array().size(), 7u);
  auto patched = p().CallAs(owner.access_token, "PATCH", "/v1/stores/" + store,
                            R"({"paused":true,"delivery_radius_m":8000,"opening_hours":[null,null,null,null,null,)"
                            R"([{"open":"18:00","close":"24:00"}],null]})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(JsonField(patched.body, "paused"), "true");
  EXPECT_EQ(JsonField(patched.body, "delivery_radius_m"), "8000");
  EXPECT_EQ(JsonField(patched.body, "name"), "Saker Akwa");
  auto stores = p().CallAs(owner.access_token, "GET", "/v1/merchants/" + merchant + "/stores");
  EXPECT_EQ(Items(stores.body), 1u);

  // Staff by phone number (any accepted format); unknown numbers are refused.
  auto staff = p().SignUp();
  auto unknown = p().CallAs(owner.access_token, "POST", "/v1/merchants/" + merchant + "/staff",
                            R"({"phone":"+237 620 00 00 01"})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(JsonField(unknown.body, "code"), "ACCOUNT_NOT_FOUND");
  auto added = p().CallAs(owner.access_token, "POST", "/v1/merchants/" + merchant + "/staff",
                          R"({"phone":")" + staff.phone.substr(4) + R"(","role":"merchant_staff"})");
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(JsonField(added.body, "user_id"), staff.id);
  EXPECT_EQ(RoleOf(staff), "merchant_staff");
  EXPECT_EQ(p().CallAs(owner.access_token, "POST", "/v1/merchants/" + merchant + "/staff",
                       R"({"phone":")" + staff.phone + R"("})")
                .status,
            409)
      << "already a member";
  auto as_staff = p().CallAs(staff.access_token, "GET", "/v1/merchants/" + merchant);
  ASSERT_EQ(as_staff.status, 200) << as_staff.body;
  EXPECT_EQ(JsonField(as_staff.body, "my_role"), "merchant_staff");
  auto staff_mine = p().CallAs(staff.access_token, "GET", "/v1/users/me/merchant");
  EXPECT_EQ(JsonField(staff_mine.body, "id"), merchant) << staff_mine.body;
  EXPECT_EQ(JsonField(staff_mine.body, "my_role"), "merchant_staff");
  EXPECT_EQ(p().CallAs(staff.access_token, "GET", "/v1/merchants/" + merchant + "/stores").status, 200);
  EXPECT_EQ(p().CallAs(staff.access_token, "PATCH", "/v1/stores/" + store, R"({"paused":false})").status, 403);
  auto team = p().CallAs(owner.access_token, "GET", "/v1/merchants/" + merchant + "/staff");
  ASSERT_EQ(team.status, 200) << team.body;
  EXPECT_EQ(Items(team.body), 2u);

  // Another merchant's owner sees nothing of this one, and cannot poach its staff.
  Merchant other = ApprovedMerchant("Dovv Bonamoussadi");
  EXPECT_EQ(p().CallAs(other.owner.access_token, "GET", "/v1/merchants/" + merchant).status, 404);
  EXPECT_EQ(p().CallAs(other.owner.access_token, "GET", "/v1/merchants/" + merchant + "/stores").status, 404);
  EXPECT_EQ(p().CallAs(other.owner.access_token, "GET", "/v1/merchants/" + merchant + "/staff").status, 404);
  EXPECT_EQ(p().CallAs(other.owner.access_token, "PATCH", "/v1/stores/" + store, R"({"paused":false})").status, 404);
  EXPECT_EQ(
      p().CallAs(other.owner.access_token, "POST", "/v1/merchants/" + merchant + "/stores", StoreBody("X")).status,
      404);
  EXPECT_EQ(p().CallAs(other.owner.access_token, "DELETE", "/v1/merchants/" + merchant + "/staff/" + staff.id).status,
            404);
  auto poach = p().CallAs(other.owner.access_token, "POST", "/v1/merchants/" + other.id + "/staff",
                          R"({"phone":")" + staff.phone + R"("})");
  EXPECT_EQ(poach.status, 409) << poach.body;
  EXPECT_EQ(JsonField(p().CallAs(Support(), "GET", "/v1/merchants/" + merchant).body, "id"), merchant);

  // Removing staff gives the account back its customer role; an owner cannot be removed.
  EXPECT_EQ(p().CallAs(owner.access_token, "DELETE", "/v1/merchants/" + merchant + "/staff/" + owner.id).status, 409);
  EXPECT_EQ(p().CallAs(owner.access_token, "DELETE", "/v1/merchants/" + merchant + "/staff/" + staff.id).status, 204);
  EXPECT_EQ(RoleOf(staff), "customer");
  EXPECT_EQ(p().CallAs(owner.access_token, "DELETE", "/v1/merchants/" + merchant + "/staff/" + staff.id).status, 404);

  auto events = Psql(p().db_url(), "SELECT type FROM users.outbox WHERE payload->>'merchant_id' = '" + merchant +
                                       "' ORDER BY created_at, id");
  EXPECT_EQ(events, (std::vector<std::string>{"merchant.applied", "merchant.approved", "store.created", "store.updated",
                                              "merchant.staff_added", "merchant.staff_removed"}));
}

TEST_F(UsersTest, StoresNeedAnApprovedMerchantAndAreHiddenOtherwise) {
  auto owner = p().SignUp();
  auto applied = p().CallAs(owner.access_token, "POST", "/v1/merchants",
                            R"({"business_name":"Pending Shop","category":"other","contact_phone":"690000002"})");
  ASSERT_EQ(applied.status, 201) << applied.body;
  std::string merchant = JsonField(applied.body, "id");
  // Still a customer: the gateway refuses the owner routes; with an owner token the merchant is not approved.
  EXPECT_EQ(p().CallAs(owner.access_token, "POST", "/v1/merchants/" + merchant + "/stores", StoreBody("A")).status,
            403);
  std::string owner_token = p().MintToken(owner.id, "merchant_owner", crypto::UuidV7());
  EXPECT_EQ(p().CallAs(owner_token, "POST", "/v1/merchants/" + merchant + "/stores", StoreBody("A")).status, 409);
  EXPECT_EQ(p().Call("GET", "/v1/stores/" + crypto::UuidV7()).status, 404);
}

// --- support view and personal data at rest ---------------------------------------------------------------------

TEST_F(UsersTest, SupportReadsAProfileWithSummaries) {
  auto a = p().SignUp();
  ASSERT_EQ(p().CallAs(a.access_token, "PATCH", "/v1/users/me", R"({"name":"Tchoupo Marcel"})").status, 200);
  ASSERT_EQ(p().CallAs(a.access_token, "POST", "/v1/users/me/addresses", AddressBody("Face pharmacie")).status, 201);
  ASSERT_EQ(p().CallAs(a.access_token, "POST", "/v1/riders",
                       R"({"vehicle_type":"bicycle","id_document_refs":["doc"],"zones":["Melen"]})")
                .status,
            201);
  auto res = p().CallAs(Support(), "GET", "/v1/users/" + a.id);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(JsonField(res.body, "name"), "Tchoupo Marcel");
  EXPECT_EQ(JsonField(res.body, "addresses_count"), "1");
  EXPECT_EQ(JsonField(res.body, "rider.status"), "pending");
  EXPECT_EQ(JsonField(res.body, "merchant"), "null");
  EXPECT_EQ(p().CallAs(Admin(), "GET", "/v1/users/" + crypto::UuidV7()).status, 404);
  EXPECT_EQ(p().CallAs(Admin(), "GET", "/v1/users/not-an-id").status, 404);
}

TEST_F(UsersTest, PersonalDataIsEncryptedAtRest) {
  auto a = p().SignUp();
  std::string tag = crypto::RandomToken(6);
  std::string landmark = "Derrière la station Total " + tag;
  std::string name = "Mbarga " + tag;
  std::string local = a.phone.substr(4);
  json::object body{{"label", "home"},
                    {"location", json::object{{"lat", 3.8951234}, {"lon", 11.5104321}}},
                    {"landmark", landmark},
                    {"neighbourhood", "Quartier " + tag},
                    {"instructions", "Demander " + tag},
                    {"phone_to_call", a.phone}};
  auto created = p().CallAs(a.access_token, "POST", "/v1/users/me/addresses", json::serialize(body));
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_EQ(p().CallAs(a.access_token, "PATCH", "/v1/users/me", R"({"name":")" + name + "\"}").status, 200);
  ASSERT_EQ(p().CallAs(a.access_token, "POST", "/v1/riders",
                       R"({"vehicle_type":"car","plate":"CE 777 ZZ","id_document_refs":["cni_)" + tag +
                           R"("],"zones":["Bastos"]})")
                .status,
            201);

  auto landmarks = Psql(p().db_url(), "SELECT landmark_enc FROM users.addresses WHERE user_id = '" + a.id + "'");
  ASSERT_EQ(landmarks.size(), 1u);
  EXPECT_EQ(landmarks[0].find(tag), std::string::npos);
  EXPECT_EQ(landmarks[0].find("Derri"), std::string::npos);
  std::string everything;
  for (const char* sql : {"SELECT t::text FROM users.addresses t", "SELECT t::text FROM users.profiles t",
                          "SELECT t::text FROM users.riders t", "SELECT t::text FROM users.merchants t",
                          "SELECT t::text FROM users.outbox t"}) {
    for (const std::string& row : Psql(p().db_url(), sql)) everything += row + "\n";
  }
  for (const std::string& needle : {tag, local, std::string("3.8951234"), std::string("11.5104321"),
                                    std::string("CE 777 ZZ"), std::string("Mbarga")}) {
    EXPECT_EQ(everything.find(needle), std::string::npos) << "found in clear: " << needle;
  }
  // …and the owner still reads it back.
  auto mine = p().CallAs(a.access_token, "GET", "/v1/users/me/addresses/" + JsonField(created.body, "id"));
  EXPECT_EQ(JsonField(mine.body, "landmark"), landmark);
  EXPECT_DOUBLE_EQ(Number(mine.body, "location", "lat"), 3.8951234);
}

}  // namespace
}  // namespace okada::test
