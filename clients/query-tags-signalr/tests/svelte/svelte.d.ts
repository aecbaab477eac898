// tsc reads no .svelte file: the tests import the components by this shape (Vite's Svelte plugin compiles them).
declare module "*.svelte" {
  import type { Component } from "svelte";
  const component: Component<any>;
  export default component;
}
