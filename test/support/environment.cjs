// tree-sitter's native binding sets up its classes once per process: loading it again in each
// test file's module registry breaks it. Load it once here, outside the registry, and hand the
// same instance to every test file (see moduleNameMapper in jest.config.js).
const { TestEnvironment } = require("jest-environment-node");
const Parser = require("tree-sitter");
const Python = require("tree-sitter-python");

class HunkGuardEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__hunkguardTreeSitter = { Parser, Python };
  }
}
module.exports = HunkGuardEnvironment;
