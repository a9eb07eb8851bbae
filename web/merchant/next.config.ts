import type { NextConfig } from 'next';

// A static export (no Node server in production): the gateway serves web/merchant/out under /merchant.
const config: NextConfig = {
  output: 'export',
  basePath: '/merchant',
  trailingSlash: true,
  reactStrictMode: true,
  poweredByHeader: false,
  productionBrowserSourceMaps: false,
  images: { unoptimized: true },
  transpilePackages: ['@okada/api-client', '@okada/i18n', '@okada/ui'],
};

export default config;
