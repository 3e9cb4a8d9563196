// Byte-compile wheels with the site's own Python: Pyodide under Node.js (tools/lite/pyc.py does the work).
//   node tools/lite/compile_wheels.mjs RUNTIME_DIR WHEELS_IN WHEELS_OUT
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [runtime, source, out] = process.argv.slice(2).map((p) => resolve(p));
const { loadPyodide } = await import(pathToFileURL(join(runtime, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: runtime + "/" });
pyodide.mountNodeFS("/wheels-in", source);
pyodide.mountNodeFS("/wheels-out", out);
pyodide.runPython(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "pyc.py"), "utf8"));
const written = pyodide.runPython("compile_wheels('/wheels-in', '/wheels-out')").toJs();
console.log(JSON.stringify({ python: pyodide.runPython("import sys; sys.implementation.cache_tag"), wheels: written }));
