#pragma once
// Every SQL statement of the brain service (schema `brain`, V001__brain.sql).
#include "okada/core/pg/pg.hpp"

namespace okada::brain::store {

// $1 riders, $2 orders, $3 assigned, $4 unassigned, $5 batched, $6 lateness_s, $7 complete, $8 elapsed_ms,
// $9 eta_model, $10 plan (json)
inline const pg::Statement kRoundInsert{
    "brain.round_insert",
    "INSERT INTO brain.dispatch_rounds (riders, orders, assigned, unassigned, batched, lateness_s, complete, "
    "elapsed_ms, eta_model, plan) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)"};

}  // namespace okada::brain::store
