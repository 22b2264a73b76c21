// Build and test configuration. `npm run build` writes web/dist/ (index.html + hashed files
// under /assets/), which the tamkine server serves; `npm run dev` proxies /api to a running
// server (TAMKINE_API, default http://127.0.0.1:8080).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      // The Tifinagh font files (SIL Open Font License) referenced from styles.css.
      '@tifinagh': fileURLToPath(new URL('./node_modules/@fontsource/noto-sans-tifinagh/files', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // Old computers: browsers since late 2020 (CSS logical properties need Chrome 87).
    target: ['es2020', 'chrome87', 'edge88', 'firefox78', 'safari14'],
    sourcemap: false,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': process.env.TAMKINE_API ?? 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
});
