// Medusa 2.21.2 as the peer of bench/commerce/run.sh: production mode, PostgreSQL from DATABASE_URL (the
// bench's private server, database "medusa"), and the Redis-backed modules a production deployment uses
// (event bus, cache, workflow engine, locking) on the bench Redis (REDIS_URL). Inventory management is the
// default of the inventory/stock-location modules; seed.mjs creates every variant with manage_inventory: true
// and a stock level, so adding to cart checks availability and completing a cart reserves stock.
// The admin dashboard is disabled (nothing here uses it; it would only slow start-up).
import { defineConfig, loadEnv, Modules } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "production", process.cwd())

const redisUrl = process.env.REDIS_URL
if (!process.env.DATABASE_URL || !redisUrl) throw new Error("set DATABASE_URL and REDIS_URL (see setup.sh)")

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    databaseDriverOptions: { pool: { min: 2, max: Number(process.env.MEDUSA_PG_POOL || 16) } },
    redisUrl,
    workerMode: "shared",
    http: {
      storeCors: "http://localhost:8000",
      adminCors: "http://localhost:9000",
      authCors: "http://localhost:9000",
      jwtSecret: process.env.JWT_SECRET,
      cookieSecret: process.env.COOKIE_SECRET,
    },
  },
  admin: { disable: true },
  modules: [
    { key: Modules.CACHE, resolve: "@medusajs/medusa/cache-redis", options: { redisUrl } },
    { key: Modules.EVENT_BUS, resolve: "@medusajs/medusa/event-bus-redis", options: { redisUrl } },
    {
      key: Modules.WORKFLOW_ENGINE,
      resolve: "@medusajs/medusa/workflow-engine-redis",
      options: { redis: { redisUrl } },
    },
    {
      key: Modules.LOCKING,
      resolve: "@medusajs/medusa/locking",
      options: {
        providers: [
          { resolve: "@medusajs/medusa/locking-redis", id: "locking-redis", is_default: true, options: { redisUrl } },
        ],
      },
    },
  ],
})
