// Starts Swagger UI on the Okada API contract. Kept out of index.html so that a strict Content-Security-Policy
// (script-src 'self', no 'unsafe-inline') works. Served by the gateway at /docs/docs.js.
(function () {
  "use strict";
  window.addEventListener("DOMContentLoaded", function () {
    window.ui = window.SwaggerUIBundle({
      url: "/v1/openapi.yaml",
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIStandalonePreset],
      plugins: [window.SwaggerUIBundle.plugins.DownloadUrl],
      layout: "StandaloneLayout",
      displayOperationId: true,
      displayRequestDuration: true,
      defaultModelsExpandDepth: 1,
      docExpansion: "list",
      filter: true,
      persistAuthorization: false,
      tryItOutEnabled: false,
      validatorUrl: null
    });
  });
})();
