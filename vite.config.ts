import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is served from app:// in Electron and from a secret path in the harness:
// relative asset URLs work under both.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome120',
  },
});
