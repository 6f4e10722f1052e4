/** Vite bundles the stylesheets the renderer imports for their effect alone (main.tsx). */
declare module '*.css';
