import { readFile } from "node:fs/promises";
import { quantizeNumber } from "../3-lower/quantize-value.js";
import { fail } from "../errors.js";
import type { SettingsInput } from "./settings.js";

export interface InputSpec {
  name: string;
  shape: number[];
}

/** One sample: a flat row-major float array per graph input, in graph order. */
export type Sample = Float64Array[];

export async function readJsonInput(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    fail("bad-input", `cannot read the ${what} file ${path}`, { cause: e, hint: "check the path" });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    fail("bad-input", `the ${what} file ${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** JSON of a value for an error message, cut short (a file can hold megabytes in one value). */
const show = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
};

/** All numbers of a nested array, row-major; iterative, so any nesting depth is fine. */
function flatten(v: unknown, where: string): number[] {
  const out: number[] = [];
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (Array.isArray(x)) {
      for (let i = x.length - 1; i >= 0; i--) stack.push(x[i]);
    } else if (typeof x === "boolean") {
      out.push(x ? 1 : 0);
    } else if (typeof x === "number") {
      if (!Number.isFinite(x)) fail("non-finite", `${where} contains ${x}`);
      out.push(x);
    } else if (x === null || typeof x === "string") {
      // JSON has no NaN/Infinity: writers emit null or strings for them.
      fail("non-finite", `${where} contains ${show(x)}, not a finite number`, {
        hint: "NaN and Infinity cannot be proven",
      });
    } else {
      fail("bad-input", `${where} contains ${show(x)}, not a number`);
    }
  }
  return out;
}

/** A value given for a constant of the model (a graph input with an initializer) is refused, not ignored. */
function constantGiven(where: string, name: string, inputs: InputSpec[]): never {
  fail(
    "bad-input",
    `${where} gives a value for "${name}", but "${name}" is a constant of the model (an initializer compiled into the circuit), not an input`,
    {
      hint: `remove "${name}" from the file; the model's inputs are ${inputs.map((i) => `"${i.name}"`).join(", ")}`,
    },
  );
}

/**
 * Parse one input object in either format: EZKL's `{"input_data": [[flat values], ...]}` (one entry per
 * graph input, in order) or `{"<input name>": nested array}`. Returns every sample it holds: an
 * `input_data` entry whose length is a multiple of the input's size holds that many samples.
 * `constants` are graph inputs with an initializer (Graph.constantInputs): a file giving one is an error.
 */
export function parseSamples(
  obj: unknown,
  inputs: InputSpec[],
  where: string,
  constants: readonly string[] = [],
): Sample[] {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    fail("bad-input", `${where} must be a JSON object`, {
      hint: 'use {"input_data": [[...]]} or {"<input name>": [...]}',
    });
  }
  const rec = obj as Record<string, unknown>;
  let flat: number[][];
  if ("input_data" in rec) {
    const data = rec.input_data;
    if (!Array.isArray(data) || data.length !== inputs.length) {
      const extra =
        constants.length > 0
          ? `; ${constants.map((c) => `"${c}"`).join(", ")} are constants of the model, not inputs`
          : "";
      fail(
        "bad-input",
        `${where}: input_data must hold ${inputs.length} array(s), one per model input (${inputs.map((i) => i.name).join(", ")})${extra}`,
      );
    }
    flat = inputs.map((inp, i) => flatten(data[i], `${where} input_data[${i}] ("${inp.name}")`));
  } else {
    const constant = constants.find((c) => Object.hasOwn(rec, c));
    if (constant !== undefined) constantGiven(where, constant, inputs);
    const missing = inputs.filter((i) => !Object.hasOwn(rec, i.name)).map((i) => i.name);
    if (missing.length > 0) {
      fail("bad-input", `${where} has no value for input(s) ${missing.map((m) => `"${m}"`).join(", ")}`, {
        hint: `it has keys ${
          Object.keys(rec)
            .map((k) => `"${k}"`)
            .join(", ") || "(none)"
        }`,
      });
    }
    flat = inputs.map((inp) => flatten(rec[inp.name], `${where} "${inp.name}"`));
  }
  const sizes = inputs.map((inp) => inp.shape.reduce((a, b) => a * b, 1));
  const counts = flat.map((f, i) => {
    const size = sizes[i] as number;
    if (f.length === 0 || f.length % size !== 0) {
      const inp = inputs[i] as InputSpec;
      fail(
        "bad-shape",
        `${where}: input "${inp.name}" has ${f.length} values but its shape [${inp.shape}] needs ${size}`,
      );
    }
    return f.length / size;
  });
  const n = counts[0] as number;
  if (counts.some((c) => c !== n))
    fail("bad-input", `${where}: the inputs hold different numbers of samples (${counts.join(", ")})`);
  return Array.from({ length: n }, (_, s) =>
    flat.map((f, i) => Float64Array.from(f.slice(s * (sizes[i] as number), (s + 1) * (sizes[i] as number)))),
  );
}

/** Exactly one sample from an input file. */
export function parseOneSample(
  obj: unknown,
  inputs: InputSpec[],
  where: string,
  constants: readonly string[] = [],
): Sample {
  const samples = parseSamples(obj, inputs, where, constants);
  if (samples.length !== 1) {
    // Most often the wrong file (an MNIST digit for another model), not several samples on purpose.
    const sizes = inputs.map((i) => i.shape.reduce((a, b) => a * b, 1));
    const parts = inputs.map(
      (inp, k) =>
        `input "${inp.name}" has ${samples.length * (sizes[k] as number)} values but its shape [${inp.shape}] needs ${sizes[k]}`,
    );
    fail("bad-shape", `${where}: ${parts.join("; ")}`, {
      hint: "give one sample per input file (`zkmlc accuracy --data` takes a data set of many)",
    });
  }
  return samples[0] as Sample;
}

/** A data set: a JSON array of input objects, or one object holding several samples. */
export function parseDataset(
  obj: unknown,
  inputs: InputSpec[],
  where: string,
  constants: readonly string[] = [],
): Sample[] {
  const list = Array.isArray(obj) ? obj : [obj];
  const out = list.flatMap((o, i) =>
    parseSamples(o, inputs, Array.isArray(obj) ? `${where}[${i}]` : where, constants),
  );
  if (out.length === 0) fail("bad-input", `${where} holds no samples`);
  return out;
}

/**
 * Quantize a sample to the circuit's integers, refusing values outside the calibrated range before any
 * witness is computed (outside it, the bound analysis that proves no wrap-around does not hold).
 */
export function quantizeSample(
  sample: Sample,
  inputs: Pick<SettingsInput, "name" | "scale" | "range" | "intRange">[],
): bigint[][] {
  return inputs.map((inp, i) => {
    const lo = BigInt(inp.intRange[0]);
    const hi = BigInt(inp.intRange[1]);
    return Array.from(sample[i] ?? [], (v, j) => {
      const q = quantizeNumber(v, inp.scale);
      if (q < lo || q > hi) {
        fail(
          "input-out-of-range",
          `input "${inp.name}" element ${j} is ${v}, outside the calibrated range [${inp.range[0]}, ${inp.range[1]}]`,
          {
            hint: "recompile with --calibration data covering such inputs, or --input-range LO,HI",
          },
        );
      }
      return q;
    });
  });
}
