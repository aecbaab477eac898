import { svelte } from "@sveltejs/vite-plugin-svelte";
import solid from "vite-plugin-solid";
import { configDefaults, defineConfig } from "vitest/config";

// Frameworks whose components need a compiler have a project of their own, so each compiler sees only its own
// tests (Solid's JSX and React's share the .tsx extension).
const compiled = ["tests/svelte/**", "tests/solid/**"];

export default defineConfig({
  test: {
    // Integration tests start a real server and wait on real networking.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "client",
          include: ["tests/**/*.test.{ts,tsx}"],
          exclude: [...configDefaults.exclude, ...compiled],
          typecheck: {
            enabled: true,
            include: ["tests/**/*.test-d.ts"],
            tsconfig: "./tsconfig.json",
          },
        },
      },
      {
        extends: true,
        plugins: [svelte({ configFile: false })],
        // Svelte's exports give Node its server build, which cannot mount: jsdom's tests take the browser's.
        resolve: { conditions: ["browser"] },
        test: { name: "svelte", include: ["tests/svelte/**/*.test.ts"] },
      },
      {
        extends: true,
        plugins: [solid()],
        test: { name: "solid", include: ["tests/solid/**/*.test.tsx"] },
      },
    ],
  },
});
