#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "okada/brain/eta/metrics.hpp"
#include "okada/brain/eta/model.hpp"
#include "okada/brain/eta/synthetic.hpp"
#include "okada/brain/eta/zones.hpp"

namespace okada::brain::eta {
namespace {

const std::filesystem::path kModel = OKADA_ETA_MODEL_FILE;

TEST(EtaCommittedModel, LoadsAndIsSmall) {
  ASSERT_TRUE(std::filesystem::exists(kModel)) << kModel;
  EXPECT_LT(std::filesystem::file_size(kModel), 1024u * 1024u);
  const Model m = Model::Load(kModel);
  EXPECT_TRUE(m.HasTrees());
  EXPECT_EQ(m.Version().rfind("douala-eta@", 0), 0u) << m.Version();
  EXPECT_DOUBLE_EQ(m.Data().baseline.circuity, kDefaultCircuity);
}

TEST(EtaCommittedModel, BeatsTheBaselineOnFreshHeldOutTrips) {
  const Model m = Model::Load(kModel);
  // Two weeks after the training period (2026-06-01 + 70 days), another seed than training's (1).
  SyntheticParams params = DefaultSyntheticParams();
  params.start_day = ParseDate("2026-08-10");
  const auto trips = GenerateTrips(params, 14, 2027);
  const ModelEvaluation e = Evaluate(m, trips);
  EXPECT_GE(e.mae_improvement, 0.15) << "baseline MAE " << e.baseline.mae_s << " s, GBT MAE " << e.model.mae_s << " s";
  EXPECT_LT(e.model.p90_abs_error_s, e.baseline.p90_abs_error_s);
  EXPECT_LT(e.model.mape, e.baseline.mape);
}

TEST(EtaCommittedModel, LearnedTheTrafficStory) {
  const Model m = Model::Load(kModel);
  const Zone& akwa = ZoneAt(ZoneByName("Akwa"));
  const Zone& makepe = ZoneAt(ZoneByName("Makepe"));
  const Zone& bonaberi = ZoneAt(ZoneByName("Bonabéri"));
  const Zone& deido = ZoneAt(ZoneByName("Deido"));
  const TripQuery night{akwa.lat, akwa.lon, makepe.lat, makepe.lon, 2, 1, false};  // Tuesday 2 h
  TripQuery rush = night;
  rush.hour = 18;
  TripQuery rain = rush;
  rain.rain = true;
  EXPECT_GT(m.Seconds(rush), 1.3 * m.Seconds(night));
  EXPECT_GT(m.Seconds(rain), 1.1 * m.Seconds(rush));
  // Relative to the baseline, crossing the Wouri bridge (Akwa to Bonabéri) is slower than staying on the east bank
  // (Akwa to Deido).
  const TripQuery to_deido{akwa.lat, akwa.lon, deido.lat, deido.lon, 11, 2, false};
  const TripQuery to_bonaberi{akwa.lat, akwa.lon, bonaberi.lat, bonaberi.lon, 11, 2, false};
  EXPECT_GT(m.Seconds(to_bonaberi) / m.BaselineSeconds(to_bonaberi), m.Seconds(to_deido) / m.BaselineSeconds(to_deido));
  EXPECT_GT(m.Seconds(night), 60);
  EXPECT_LT(m.Seconds(rain), 3 * 3600);
}

}  // namespace
}  // namespace okada::brain::eta
