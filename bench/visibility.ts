/**
 * `npm run bench:visibility`: what each visibility combination costs on the MNIST MLP (issue 12). For
 * every --input-visibility × --output-visibility × --param-visibility, one fresh process compiles, sets
 * up (development Groth16 key), proves, verifies and runs the Solidity verifier on the in-process EVM:
 * constraints, public signals, prove time and verifyProof gas (a whole transaction).
 *
 * Writes bench/results/visibility.json, keeping the rows of combinations not run now;
 * `npm run bench:results` puts its table in bench/RESULTS.md.
 *
 * Usage: npx tsx bench/visibility.ts [--params fixed,hashed,private]
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { InputVisibility, OutputVisibility, ParamVisibility } from "../src/3-lower/ir.js";
import { writeJsonAtomic } from "../src/artifacts.js";
import { describeMachine } from "../src/bench/machine.js";
import { runInChild } from "../src/bench/runs.js";
import { VERSION } from "../src/version.js";
import type { VisibilityReport, VisibilityRow } from "./visibility-md.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const INPUTS: InputVisibility[] = ["private", "public", "hashed"];
const OUTPUTS: OutputVisibility[] = ["public", "hashed"];

const { values: a } = parseArgs({ options: { params: { type: "string", default: "fixed,hashed,private" } } });
const params = (a.params ?? "").split(",") as ParamVisibility[];
const out = join(here, "results", "visibility.json");
const key = (r: Pick<VisibilityRow, "input" | "output" | "param">) => `${r.input}|${r.output}|${r.param}`;
const rows = new Map<string, VisibilityRow>(
  existsSync(out)
    ? (JSON.parse(readFileSync(out, "utf8")) as VisibilityReport).rows.map((r) => [key(r), r])
    : [],
);
const work = join(root, "build", "bench-visibility");
mkdirSync(work, { recursive: true });
for (const param of params)
  for (const output of OUTPUTS)
    for (const input of INPUTS) {
      const buildDir = join(work, `${input}-${output}-${param}`);
      rmSync(buildDir, { recursive: true, force: true });
      const o = await runInChild({
        model: join(root, "examples/mnist_mlp/model.onnx"),
        input: join(root, "examples/mnist_mlp/input.json"),
        buildDir,
        system: "groth16",
        compile: {
          inputRange: [0, 1],
          inputVisibility: input,
          outputVisibility: output,
          paramVisibility: param,
        },
        evm: true,
      });
      rmSync(buildDir, { recursive: true, force: true });
      // A verifier with hundreds of public signals is over the EVM's contract size limit: recorded as such.
      if (o.evm && !o.evm.valid)
        throw new Error(`${key({ input, output, param })}: the EVM verifier did not accept`);
      const row: VisibilityRow = {
        input,
        output,
        param,
        constraints: o.constraints,
        publicSignals: o.publicSignals,
        proveSeconds: o.steps.find((s) => s.step === "prove")?.seconds ?? 0,
        verifyGas: o.evm?.verifyGas ?? null,
        ...(o.evmError ? { evmError: o.evmError.split("\n")[0] } : {}),
      };
      console.error(
        `inputs ${input}, outputs ${output}, weights ${param}: ${row.constraints} constraints, ${row.publicSignals} public signals, ${row.verifyGas ?? row.evmError} gas`,
      );
      rows.set(key(row), row);
      const report: VisibilityReport = {
        zkmlc: VERSION,
        date: new Date().toISOString(),
        machine: describeMachine(),
        rows: [...rows.values()],
      };
      await writeJsonAtomic(out, report);
    }
rmSync(work, { recursive: true, force: true });
console.log(`wrote ${out}`);
