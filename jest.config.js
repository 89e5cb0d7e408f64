/** jest 30 + ts-jest in ESM mode; run with NODE_OPTIONS=--experimental-vm-modules (npm test does). */
export default {
  preset: "ts-jest/presets/default-esm",
  // loads tree-sitter once per worker process (its native binding cannot be loaded twice)
  testEnvironment: "<rootDir>/test/support/environment.cjs",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: {
    "^tree-sitter$": "<rootDir>/test/support/tree-sitter.cjs",
    "^tree-sitter-python$": "<rootDir>/test/support/tree-sitter-python.cjs",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, diagnostics: false }],
  },
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  testTimeout: 30000,
};
