import { readFileSync } from "node:fs";
import { schemas } from "../scripts/rule-schema.js";

test("the JSON Schemas for editors are generated from the zod schemas and up to date (npm run schema)", () => {
  for (const [file, text] of Object.entries(schemas())) {
    expect({ file, text: readFileSync(file, "utf8") }).toEqual({ file, text });
  }
});
