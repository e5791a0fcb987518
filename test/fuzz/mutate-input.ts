/**
 * Deterministic mutations of input files (--input, --calibration, --data): a valid sample for a seed
 * model's inputs in one of the accepted layouts, then broken: wrong nesting and counts, strings, nulls,
 * NaN-ish and huge numbers, huge and deeply nested arrays, non-object roots, wrong keys, corrupt text.
 */
import { mulberry32 } from "../../examples/prng.js";
import type { InputSpec } from "../../src/steps/inputs.js";

type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)] as T;

/** Seed models whose input specs the input cases use (see seeds.ts). */
export const INPUT_SEEDS = ["tiny", "ints", "ir3", "bools", "lenet5"] as const;

const KINDS = [
  "valid",
  "nesting",
  "strings",
  "nulls",
  "huge-array",
  "wrong-count",
  "nan-ish",
  "root",
  "deep",
  "objects",
  "keys",
  "text",
  "dataset",
  "bools",
] as const;

export interface InputCase {
  id: number;
  seed: number;
  model: (typeof INPUT_SEEDS)[number];
  kind: (typeof KINDS)[number];
}

export function planInputCase(id: number): InputCase {
  const seed = (Math.imul(id + 7, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  const r = mulberry32(seed);
  return { id, seed, model: pick(r, INPUT_SEEDS), kind: pick(r, KINDS) };
}

export const describeInputCase = (c: InputCase): string =>
  `input case ${c.id} (seed ${c.seed}, ${c.model} inputs: ${c.kind})`;

/** Values nested by `shape` (row-major). */
function nest(values: number[], shape: readonly number[]): unknown {
  if (shape.length <= 1) return values;
  const [head, ...rest] = shape;
  const size = values.length / (head as number);
  return Array.from({ length: head as number }, (_, i) => nest(values.slice(i * size, (i + 1) * size), rest));
}

/** Replace a few numbers anywhere in `v` by what `f` returns. */
function replaceLeaves(v: unknown, r: Rand, f: () => unknown, p = 0.2): unknown {
  if (Array.isArray(v)) return v.map((x) => replaceLeaves(x, r, f, p));
  if (typeof v === "number") return r() < p ? f() : v;
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceLeaves(x, r, f, p)]));
  return v;
}

/** The JSON text of case `c` for a model with `inputs` (and constant inputs `constants`). */
export function inputText(c: InputCase, inputs: readonly InputSpec[], constants: readonly string[]): string {
  const r = mulberry32(c.seed ^ 0x1b873593);
  const sizes = inputs.map((i) => i.shape.reduce((a, b) => a * b, 1));
  const values = sizes.map((n) => Array.from({ length: n }, () => Math.round((r() * 2 - 1) * 256) / 256));
  const ezkl = r() < 0.5;
  const sample = (): Record<string, unknown> =>
    ezkl
      ? { input_data: values.map((v) => [...v]) }
      : Object.fromEntries(inputs.map((inp, i) => [inp.name, nest(values[i] ?? [], inp.shape)]));
  let obj: unknown = sample();
  const first = inputs[0]?.name ?? "x";
  switch (c.kind) {
    case "valid":
      break;
    case "nesting":
      obj = ezkl
        ? { input_data: pick(r, [[values], values.map((v) => [v]), values.flat(), [values.flat()]]) }
        : { ...sample(), [first]: pick(r, [[values[0]], values[0]?.map((x) => [x]), [[[values[0]]]]]) };
      break;
    case "strings":
      obj = replaceLeaves(obj, r, () => pick(r, ["1", "NaN", "Infinity", "-Infinity", "", "abc", "0x10"]));
      break;
    case "nulls":
      obj = replaceLeaves(obj, r, () => null);
      break;
    case "huge-array": {
      const big = Array.from({ length: pick(r, [2 ** 16, 2 ** 20]) }, (_, i) => (i % 5) / 8);
      obj = ezkl ? { input_data: [big, ...values.slice(1)] } : { ...sample(), [first]: big };
      break;
    }
    case "wrong-count": {
      const v = [...(values[0] ?? [])];
      if (r() < 0.5) v.splice(int(r, v.length), 1 + int(r, 3));
      else v.push(...Array.from({ length: 1 + int(r, 5) }, () => 0.5));
      obj = ezkl ? { input_data: [v, ...values.slice(1)] } : { ...sample(), [first]: v };
      if (r() < 0.3) obj = ezkl ? { input_data: values.slice(1) } : { input_data: [...values, [1, 2]] };
      break;
    }
    case "nan-ish":
      obj = replaceLeaves(obj, r, () => pick(r, [1e308, -1e308, 5e-324, -0, 1e300, 2 ** 53 + 1, -(2 ** 70)]));
      return JSON.stringify(obj).replace(/0\.5/g, pick(r, ["1e999", "-1e999", "0.5"]));
    case "root":
      return pick(r, ["42", '"input"', "null", "true", "[]", "[1,2,3]", "{}", '[{"input_data":[]}]', "[[]]"]);
    case "deep": {
      const d = pick(r, [100, 10_000, 200_000]);
      const inner = `${"[".repeat(d)}0.5${"]".repeat(d)}`;
      return ezkl ? `{"input_data":[${inner}]}` : `{${JSON.stringify(first)}:${inner}}`;
    }
    case "objects":
      obj = ezkl
        ? { input_data: pick(r, [{}, { 0: values[0] }, "x", 5]) }
        : { ...sample(), [first]: pick(r, [{}, { a: 1 }, [{}], [[1, {}]]]) };
      break;
    case "keys": {
      const o = sample();
      const choice = int(r, 5);
      if (choice === 0) delete o[Object.keys(o)[0] ?? ""];
      else if (choice === 1) o[constants[0] ?? "w"] = [1, 2, 3];
      else if (choice === 2) return `{"__proto__": ${JSON.stringify(values[0])}, "constructor": [1]}`;
      else if (choice === 3) o.input_data = { x: values[0] };
      else o.extra = "yes";
      obj = o;
      break;
    }
    case "text": {
      const t = JSON.stringify(obj);
      const at = int(r, t.length);
      return pick(r, [
        t.slice(0, at),
        `${t.slice(0, at)}}{${t.slice(at)}`,
        `${t}garbage`,
        "",
        "   ",
        "\u0000",
        t.replace(/,/g, ",,"),
      ]);
    }
    case "dataset":
      obj = pick(r, [[], [sample(), 5], [sample(), sample()], [sample(), [sample()]], [null]]);
      break;
    case "bools":
      obj = replaceLeaves(obj, r, () => r() < 0.5, 0.6);
      break;
  }
  return JSON.stringify(obj);
}
