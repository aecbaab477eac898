import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The TodoApp serves this build from ClientApp/dist, on the same origin as the API and the hub.
export default defineConfig({
  plugins: [react()],
  resolve: {
    // @querytags/signalr is linked from clients/, whose own node_modules (its dev install) would otherwise
    // give the bundle a second React, a second SignalR and a second query-core.
    dedupe: ["react", "react-dom", "@microsoft/signalr", "@microsoft/signalr-protocol-msgpack", "@tanstack/query-core", "@tanstack/react-query", "@tanstack/react-router"],
  },
  server: {
    // `npm run dev` next to `dotnet run --project samples/TodoApp`: the API and the hub stay on the app.
    proxy: {
      "/api": "http://localhost:5080",
      "/hubs": { target: "http://localhost:5080", ws: true },
    },
  },
});
