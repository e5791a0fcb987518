/**
 * Bound validity, tested over the range the circuit ENFORCES.
 *
 * What "enforced range" means. A graph input calibrated to the real range [a, b] at scale 2^s is the
 * integer range [lo, hi] = [round(a·2^s), round(b·2^s)] (`inputIntRange`). `prove` refuses a value
 * outside [lo, hi], but that check runs outside the circuit: an on-chain verifier never sees it. What the
 * circuit itself enforces is its range check, `x − lo ∈ [0, 2^bits)` with bits = bitsUnsigned(hi − lo),
 * i.e. x ∈ [lo, lo + 2^bits − 1]: the ENFORCED range, usually much wider than the calibrated one
 * (calibrated [-1, 1] at 2^7 is [-128, 128], 9 bits, enforced [-128, 383]). A bool input is [0, 1]
 * (one bit, exact), an integer input [lo, lo + 2^bits − 1] at scale 0.
 *
 * Why the tests sample it. Everything the compiler derives from bounds — how many bits a rescale or a
 * comparison decomposes, whether an Abs, Clip or ReLU is skipped because the sign is known, floor vs.
 * ceil in a truncation, whether a one-hot index needs its membership check, the 0/1 formulas of logic
 * ops, the domain a piecewise polynomial is fitted and clamped on — is sound only if the bounds hold for
 * EVERY witness the r1cs accepts, and a cheating prover is free to pick any input the circuit accepts,
 * not only the calibrated ones. So each check here feeds integers drawn from the whole enforced range
 * (always including its two ends, the calibrated ends and zero) straight to the integer reference
 * (`evaluatePlan`, which does no range check) and to circom's witness generator, and checks:
 *   (a) every element of every tensor lies in the bounds [lo, hi] the plan claims;
 *   (b) the wasm witness equals the reference on every kept tensor signal and every output;
 *   (c) the r1cs is satisfied;
 *   (d) each output is within its claimed error bound of onnxruntime's float result on the same input
 *       (so a shortcut that changes the function, not only the bounds, is caught too).
 * A sample whose reference has no value (an index outside the axis: `input-out-of-range`) must have no
 * witness: the wasm fails, and so does the r1cs on what the generator computed before failing.
 *
 * Enforcement of the bounds themselves (a shortcut is only as sound as the bound it reads):
 *   - `forgeInput`: an input element just outside its enforced range (lo − 1 or lo + 2^bits). The rest
 *     of the witness is computed by the same circuit with only that input's range check widened (a
 *     variant compiled beside it): the variant's r1cs accepts it, so when the real r1cs rejects it, the
 *     range check is what rejects it (and the test can read what the circuit would otherwise have
 *     output, e.g. a floor where the truncation differs). Where the variant fails too (a later check
 *     also rejects the value: fail-closed), the tensor signals are set from the reference instead.
 *   - `expectMembershipRejects`: an index past the axis, inside the enforced range: the variant without
 *     membership checks accepts a witness for it, the real circuit does not.
 *   - `forgeTensor` / `expectPinned`: an internal value set one past its bounds, everything downstream
 *     recomputed by the reference: rejected by the constraints of the node that computes it.
 *   - `mutationSurvivors`: ±1 on every witness wire but the inputs, each rejected unless it is a free
 *     hint: the witness is unique given the inputs, so the sampled values are the only possible ones.
 *
 * Private inputs are the default; a public input is range-checked in the circuit the same way and is
 * tested the same way (`inputVisibility: "public"`, public.test.ts). BOUNDS_SAMPLES=k draws k times as
 * many samples and BOUNDS_SEED=n another seed, for a deeper search; BOUNDS_REPORT=1 prints a line per case.
 */
import { expect } from "vitest";
import { mulberry32 } from "../../examples/prng.js";
import type { QTensor } from "../../src/3-lower/ir.js";
import { tensorSignal } from "../../src/4-emit/names.js";
import { checkDirect } from "../../src/4-emit/r1cs/direct.js";
import { checkWitness } from "../../src/5-compile/r1cs.js";
import {
  type BoundsCircuit,
  type BoundsOptions,
  circuitInput,
  compileBounds,
  type InputRange,
  reference,
  show,
  signed,
} from "./circuit.js";
import { forgeInput, mutationSurvivors } from "./forge.js";

export * from "./circuit.js";
export * from "./forge.js";

/**
 * `count` samples (at least the fixed ones) of integers in the enforced ranges: each input at its lower
 * and upper enforced end (every combination over up to 3 inputs), at its calibrated ends, at 0 (when
 * enforced), alternating ends, each element drawn from those special values, then uniform draws over
 * the whole enforced range and over the calibrated one. Deterministic for a seed.
 */
export function enforcedSamples(inputs: InputRange[], count = 40, seed = 1): bigint[][][] {
  const r = mulberry32(seed);
  const uniformIn = (lo: bigint, hi: bigint) => lo + BigInt(Math.floor(r() * (Number(hi - lo) + 1)));
  const fill = (f: (inp: InputRange, j: number) => bigint) =>
    inputs.map((inp) => Array.from({ length: inp.size }, (_, j) => f(inp, j)));
  const zero = (inp: InputRange) => (inp.lo > 0n ? inp.lo : inp.top < 0n ? inp.top : 0n);
  const specials = (inp: InputRange) =>
    [inp.lo, inp.top, inp.calLo, inp.calHi, zero(inp), inp.lo + 1n, inp.top - 1n].filter(
      (v) => v >= inp.lo && v <= inp.top,
    );
  const out: bigint[][][] = [];
  const k = Math.min(inputs.length, 3);
  for (let mask = 0; mask < 1 << k; mask++)
    out.push(fill((inp, _) => ((mask >> inputs.indexOf(inp)) & 1 ? inp.top : inp.lo)));
  out.push(fill((inp) => inp.calLo));
  out.push(fill((inp) => inp.calHi));
  out.push(fill(zero));
  out.push(fill((inp, j) => (j % 2 ? inp.top : inp.lo)));
  out.push(fill((inp, j) => (j % 2 ? inp.lo : inp.top)));
  for (let t = 0; t < 4; t++)
    out.push(
      fill((inp) => {
        const s = specials(inp);
        return s[Math.floor(r() * s.length)] as bigint;
      }),
    );
  while (out.length < count) {
    const calibrated = out.length % 4 === 3;
    out.push(fill((inp) => (calibrated ? uniformIn(inp.calLo, inp.calHi) : uniformIn(inp.lo, inp.top))));
  }
  return out;
}

export interface BoundsReport {
  circuit: BoundsCircuit;
  samples: number;
  /** The samples that have a witness, in order. */
  valid: bigint[][][];
  /** Samples with a witness (checked (a)-(d)); the others have no witness by design (index off the axis). */
  witnessed: number;
  rejected: number;
  /** Tensor elements compared with the witness (kept signals and outputs), summed over samples. */
  compared: number;
}

/** Checks (a)-(d) on one sample; returns whether it has a witness and how many elements were compared. */
export async function checkSample(
  c: BoundsCircuit,
  ints: bigint[][],
): Promise<{ witnessed: boolean; compared: number }> {
  const where = show(c, ints);
  const ref = reference(c.plan, ints);
  if (!ref) {
    await expect(c.wc.calculate(circuitInput(c, ints)), `no witness for ${where}`).rejects.toThrow();
    const { witness } = await c.lenient(circuitInput(c, ints));
    expect((await checkWitness(c.r1csPath, witness)).ok, `the circuit's best attempt at ${where}`).toBe(
      false,
    );
    return { witnessed: false, compared: 0 };
  }
  // (a) bounds
  const bad: string[] = [];
  ref.forEach((vals, id) => {
    const t = c.plan.tensors[id] as QTensor;
    vals?.forEach((v, i) => {
      const lo = t.lo[i] as bigint;
      const hi = t.hi[i] as bigint;
      if (v < lo || v > hi) bad.push(`tensor "${t.onnxName}" (#${id}) [${i}] = ${v} outside [${lo}, ${hi}]`);
    });
  });
  expect(bad.length, `bounds at ${where}: ${bad.slice(0, 8).join("; ")}`).toBe(0);
  // (b) witness == reference
  let witness: bigint[];
  try {
    witness = await c.wc.calculate(circuitInput(c, ints));
  } catch (e) {
    throw new Error(`witness generation failed at ${where}: ${(e as Error).message}`);
  }
  let compared = 0;
  const diff: string[] = [];
  const at = (name: string) => {
    const w = c.symbols.get(name);
    return w === undefined ? undefined : signed(witness[w] as bigint);
  };
  ref.forEach((vals, id) => {
    vals?.forEach((v, i) => {
      const w = at(`main.${tensorSignal(id)}[${i}]`);
      if (w === undefined) return;
      compared++;
      if (w !== v)
        diff.push(`tensor "${c.plan.tensors[id]?.onnxName}" (#${id}) [${i}]: witness ${w}, reference ${v}`);
    });
  });
  c.settings.outputs.forEach((o, k) => {
    const vals = ref[c.plan.outputs[k]?.tensor ?? -1] ?? [];
    vals.forEach((v, i) => {
      const w = at(`main.${o.signal}[${i}]`);
      expect(w, `output signal ${o.signal}[${i}] kept`).toBeDefined();
      compared++;
      if (w !== v) diff.push(`output "${o.name}" [${i}]: witness ${w}, reference ${v}`);
    });
  });
  expect(diff.length, `witness vs reference at ${where}: ${diff.slice(0, 8).join("; ")}`).toBe(0);
  // (c) r1cs, of both backends: circom's file, and the direct backend's constraints made in memory on
  // the same values
  const check = await checkWitness(c.r1csPath, witness);
  expect(check.ok, `r1cs at ${where}: ${check.reason}`).toBe(true);
  expect(checkDirect(c.plan, ref).failing, `direct backend's constraints at ${where}`).toEqual([]);
  // (d) float
  if (c.float) {
    const sample = c.inputs.map((inp, k) =>
      Float64Array.from(ints[k] ?? [], (v) => Number(v) / 2 ** inp.scale),
    );
    const want = await c.float.run(sample);
    c.plan.outputs.forEach((o, k) => {
      const t = c.plan.tensors[o.tensor] as QTensor;
      const got = ref[o.tensor] ?? [];
      got.forEach((g, i) => {
        const f = want[k]?.[i] as number;
        const e = Math.abs(Number(g) / 2 ** t.scale - f);
        const bound = (t.err[i] as number) + 1e-5 * Math.max(1, Math.abs(f));
        expect(
          e,
          `output ${o.onnxName}[${i}] at ${where}: circuit ${Number(g) / 2 ** t.scale} vs float ${f}`,
        ).toBeLessThanOrEqual(bound);
      });
    });
  }
  return { witnessed: true, compared };
}

/** Compile once, then run checks (a)-(d) on `count` enforced-range samples (plus any `extra`). */
export async function checkBounds(
  model: Uint8Array,
  opts: BoundsOptions = {},
  sampling: { count?: number; seed?: number; extra?: bigint[][][] } = {},
): Promise<BoundsReport> {
  const circuit = await compileBounds(model, opts);
  return checkCircuitBounds(circuit, sampling);
}

export async function checkCircuitBounds(
  circuit: BoundsCircuit,
  sampling: { count?: number; seed?: number; extra?: bigint[][][] } = {},
): Promise<BoundsReport> {
  const all = [...enforcedSamples(circuit.inputs, sampling.count, sampling.seed), ...(sampling.extra ?? [])];
  const valid: bigint[][][] = [];
  let compared = 0;
  for (const s of all) {
    const r = await checkSample(circuit, s);
    if (r.witnessed) valid.push(s);
    compared += r.compared;
  }
  const witnessed = valid.length;
  return { circuit, samples: all.length, valid, witnessed, rejected: all.length - witnessed, compared };
}

export interface BoundsCase {
  name: string;
  model: Uint8Array;
  opts?: BoundsOptions;
  /** Samples drawn (default 40; the fixed extremes are always among them). */
  count?: number;
  /** Some enforced inputs have no witness by design (an index outside the axis); default false. */
  rejects?: boolean;
  /**
   * Wire names allowed to survive the mutation probe; default: circomlib IsZero's `inv`, a free hint
   * exactly when IsZero's input is 0 (in·inv is then 0 whatever inv is, and out = 1 is pinned by in·out = 0).
   */
  freeHints?: RegExp;
  /** What a shortcut taken from a bound relies on, and the check that the bound is enforced. */
  shortcut?: (c: BoundsCircuit, valid: bigint[][][]) => Promise<void>;
}

/**
 * A family table row: checks (a)-(d) over the enforced range; every input's range check is emitted as
 * exactly [lo, lo + 2^bits), and its first and last element one past each end of it are rejected
 * (forgeInput); no witness wire but free hints can change at two valid samples (the enforced ends when
 * they have a witness); then the case's own shortcut checks.
 */
export async function runCase(cs: BoundsCase): Promise<BoundsReport> {
  // BOUNDS_SAMPLES=k draws k times as many samples, BOUNDS_SEED=n another seed (for a deeper search)
  const scale = Number(process.env.BOUNDS_SAMPLES ?? 1);
  const seed = Number(process.env.BOUNDS_SEED ?? 1);
  const rep = await checkBounds(cs.model, cs.opts, { count: Math.round((cs.count ?? 40) * scale), seed });
  const c = rep.circuit;
  expect(rep.compared, "witness signals compared").toBeGreaterThan(0);
  if (cs.rejects) expect(rep.rejected, "samples without a witness").toBeGreaterThan(0);
  else expect(rep.rejected, "samples without a witness").toBe(0);
  expect(rep.witnessed).toBeGreaterThanOrEqual(Math.min(10, rep.samples));
  const base = rep.valid[0] as bigint[][];
  const forged = { relaxed: 0, reference: 0 };
  for (const [k, inp] of c.inputs.entries()) {
    for (const j of new Set([0, inp.size - 1])) {
      for (const value of [inp.lo - 1n, inp.top + 1n]) {
        const f = await forgeInput(c, base, k, j, value);
        const what = `${inp.name}[${j}] = ${value} (enforced [${inp.lo}, ${inp.top}])`;
        expect(f.rejection.ok, `${what} is rejected (${f.via}; violated: ${[...f.rejection.blame]})`).toBe(
          false,
        );
        forged[f.via]++;
      }
    }
  }
  for (const s of rep.valid.slice(0, 2)) {
    const free = cs.freeHints ?? /\.inv$/;
    const survivors = (await mutationSurvivors(c, s)).filter((n) => !free.test(n));
    expect(survivors, `witness wires not pinned at ${show(c, s)}`).toEqual([]);
  }
  await cs.shortcut?.(c, rep.valid);
  if (process.env.BOUNDS_REPORT)
    console.log(
      `BOUNDS ${cs.name}: ${rep.samples} samples (${rep.witnessed} witnessed, ${rep.rejected} without witness), ${rep.compared} signals compared, ${c.settings.circuit.constraints} constraints, forged inputs ${forged.relaxed} relaxed + ${forged.reference} reference, inputs ${c.inputs.map((i) => `${i.name} cal [${i.calLo}, ${i.calHi}] enforced [${i.lo}, ${i.top}]`).join("; ")}`,
    );
  return rep;
}
