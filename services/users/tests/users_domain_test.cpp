// The users service's rules and request parsing, without I/O: identifiers, pagination, UTF-8, plates, opening
// hours, status transitions, staff eligibility, request bodies and the auth service's answers.

#include <gtest/gtest.h>

#include "api/auth_client.hpp"
#include "api/common.hpp"
#include "api/views.hpp"
#include "domain/rules.hpp"
#include "events/outbox.hpp"

namespace okada::users {
namespace {

using namespace domain;

std::vector<std::string> Fields(const Error& e) {
  std::vector<std::string> out;
  for (const FieldError& f : e.fields()) out.push_back(f.field + ":" + f.code);
  return out;
}

TEST(UsersRules, Uuids) {
  EXPECT_TRUE(IsUuid("01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9d"));
  EXPECT_TRUE(IsUuid("01932C07-2F8A-7C3E-9B1D-4F5E6A7B8C9D"));
  EXPECT_FALSE(IsUuid("01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9"));
  EXPECT_FALSE(IsUuid("01932c07x2f8a-7c3e-9b1d-4f5e6a7b8c9d"));
  EXPECT_FALSE(IsUuid("g1932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9d"));
  EXPECT_FALSE(IsUuid("' OR 1=1 --"));
  EXPECT_FALSE(IsUuid(""));
}

TEST(UsersRules, Utf8) {
  EXPECT_TRUE(IsValidUtf8("derrière la station Total, carrefour Bastos"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x9B\xB5"));   // U+1F6F5 motor scooter
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("ok\xFF"));
  EXPECT_TRUE(HasControlChars(std::string("a\0b", 3)));
  EXPECT_TRUE(HasControlChars("a\nb"));
  EXPECT_FALSE(HasControlChars("a\nb", true));
  EXPECT_FALSE(HasControlChars("Bépanda"));
}

TEST(UsersRules, LimitIsClampedAndOnlyNonNumbersAreErrors) {
  EXPECT_EQ(ParseLimit(std::nullopt), 20);
  EXPECT_EQ(ParseLimit("5"), 5);
  EXPECT_EQ(ParseLimit("100000"), 100);
  EXPECT_EQ(ParseLimit("99999999999999999999999999"), 100);
  EXPECT_EQ(ParseLimit("0"), 1);
  EXPECT_EQ(ParseLimit("-3"), 1);
  EXPECT_EQ(ParseLimit("abc"), std::nullopt);
  EXPECT_EQ(ParseLimit("1.5"), std::nullopt);
  EXPECT_EQ(ParseLimit(""), std::nullopt);
  EXPECT_EQ(ParseLimit("-"), std::nullopt);
}

TEST(UsersRules, CursorsRoundTripAndRejectForeignText) {
  std::string id = "01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9d";
  EXPECT_EQ(DecodeCursor(EncodeCursor(id)), id);
  EXPECT_EQ(DecodeCursor("not a cursor"), std::nullopt);
  EXPECT_EQ(DecodeCursor(EncodeCursor("'; DROP TABLE users.profiles; --")), std::nullopt);
}

TEST(UsersRules, PlacesAndPlates) {
  EXPECT_TRUE(InCameroon(3.895, 11.510));  // Bastos, Yaoundé
  EXPECT_TRUE(InCameroon(4.045, 9.689));   // Bonanjo, Douala
  EXPECT_FALSE(InCameroon(48.85, 2.35));   // Paris
  EXPECT_FALSE(InCameroon(0, 0));
  EXPECT_TRUE(VehicleNeedsPlate("motorcycle"));
  EXPECT_TRUE(VehicleNeedsPlate("car"));
  EXPECT_FALSE(VehicleNeedsPlate("bicycle"));
  EXPECT_FALSE(VehicleNeedsPlate("on_foot"));
  EXPECT_EQ(NormalizePlate(" lt 123-ab "), "LT 123-AB");
  EXPECT_EQ(NormalizePlate("AB"), std::nullopt);
  EXPECT_EQ(NormalizePlate("ABCDEFGHIJKLMNOP"), std::nullopt);
  EXPECT_EQ(NormalizePlate("LT_123"), std::nullopt);
  EXPECT_EQ(NormalizePlate("LTé123"), std::nullopt);
}

TEST(UsersRules, RiderTransitions) {
  auto a = ApproveRider(Status::kPending);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->to, Status::kApproved);
  EXPECT_TRUE(a->changes_status);
  EXPECT_EQ(a->role, "rider");
  auto again = ApproveRider(Status::kApproved);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changes_status);
  EXPECT_EQ(again->role, "rider");  // re-asserted: heals a half-done earlier approval
  auto back = ApproveRider(Status::kSuspended);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->changes_status);

  auto s = SuspendRider(Status::kApproved);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->to, Status::kSuspended);
  EXPECT_EQ(s->role, "customer");
  auto sp = SuspendRider(Status::kPending);
  ASSERT_TRUE(sp);
  EXPECT_TRUE(sp->changes_status);
  EXPECT_FALSE(sp->role) << "a pending applicant never had the rider role";
  auto ss = SuspendRider(Status::kSuspended);
  ASSERT_TRUE(ss);
  EXPECT_FALSE(ss->changes_status);

  auto m = ApproveMerchant(Status::kPending);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->role, "merchant_owner");
  EXPECT_EQ(ParseStatus("approved"), Status::kApproved);
  EXPECT_EQ(ParseStatus("deleted"), std::nullopt);
  EXPECT_EQ(ToString(Status::kSuspended), "suspended");
}

TEST(UsersRules, StaffEligibility) {
  std::string m = "01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9d";
  std::string other = "01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9e";
  EXPECT_EQ(CanBecomeStaff("customer", "active", std::nullopt, m, false), StaffEligibility::kOk);
  EXPECT_EQ(CanBecomeStaff("rider", "active", std::nullopt, m, false), StaffEligibility::kRider);
  EXPECT_EQ(CanBecomeStaff("customer", "active", std::nullopt, m, true), StaffEligibility::kRider);
  EXPECT_EQ(CanBecomeStaff("merchant_staff", "active", other, m, false), StaffEligibility::kOtherMerchant);
  EXPECT_EQ(CanBecomeStaff("merchant_owner", "active", m, m, false), StaffEligibility::kAlreadyMember);
  EXPECT_EQ(CanBecomeStaff("merchant_staff", "active", std::nullopt, m, false), StaffEligibility::kOk)
      << "an orphaned staff role (half-done earlier invitation) may be reused";
  EXPECT_EQ(CanBecomeStaff("admin", "active", std::nullopt, m, false), StaffEligibility::kOtherRole);
  EXPECT_EQ(CanBecomeStaff("customer", "suspended", std::nullopt, m, false), StaffEligibility::kSuspended);
  EXPECT_FALSE(Explain(StaffEligibility::kOtherMerchant).empty());
}

TEST(UsersRules, OpeningHours) {
  EXPECT_EQ(ParseClock("08:00", false), 480);
  EXPECT_EQ(ParseClock("21:30", true), 1290);
  EXPECT_EQ(ParseClock("24:00", true), 1440);
  EXPECT_EQ(ParseClock("24:00", false), std::nullopt);
  EXPECT_EQ(ParseClock("8:00", false), std::nullopt);
  EXPECT_EQ(ParseClock("08:60", false), std::nullopt);
  EXPECT_EQ(ParseClock("25:00", true), std::nullopt);
  EXPECT_EQ(FormatClock(1290), "21:30");
  DayHours ok{{1080, 1320}, {480, 720}};
  EXPECT_FALSE(CheckDay(ok));
  EXPECT_EQ(ok.front().open, 480) << "sorted";
  DayHours backwards{{1290, 480}};
  EXPECT_TRUE(CheckDay(backwards));
  DayHours overlap{{480, 720}, {700, 900}};
  EXPECT_TRUE(CheckDay(overlap));
  DayHours four{{0, 60}, {120, 180}, {240, 300}, {360, 420}};
  EXPECT_TRUE(CheckDay(four));
}

TEST(UsersBody, ReportsFieldsNotCrashes) {
  // Not JSON / not an object: 400 MALFORMED_JSON.
  for (const char* text : {"", "[1,2]", "\"x\"", "{", "null"}) {
    try {
      api::Body b(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kMalformedJson) << text;
    }
  }
  // Invalid UTF-8 inside a string: 422 naming the field.
  try {
    api::Body b(std::string("{\"landmark\":\"carrefour \xC3\x28\"}"));
    ADD_FAILURE() << "accepted invalid UTF-8";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kValidationFailed);
    EXPECT_EQ(Fields(e), std::vector<std::string>{"landmark:INVALID_FORMAT"});
  }
  // Arrays of strings.
  api::Body b(R"({"zones":["Bastos", 3, "", "Akwa", "Bastos"], "extra": 1})");
  EXPECT_FALSE(b.StringArray("zones", 1, 20, 50, true));
  b.RejectUnknown({"zones"});
  try {
    b.Finish();
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(Fields(e), (std::vector<std::string>{"zones[1]:INVALID_TYPE", "zones[2]:REQUIRED", "extra:NOT_ALLOWED"}));
  }
  api::Body dup(R"({"zones":["Bastos","Akwa","Bastos"]})");
  EXPECT_EQ(dup.StringArray("zones", 1, 20, 50, true), (std::vector<std::string>{"Bastos", "Akwa"}));
}

TEST(UsersBody, LocationMustBeInCameroon) {
  api::Body b(R"({"location":{"lat":48.85,"lon":2.35}})");
  EXPECT_FALSE(api::ReadLocation(b.r(), "location"));
  try {
    b.Finish();
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(Fields(e), (std::vector<std::string>{"location.lat:OUT_OF_RANGE", "location.lon:OUT_OF_RANGE"}));
  }
  api::Body ok(R"({"location":{"lat":3.895,"lon":11.51}})");
  auto loc = api::ReadLocation(ok.r(), "location");
  ASSERT_TRUE(loc);
  EXPECT_DOUBLE_EQ(loc->lat, 3.895);
  api::LatLon back = api::ParseLocationText(api::LocationText(loc->lat, loc->lon));
  EXPECT_EQ(back.lat, loc->lat);
  EXPECT_EQ(back.lon, loc->lon);
}

TEST(UsersBody, OpeningHoursNameTheBadElement) {
  api::Body b(R"({"opening_hours":[null,[{"open":"08:00","close":"21:30"}],[{"open":"22:00","close":"06:00"}],
                  [{"open":"8h","close":"12:00"}],[],null,[{"open":"08:00","close":"12:00","x":1}]]})");
  EXPECT_FALSE(api::ReadOpeningHours(b, "opening_hours", true));
  try {
    b.Finish();
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(Fields(e),
              (std::vector<std::string>{"opening_hours[2]:OUT_OF_RANGE", "opening_hours[3][0].open:INVALID_FORMAT",
                                        "opening_hours[6][0].x:NOT_ALLOWED"}));
  }
  api::Body good(R"({"opening_hours":[null,[{"open":"14:00","close":"21:30"},{"open":"08:00","close":"12:00"}],
                     null,null,null,null,[]]})");
  auto week = api::ReadOpeningHours(good, "opening_hours", true);
  ASSERT_TRUE(week);
  EXPECT_EQ(boost::json::serialize(api::HoursJson(*week)),
            R"([null,[{"open":"08:00","close":"12:00"},{"open":"14:00","close":"21:30"}],null,null,null,null,null])");
  api::Body six(R"({"opening_hours":[null,null,null,null,null,null]})");
  EXPECT_FALSE(api::ReadOpeningHours(six, "opening_hours", true));
  EXPECT_THROW(six.Finish(), Error);
}

TEST(UsersAuthClient, RequestsCarryTheServiceTokenDeadlineAndRequestId) {
  State s{nullptr, std::make_shared<crypto::LiveKeyring>(crypto::Keyring::FromKeys({{1, std::string(32, 'k')}})),
          nullptr, "tok"};
  api::CallContext call{DeadlineIn(std::chrono::milliseconds(1500)), "req-1"};
  http::ClientRequest r = api::RoleRequest(s, call, "01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9d", "rider");
  EXPECT_EQ(r.method, http::Method::kPut);
  EXPECT_EQ(r.url, "/internal/v1/accounts/01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9d/role");
  EXPECT_EQ(r.body, R"({"role":"rider"})");
  EXPECT_EQ(r.deadline, call.deadline);
  EXPECT_EQ(r.request_id, "req-1");
  bool token = false;
  for (const auto& [k, v] : r.headers) token |= k == "X-Okada-Service-Token" && v == "tok";
  EXPECT_TRUE(token);
  http::ClientRequest l = api::LookupRequest(s, call, "+237690000001");
  EXPECT_EQ(l.url, "/internal/v1/accounts/lookup");
  EXPECT_EQ(l.body, R"({"phone":"+237690000001"})");
}

TEST(UsersAuthClient, AnswersMapToStableErrors) {
  http::ClientResponse ok{
      200, {}, R"({"id":"01932C07-2F8A-7C3E-9B1D-4F5E6A7B8C9D","role":"customer","status":"active"})"};
  api::Account a = api::ParseLookupAnswer(ok);
  EXPECT_EQ(a.id, "01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9d");
  EXPECT_EQ(a.role, "customer");
  http::ClientResponse missing{404, {}, R"({"code":"ACCOUNT_NOT_FOUND"})"};
  try {
    api::ParseLookupAnswer(missing);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kAccountNotFound);
  }
  http::ClientResponse garbage{200, {}, "<html>"};
  try {
    api::ParseLookupAnswer(garbage);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUpstreamUnavailable);
  }
  EXPECT_NO_THROW(api::CheckRoleAnswer(http::ClientResponse{204, {}, ""}));
  try {
    api::CheckRoleAnswer(http::ClientResponse{403, {}, ""});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUpstreamUnavailable);
  }
}

TEST(UsersEvents, PayloadsCarryIdsOnly) {
  EXPECT_EQ(events::PayloadJson(events::Of("rider.approved", "rider_id", "r1")), R"({"v":1,"rider_id":"r1"})");
  EXPECT_EQ(events::PayloadJson(events::Of("store.updated", "store_id", "s1", "merchant_id", "m1")),
            R"({"v":1,"store_id":"s1","merchant_id":"m1"})");
}

}  // namespace
}  // namespace okada::users
