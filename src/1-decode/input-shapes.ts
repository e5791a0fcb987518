/**
 * Concrete shapes of the graph inputs. zkmlc proves one sample of a fixed shape, so every dimension must
 * be known: a fixed size from the model, or `--input-shape name=d0,d1,...`. A symbolic or unknown leading
 * dimension of an input with two or more dims (or a 1-D one named like "batch_size") is a batch dimension
 * and takes 1, as EZKL does; any other one is an error naming the input and the dimension, with the
 * flag to pass.
 */
import { fail } from "../errors.js";
import { checkElements } from "./graph.js";

/** What a graph input declares per dimension: a size, a symbolic name (dim_param), or unknown (null). */
export type DeclaredDim = number | string | null;

/** `--input-shape` values by input name. */
export type InputShapes = Readonly<Record<string, readonly number[]>>;

const DIMS_HINT =
  "write --input-shape NAME=D0,D1,... with positive integer sizes, e.g. --input-shape x=1,3,32,32";

/**
 * Parse `--input-shape` values: each is `name=d0,d1,...`, and one value may hold several inputs
 * (`x=1,3,32,32,mask=1,32`: a token containing `=` starts the next input). The last `=` of a token
 * separates the name, so names containing `=` work; `name=` alone is a scalar.
 */
export function parseInputShapes(values: readonly string[]): Record<string, number[]> {
  // No prototype: an input may be called "constructor".
  const out: Record<string, number[]> = Object.create(null);
  for (const value of values) {
    let current: number[] | undefined;
    for (const token of value.split(",")) {
      const eq = token.lastIndexOf("=");
      let dim = token;
      if (eq >= 0) {
        const name = token.slice(0, eq).trim();
        if (name === "")
          fail("bad-input", `--input-shape ${value}: an input name is missing before "="`, {
            hint: DIMS_HINT,
          });
        if (Object.hasOwn(out, name))
          fail("bad-input", `--input-shape gives input "${name}" twice`, { hint: DIMS_HINT });
        current = [];
        out[name] = current;
        dim = token.slice(eq + 1);
        if (dim.trim() === "") continue;
      }
      if (!current)
        fail("bad-input", `--input-shape ${value} must start with an input name: NAME=D0,D1,...`, {
          hint: DIMS_HINT,
        });
      const d = Number(dim.trim());
      if (dim.trim() === "" || !Number.isSafeInteger(d) || d < 1)
        fail("bad-input", `--input-shape ${value}: "${dim}" is not a positive integer size`, {
          hint: DIMS_HINT,
        });
      current.push(d);
    }
  }
  return out;
}

/** `--input-shape` as a shell-safe flag, with `<name>` placeholders where a size is unknown. */
export function shapeFlag(name: string, dims: readonly (number | string)[]): string {
  const arg = `${name}=${dims.join(",")}`;
  return `--input-shape ${/^[\w.:/=,+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`}`;
}

const describe = (d: DeclaredDim | undefined, i: number): string =>
  typeof d === "string" ? `dim ${i} ("${d}")` : `dim ${i} (unknown)`;

/** A declared dimension that needs a size from the user (or the batch default). */
const isOpen = (d: DeclaredDim | undefined): d is string | null => d === null || typeof d === "string";

/** A leading open dim of a tensor with 2+ dims, or one named like a batch, is the batch dimension. */
function isBatch(dims: readonly DeclaredDim[], i: number): boolean {
  const d = dims[i];
  return i === 0 && isOpen(d) && (dims.length >= 2 || (typeof d === "string" && /batch/i.test(d)));
}

export interface ResolvedInput {
  shape: number[];
  /** Said aloud by inspect: a batch dimension taken as 1. */
  note?: string;
}

/** An input whose declared dims still need sizes from --input-shape. */
export interface OpenInput {
  name: string;
  dims: readonly DeclaredDim[] | undefined;
}

/**
 * The concrete shape of one graph input from what the model declares and `given` (its --input-shape),
 * or `undefined` when the model leaves a dimension open and nothing gives it (collected by the caller,
 * which reports every such input at once with `openInputsError`).
 */
export function resolveInputShape(
  name: string,
  declared: readonly DeclaredDim[] | undefined,
  given: readonly number[] | undefined,
): ResolvedInput | undefined {
  if (given) return { shape: checkGiven(name, declared, given) };
  if (!declared) return undefined;
  let note: string | undefined;
  const shape: number[] = [];
  for (const [i, d] of declared.entries()) {
    if (typeof d === "number") {
      shape.push(d);
      continue;
    }
    if (!isBatch(declared, i)) return undefined;
    note = `input "${name}" ${describe(d, i)} is a batch dimension: taken as 1 (--input-shape sets it)`;
    shape.push(1);
  }
  checkSize(name, shape);
  return note ? { shape, note } : { shape };
}

function checkGiven(
  name: string,
  declared: readonly DeclaredDim[] | undefined,
  given: readonly number[],
): number[] {
  const flag = (dims: readonly (number | string)[]) => shapeFlag(name, dims);
  if (declared && declared.length !== given.length) {
    const wanted = declared.map((d, i) =>
      typeof d === "number" ? d : isBatch(declared, i) ? 1 : `<${d ?? `dim${i}`}>`,
    );
    fail(
      "bad-input",
      `--input-shape gives "${name}" ${given.length} dim(s), but the model declares it with ${declared.length}: [${declared.map((d) => d ?? "?").join(",")}]`,
      { hint: `use ${flag(wanted)}` },
    );
  }
  declared?.forEach((d, i) => {
    if (typeof d === "number" && d !== given[i])
      fail(
        "bad-input",
        `--input-shape gives "${name}" dim ${i} = ${given[i]}, but the model fixes it at ${d}`,
        { hint: `use ${flag(declared.map((x, j) => (typeof x === "number" ? x : (given[j] ?? 1))))}` },
      );
  });
  checkSize(name, given);
  return [...given];
}

function checkSize(name: string, shape: readonly number[]): void {
  const zero = shape.indexOf(0);
  if (zero >= 0)
    fail("bad-shape", `input "${name}" dim ${zero} is 0: an empty tensor has nothing to prove`, {
      hint: "export the model with a non-empty input shape",
    });
  checkElements(shape, `input "${name}"`);
}

/** One error for every input whose shape is still open: the inputs, their dims, and the flags to pass. */
export function openInputsError(open: readonly OpenInput[]): never {
  const what = open.map(({ name, dims }) =>
    dims
      ? `input "${name}" has ${dims
          .map((d, i) => (isOpen(d) && !isBatch(dims, i) ? describe(d, i) : ""))
          .filter((s) => s !== "")
          .join(", ")} without a size`
      : `input "${name}" has no shape (unknown rank)`,
  );
  const flags = open.map(({ name, dims }) =>
    shapeFlag(
      name,
      dims
        ? dims.map((d, i) => (typeof d === "number" ? d : isBatch(dims, i) ? 1 : `<${d ?? `dim${i}`}>`))
        : ["<d0>", "<d1>", "..."],
    ),
  );
  fail("bad-shape", `${what.join("; ")}: zkmlc proves one input of a fixed shape`, {
    hint: `give the sizes to prove: ${flags.join(" ")} (replace each <...> by a size)`,
  });
}

/** --input-shape for a name that is not a graph input is a mistake, not something to ignore. */
export function checkShapeNames(
  given: InputShapes,
  inputs: readonly string[],
  constants: ReadonlySet<string>,
): void {
  for (const name of Object.keys(given)) {
    if (inputs.includes(name)) continue;
    const list = inputs.map((i) => `"${i}"`).join(", ");
    fail(
      "bad-input",
      constants.has(name)
        ? `--input-shape names "${name}", a constant of the model (an initializer compiled into the circuit), not an input`
        : `--input-shape names "${name}", which is not an input of the model`,
      { hint: `the model's inputs: ${list || "(none)"}` },
    );
  }
}
