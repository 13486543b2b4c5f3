// Builds the UI into the Python package (framework_m_studio/static), which Studio serves at "/"
// with the hashed bundles under "/assets". `npm run dev` serves it with hot reload and forwards the
// API to a running `m studio` (STUDIO_URL, default http://127.0.0.1:9000).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const studio = process.env.STUDIO_URL ?? "http://127.0.0.1:9000";

export default defineConfig({
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: fileURLToPath(new URL("../src/framework_m_studio/static", import.meta.url)),
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    target: "es2022",
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: { "/studio/api": { target: studio, changeOrigin: true } },
  },
});
