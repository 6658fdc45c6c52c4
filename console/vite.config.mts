// The console's build: Vue single-file components, bundled into console/dist with everything inlined
// from npm (no CDN, no web font). `npm run console:dev` serves it with the API proxied from :3000.
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/openapi.json', '/docs', '/healthz', '/readyz'].map((p) => [
        p,
        process.env.DUBAN_API_URL ?? 'http://127.0.0.1:3000',
      ]),
    ),
  },
});
