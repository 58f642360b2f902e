// Compile the site's Python to bytecode with the site's own Pyodide, in Node.js.
//
// Usage: node lite/bytecode.mjs JOB.json OUT.whl   (run by lite/build.py)
//
// JOB.json: {"pyodide": folder of the runtime and the lock's wheels, "packages": lock names,
// "wheels": wheel paths, "script": Python source to run}. The script (lite/bytecode_workload.py)
// imports what the kernel imports at start and runs every lesson's code, then writes a wheel of
// unchecked-hash .pyc files for the modules that were imported. Pyodide in the browser then
// imports them without compiling their source: the same interpreter made them.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [jobPath, outPath] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobPath, "utf8"));
const { loadPyodide } = await import(pathToFileURL(resolve(job.pyodide, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: resolve(job.pyodide) + "/" });
const quiet = { messageCallback: () => {}, errorCallback: (m) => console.error(m) };
await pyodide.loadPackage([...job.packages, ...job.wheels.map((w) => resolve(w))], quiet);
pyodide.globals.set("job", pyodide.toPy(job));
const summary = await pyodide.runPythonAsync(job.script);
writeFileSync(outPath, pyodide.FS.readFile("/tmp/bytecode.whl"));
console.log(summary);
