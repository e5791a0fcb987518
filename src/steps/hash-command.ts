import { artifactPath } from "../artifacts.js";
import { fail } from "../errors.js";
import { openBuild } from "./build.js";
import { commitmentOf, commitmentRecord, outputInts, paramCommitment, readWeights } from "./commitments.js";
import { parseOneSample, quantizeSample, readJsonInput } from "./inputs.js";
import type { Settings } from "./settings.js";

export interface HashOptions {
  /** An input file (the formats prove takes). */
  input?: string;
  /** Output values: a proof record's output.json, {"name": [values]} or an array per output. */
  outputs?: string;
  /** A model of the build's architecture; default the build's own model.onnx. */
  weights?: string;
}

export interface HashedCommitment {
  role: "input" | "output" | "param";
  signal: string;
  value: string;
  /** What it is the commitment of. */
  of: string;
}

/**
 * `zkmlc hash`: the commitments a build's proofs carry, recomputed from the values alone (settings.json
 * says how: docs/COMMITMENT.md), so the party that checks a proof knows what to expect without the
 * circuit. The weights' commitment is computed whenever the build has one.
 */
export async function hashCommitments(buildDir: string, opts: HashOptions): Promise<HashedCommitment[]> {
  const { settings } = await openBuild(buildDir);
  const out: HashedCommitment[] = [];
  if (opts.input) {
    const c = commitmentRecord(settings, "input");
    const sample = parseOneSample(await readJsonInput(opts.input, "input"), settings.inputs, opts.input);
    const value = commitmentOf(c, quantizeSample(sample, settings.inputs));
    out.push({ role: "input", signal: c.signal, value: value.toString(), of: opts.input });
  }
  if (opts.outputs) {
    const c = commitmentRecord(settings, "output");
    const obj = await readJsonInput(opts.outputs, "outputs");
    const ints = (obj as { ints?: unknown } | null)?.ints;
    // A record's own integers when it has them (exact, and the logits when a Softmax is outside).
    const values = Array.isArray(ints)
      ? ints.map((o: unknown, k) => {
          if (!Array.isArray(o) || !o.every((v) => typeof v === "string" && /^-?[0-9]+$/.test(v)))
            return fail("bad-input", `${opts.outputs}: ints[${k}] is not a list of integer strings`);
          return o.map((v) => BigInt(v as string));
        })
      : outputInts(settings, outputValues(obj, settings.outputs, opts.outputs));
    const value = commitmentOf(c, values);
    out.push({ role: "output", signal: c.signal, value: value.toString(), of: opts.outputs });
  }
  if (opts.weights || settings.commitments.some((c) => c.role === "param")) {
    const c = commitmentRecord(settings, "param");
    const model = opts.weights ?? artifactPath(buildDir, "model");
    const value = paramCommitment(settings, await readWeights(settings, model));
    out.push({ role: "param", signal: c.signal, value: value.toString(), of: model });
  }
  if (out.length === 0)
    fail("bad-input", "nothing to hash: give --input or --outputs", {
      hint: "this build has no weight commitment; --input and --outputs need a build compiled with --input-visibility hashed or --output-visibility hashed",
    });
  return out;
}

/**
 * Output values from a file: a proof or witness record's output.json (its `circuit` values), an object
 * by output name, an array of arrays in output order, or one flat array for a single output.
 */
function outputValues(obj: unknown, outputs: Settings["outputs"], where: string): number[][] {
  const post = outputs.find((o) => o.postprocess);
  if (post)
    fail(
      "bad-input",
      `output "${post.name}" is committed as logits (--softmax outside): real values cannot be hashed`,
      {
        hint: "hash the output.json of the proof record, which holds the circuit's integers",
      },
    );
  const names = outputs.map((o) => o.name);
  const numbers = (v: unknown, what: string): number[] => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === "number" && Number.isFinite(x)))
      fail("bad-input", `${where}: ${what} is not an array of finite numbers`);
    return v as number[];
  };
  if (obj && typeof obj === "object" && !Array.isArray(obj)) {
    const rec = obj as Record<string, unknown>;
    if (Array.isArray(rec.outputs))
      return rec.outputs.map((o, k) =>
        numbers((o as { circuit?: unknown })?.circuit, `outputs[${k}].circuit`),
      );
    return names.map((n) => numbers(rec[n], `output "${n}"`));
  }
  if (Array.isArray(obj) && obj.every((x) => Array.isArray(x)))
    return obj.map((x, k) => numbers(x, `output ${k}`));
  return [numbers(obj, "the value list")];
}
