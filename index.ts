/** The package's entry point (the library lives in components/). */
export * from "./components";
