import { evaluatePlan } from "../3-lower/evaluate.js";
import { applyPostprocess } from "../3-lower/postprocess.js";
import { dequantize } from "../3-lower/quantize-value.js";
import { tensorSignal } from "../4-emit/names.js";
import { directWitness } from "../4-emit/r1cs/direct.js";
import { parseWtns } from "../6-prove/witness.js";
import { bug } from "../errors.js";
import type { Build, CircuitRunner } from "./build.js";
import { quantizeSample, type Sample } from "./inputs.js";
import type { SettingsOutput } from "./settings.js";

export interface WitnessResult {
  /** The full witness vector (computed on first use: proving needs only `wtns`). */
  readonly witness: bigint[];
  /** The witness as .wtns bytes, for the prover. */
  wtns(): Promise<Uint8Array>;
  /** Integer outputs of the circuit, per graph output. */
  intOutputs: bigint[][];
  /** Dequantized outputs, per graph output. */
  outputs: number[][];
  /** The circuit's inputs, by signal name (integers as decimal strings). */
  circuitInput: Record<string, string[]>;
}

/**
 * An output's real values from its integers: dequantized, then the (Log)Softmax left outside the
 * circuit applied when the build recorded one (--softmax outside).
 */
export function decodeOutput(ints: readonly bigint[], o: SettingsOutput | undefined): number[] {
  const vals = ints.map((v) => dequantize(v, o?.scale ?? 0));
  return o?.postprocess ? applyPostprocess(vals, o.shape, o.postprocess) : vals;
}

/** A field element as a signed integer (values above p/2 are negative). */
export function toSigned(v: bigint, p: bigint): bigint {
  return v > p / 2n ? v - p : v;
}

/**
 * The witness of one sample. The integer reference (evaluatePlan) is the specification: the direct
 * backend computes the witness from it (its constraints are checked against it by the tests); with the
 * circom backend, circom's wasm computes it and every signal it kept for a tensor, and every output,
 * must equal the reference bit for bit.
 */
export async function computeWitness(
  build: Build,
  runner: CircuitRunner,
  sample: Sample,
): Promise<WitnessResult> {
  const { settings, plan } = build;
  const ints = quantizeSample(sample, settings.inputs);
  const reference = evaluatePlan(plan, ints);
  const circuitInput = Object.fromEntries([
    ...settings.inputs.map((inp, i) => [inp.signal, (ints[i] ?? []).map(String)]),
    // Weights made signals are private inputs of the circuit too.
    ...plan.inputs.flatMap((p) => {
      const param = settings.params.find((w) => w.name === p.param?.name);
      return param && p.param ? [[param.signal, p.param.values.map(String)]] : [];
    }),
  ]);
  const refOutputs = plan.outputs.map((o) => reference[o.tensor] ?? bug("missing output"));
  const result = (intOutputs: bigint[][], wtns: () => Promise<Uint8Array>, full: () => bigint[]) => {
    let memo: bigint[] | undefined;
    return {
      get witness() {
        memo ??= full();
        return memo;
      },
      wtns,
      intOutputs,
      outputs: intOutputs.map((vals, k) => decodeOutput(vals, settings.outputs[k])),
      circuitInput,
    };
  };
  if (!runner.wc) {
    let bytes: Uint8Array | undefined;
    const wtns = () => {
      bytes ??= directWitness(plan, reference);
      return bytes;
    };
    return result(
      refOutputs,
      async () => wtns(),
      () => parseWtns(wtns()),
    );
  }
  const wc = runner.wc;
  const witness = await wc.calculate(circuitInput);
  const at = (name: string) => {
    const idx = runner.symbols?.get(name);
    return idx === undefined ? undefined : toSigned(witness[idx] as bigint, wc.prime);
  };
  reference.forEach((vals, id) => {
    vals?.forEach((v, i) => {
      const w = at(`main.${tensorSignal(id)}[${i}]`);
      if (w !== undefined && w !== v)
        bug(`witness differs from the integer reference at tensor ${id}[${i}]: ${w} vs ${v}`);
    });
  });
  const intOutputs = settings.outputs.map((o, k) =>
    (refOutputs[k] ?? bug("missing output")).map((v, i) => {
      // A hashed output's tensor may be substituted away by --O2: checked above where it was kept.
      if (settings.visibility.output === "hashed") return v;
      const w = at(`main.${o.signal}[${i}]`);
      if (w === undefined) bug(`output signal main.${o.signal}[${i}] is missing from the symbol table`);
      if (w !== v) bug(`circuit output ${o.name}[${i}] = ${w} differs from the integer reference ${v}`);
      return w;
    }),
  );
  return result(
    intOutputs,
    () => wc.calculateWtns(circuitInput),
    () => witness,
  );
}

export interface OutputReport {
  name: string;
  shape: number[];
  scale: number;
  circuit: number[];
  /** onnxruntime's output and |circuit − float|: absent with --no-reference. */
  float?: number[];
  maxAbsError?: number;
  errorBound: number;
  argmax: { circuit: number; float?: number };
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if ((v[i] as number) > (v[best] as number)) best = i;
  return best;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** Circuit vs float outputs, per graph output; without float outputs, the circuit's alone. */
export function compareOutputs(build: Build, circuit: number[][], float?: Float64Array[]): OutputReport[] {
  return build.settings.outputs.map((o, k) => {
    const c = circuit[k] ?? [];
    const { name, shape, scale, errorBound } = o;
    if (!float) return { name, shape, scale, circuit: c, errorBound, argmax: { circuit: argmax(c) } };
    const f = Array.from(float[k] ?? []);
    return {
      name,
      shape,
      scale,
      circuit: c,
      float: f,
      maxAbsError: maxAbsDiff(c, f),
      errorBound,
      argmax: { circuit: argmax(c), float: argmax(f) },
    };
  });
}
