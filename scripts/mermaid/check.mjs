// Parses Mermaid files with Mermaid's own parser, as `mermaid.parse` does in a browser; jsdom
// provides the DOM that Mermaid and DOMPurify expect. Exits 1 when any file does not parse.
//   node scripts/mermaid/check.mjs FILE.mmd...
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
globalThis.Element = dom.window.Element;

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  try {
    const result = await mermaid.parse(text);
    console.log(`ok    ${file}: ${result.diagramType}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL  ${file}: ${String(e.message ?? e).split("\n").slice(0, 4).join(" | ")}`);
  }
}
console.log(`mermaid: ${process.argv.length - 2 - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
