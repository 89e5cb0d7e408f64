/** The fix: defusedxml's drop-in function, when the file imports defusedxml. */
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { xmlDefused } from "../../src/core/lib/xml.js";

export default defineRule({
  options: NO_OPTIONS,
  fix: xmlDefused,
});
