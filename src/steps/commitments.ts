import { readFile } from "node:fs/promises";
import type { Plan } from "../3-lower/ir.js";
import { quantizeNumber } from "../3-lower/quantize-value.js";
import { quantizeParam } from "../3-lower/visibility.js";
import { commitment } from "../commit/commitment.js";
import { bug, fail } from "../errors.js";
import type { Settings, SettingsCommitment } from "./settings.js";

/**
 * Recomputing a build's commitments outside the circuit (zkmlc-commit-v1, docs/COMMITMENT.md) from what
 * settings.json records: the check `verify` makes of a hashed output or of the weights, and `zkmlc hash`.
 */

/** The commitment of one settings.json commitment record over these values (one array per tensor). */
export function commitmentOf(c: SettingsCommitment, values: readonly (readonly bigint[])[]): bigint {
  if (values.length !== c.tensors.length)
    bug(`${values.length} tensors for a commitment to ${c.tensors.length}`);
  return commitment(
    c.role,
    c.tensors.map((t, i) => ({
      shape: t.shape,
      scale: t.scale,
      lo: BigInt(t.lo),
      bits: t.bits,
      values: values[i] as readonly bigint[],
    })),
  );
}

/** The build's commitment record of a role, or a bad-input error saying the build has none. */
export function commitmentRecord(settings: Settings, role: SettingsCommitment["role"]): SettingsCommitment {
  const c = settings.commitments.find((x) => x.role === role);
  const flag = { input: "--input-visibility", output: "--output-visibility", param: "--param-visibility" }[
    role
  ];
  if (!c)
    fail("bad-input", `this build commits to no ${role}s`, {
      hint: `compile with ${flag} hashed to make a commitment to them public`,
    });
  return c;
}

/**
 * Another model's weights for a build with weights made signals: the same initializers (names and
 * shapes) quantized at the build's scale, each within the bits the circuit checks.
 */
export async function readWeights(settings: Settings, modelPath: string): Promise<Map<string, bigint[]>> {
  if (settings.params.length === 0)
    fail("bad-input", "this build's weights are constants of its circuit: it proves only its own model", {
      hint: "compile with --param-visibility hashed to prove models of one architecture with one key",
    });
  let bytes: Buffer;
  try {
    bytes = await readFile(modelPath);
  } catch (e) {
    return fail("missing-artifact", `cannot read ${modelPath}: ${(e as Error).message}`);
  }
  // Decoded and rewritten as compile does (a folded BatchNormalization changes a Conv's weights).
  const inputShapes = Object.fromEntries(settings.inputs.map((i) => [i.name, i.shape]));
  // Decoding's modules load only here: proving with the compiled model's weights never needs them.
  const [{ decodeModel }, { graphOf }] = await Promise.all([
    import("../1-decode/decode.js"),
    import("./compile.js"),
  ]);
  const graph = graphOf(decodeModel(bytes, { inputShapes }));
  const out = new Map<string, bigint[]>();
  for (const p of settings.params) {
    const t = graph.constants.get(p.name);
    if (!t)
      fail("bad-input", `${modelPath} has no weight "${p.name}", which this build's circuit takes`, {
        hint: "the weights must come from a model of the same architecture (same initializer names)",
      });
    if (t.shape.join(",") !== p.shape.join(","))
      fail("bad-shape", `${modelPath}'s weight "${p.name}" is [${t.shape}], the circuit takes [${p.shape}]`);
    out.set(p.name, quantizeParam(p.name, t, p.scale, p.bits));
  }
  return out;
}

/** The plan with other weights in its weight signals (the circuit is the same). */
export function withWeights(plan: Plan, weights: Map<string, bigint[]>): Plan {
  return {
    ...plan,
    inputs: plan.inputs.map((p) => {
      if (!p.param) return p;
      const values = weights.get(p.param.name) ?? bug(`no values for weight ${p.param.name}`);
      return { ...p, param: { name: p.param.name, values } };
    }),
  };
}

/** The weights' commitment for these values (the record's tensors are the params, in order). */
export function paramCommitment(settings: Settings, weights: Map<string, bigint[]>): bigint {
  const c = commitmentRecord(settings, "param");
  return commitmentOf(
    c,
    c.tensors.map((t) => weights.get(t.name) ?? bug(`no values for weight ${t.name}`)),
  );
}

/** Real output values back to the circuit's integers at each output's scale (output.json's are exact). */
export function outputInts(settings: Settings, outputs: readonly (readonly number[])[]): bigint[][] {
  return settings.outputs.map((o, k) => {
    const vals = outputs[k];
    const n = o.shape.reduce((a, b) => a * b, 1);
    if (!vals || vals.length !== n)
      fail("bad-shape", `output "${o.name}" needs ${n} values, got ${vals?.length ?? 0}`);
    return vals.map((v) => quantizeNumber(v, o.scale));
  });
}
