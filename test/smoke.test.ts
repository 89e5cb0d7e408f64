import Parser from "tree-sitter";
import Python from "tree-sitter-python";
test("tree-sitter parses python", () => {
  const p = new Parser();
  p.setLanguage(Python as unknown as Parser.Language);
  expect(p.parse("x = 1\n").rootNode.type).toBe("module");
});
