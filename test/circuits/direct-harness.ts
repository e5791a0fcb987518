/**
 * The direct backend under the template tests (issue 11: "every forged-witness test runs against both
 * backends"). A template test compiles one template alone with circom (`compileTemplate("Rescale(8, 3)")`,
 * harness.ts); here the prim with the same parameters ({ kind: "rescale", k: 3, relu: false, bits: [8] })
 * is put in a minimal Plan (direct-plans.ts: a range-checked private input, the prim reading it, its
 * output as the plan's output), whose r1cs and .sym the direct backend writes (writeDirectR1cs). The
 * result is a harness.ts `CompiledCircuit` that answers to the template's names: "main.bits.out[3]" is
 * looked up as the instance's "main.c_t1[0].bits.out[3]", the template's input "main.in" as the plan's
 * "main.in_x[0]", its output "main.out" as "main.out_y[0]" (PlanSpec.rename), so each forgery of a
 * template test runs unchanged on both backends.
 *
 *   const c = await buildDirect(rescalePlan(8, 3, false));
 *   const w = await c.calculate({ in: -5n });                 // directWitness of evaluatePlan's values
 *   await c.checkWitness(c.forge(w, { "main.out": 0n }));      // against the written r1cs: { ok: false }
 *   await c.cleanup();
 *
 * The plan's input range checks are constraints of their own, which a forgery must not be rejected by:
 * forgeries keep the input, or move it inside its check, where `forge` re-encodes the check's bits for
 * the forged value (unless the forgery sets them itself). So what rejects a forged witness is the prim's
 * own constraints (the checks are at least as wide as the template's input assumption, direct-plans.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { evaluatePlan } from "../../src/3-lower/evaluate.js";
import type { InputPrim, Plan, PlannedNode, Prim, QTensor } from "../../src/3-lower/ir.js";
import { outputWiring } from "../../src/3-lower/output-rank.js";
import { primConstraints } from "../../src/3-lower/prims/registry.js";
import { emitCircuit } from "../../src/4-emit/emit.js";
import { signalNames } from "../../src/4-emit/names.js";
import { constantTensors } from "../../src/4-emit/r1cs/deferred.js";
import { checkDirect, directWitness, writeDirectR1cs } from "../../src/4-emit/r1cs/direct.js";
import { readSymbols } from "../../src/5-compile/r1cs.js";
import { parseWtns } from "../../src/6-prove/witness.js";
import {
  type Backend,
  bitsOf,
  type CompiledCircuit,
  type CompileOptions,
  compileMain,
  compileTemplate,
  fromField,
  signalAccess,
  toField,
} from "./harness.js";
import { r1csChecker } from "./r1cs-check.js";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type NewPrim = DistributiveOmit<Exclude<Prim, InputPrim>, "out">;

/** How a plan input is range-checked: value − lo ∈ [0, 2^bits), and upper − value too when given. */
export interface InputCheck {
  lo: bigint;
  bits: number;
  upper?: bigint;
}

/** A plan made by hand, prim by prim, with the exact parameters a template test uses. */
export class PlanMaker {
  readonly plan: Plan = { tensors: [], inputs: [], nodes: [], outputs: [] };
  /** Prims of the harness (e.g. a probe's products), not under test: their constraints are not the build's own. */
  readonly helpers: Prim[] = [];
  private readonly node: PlannedNode = {
    node: { index: 0, name: "under_test", opType: "Test" },
    inputShapes: [],
    outputShapes: [],
    prims: [],
  };

  constructor() {
    this.plan.nodes.push(this.node);
  }

  /** A tensor of n elements (bounds are not used by the backends, only sizes). */
  tensor(onnxName: string, n: number): number {
    const id = this.plan.tensors.length;
    const zeros = () => new Array<bigint>(n).fill(0n);
    this.plan.tensors.push({
      id,
      onnxName,
      shape: [n],
      scale: 0,
      lo: zeros(),
      hi: zeros(),
      err: new Float64Array(n),
    });
    return id;
  }

  /** An input `in_<name>` of n elements (private unless said otherwise). */
  input(name: string, n: number, check: InputCheck, visibility: InputPrim["visibility"] = "private"): number {
    const out = this.tensor(name, n);
    this.plan.inputs.push({ kind: "input", out, ...check, visibility });
    return out;
  }

  /** A prim computing a new tensor `t<id>` of n elements; `helper`: the harness's, not under test. */
  prim(p: NewPrim, n: number, helper = false): number {
    const out = this.tensor(`t${this.plan.tensors.length}`, n);
    const prim = { ...p, out } as Prim;
    this.node.prims.push(prim);
    if (helper) this.helpers.push(prim);
    return out;
  }

  /** Tensor id as the plan output `out_<name>`. */
  output(id: number, name = "y"): void {
    const n = this.plan.tensors[id]?.lo.length ?? 0;
    this.plan.outputs.push({ onnxName: name, tensor: id, shape: [n] });
  }
}

/**
 * A plan over tensors made elsewhere (a test's PlanBuilder): `inputs` become private plan inputs with
 * the given checks, `prims` one node, `outputs` the plan outputs `out_<name>`.
 */
export function planOf(
  tensors: QTensor[],
  inputs: [number, InputCheck][],
  prims: Prim[],
  outputs: [number, string][],
): Plan {
  return {
    tensors,
    inputs: inputs.map(([out, check]) => ({ kind: "input", out, ...check, visibility: "private" })),
    nodes: [
      { node: { index: 0, name: "under_test", opType: "Test" }, inputShapes: [], outputShapes: [], prims },
    ],
    outputs: outputs.map(([tensor, onnxName]) => ({
      onnxName,
      tensor,
      shape: [tensors[tensor]?.lo.length ?? 0],
    })),
  };
}

/** A check admitting every value of a tensor's bounds: [min lo, min lo + 2^bits) ⊇ [min lo, max hi]. */
export function covering(q: QTensor): InputCheck {
  const lo = q.lo.reduce((a, b) => (b < a ? b : a));
  const hi = q.hi.reduce((a, b) => (b > a ? b : a));
  return { lo, bits: Math.max(1, (hi - lo).toString(2).length) };
}

/** A plan with what the harness needs to run a template test on it. */
export interface PlanSpec {
  plan: Plan;
  /** Prims of the harness, not under test. */
  helpers: Prim[];
  /** The values of plan.inputs (in order) for the template's input signals, e.g. { in: -5n }. */
  feed(input: Record<string, unknown>): bigint[][];
  /** A template signal name ("main.bits.out[3]") as the plan's ("main.c_t1[0].bits.out[3]"). */
  rename(name: string): string;
  /** The input checks are what is under test (RangeCheck): their constraints are the build's own. */
  ownInputChecks?: boolean;
}

/**
 * Template names as an instance's: `main.<rest>` becomes `<prefix>.<rest>` (prefix the component, e.g.
 * "main.c_t1[0]"), except the names in `aliases` (the template's inputs and outputs as the plan's).
 */
export function renamer(
  prefix: string,
  aliases: Record<string, string> | ((name: string) => string | undefined) = {},
): (name: string) => string {
  const alias = typeof aliases === "function" ? aliases : (name: string) => aliases[name];
  return (name) => alias(name) ?? (name.startsWith("main.") ? `${prefix}${name.slice(4)}` : name);
}

/** A symbol map that answers for template names (renamed) as well as the build's own names. */
class RenamedSymbols extends Map<string, number> {
  constructor(
    entries: Map<string, number>,
    private readonly rename: (name: string) => string,
  ) {
    super(entries);
  }
  override get(name: string): number | undefined {
    return super.get(this.rename(name)) ?? super.get(name);
  }
  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

/** A CompiledCircuit built from a plan, with the direct backend's cost model. */
export interface PlanCircuit extends CompiledCircuit {
  plan: Plan;
  /** Constraints the cost model predicts for the whole build: prims + input checks + output wiring. */
  costModel: number;
}

function size(plan: Plan, id: number): number {
  return plan.tensors[id]?.lo.length ?? 0;
}

function costs(spec: PlanSpec): { inputs: number; helpers: number; model: number } {
  const { plan } = spec;
  // A product with a constant operand is linear, no constraint (prims/mul.ts; the lowering never makes one).
  const constant = constantTensors(plan);
  const isConst = (t: number, j: number) => constant.get(t)?.[j] !== undefined;
  const primCost = (p: Prim) =>
    p.kind === "mul"
      ? p.ia.filter((ja, i) => !isConst(p.a, ja) && !isConst(p.b, p.ib[i] as number)).length
      : primConstraints(p, size(plan, p.out));
  const cost = (ps: Prim[]) => ps.reduce((s, p) => s + primCost(p), 0);
  const inputs = cost(plan.inputs);
  return {
    inputs: spec.ownInputChecks ? 0 : inputs,
    helpers: cost(spec.helpers),
    model: inputs + cost(plan.nodes.flatMap((n) => n.prims)) + outputWiring(plan).constraints,
  };
}

/**
 * `forge` that keeps the plan's input checks satisfied: where a forgery moves an input element (and sets
 * none of its check bits itself), that element's check bits are re-encoded for the forged value. A
 * forged witness then fails only on the prim's constraints (for a value inside the check's range).
 */
function forgeKeepingInputChecks(
  plan: Plan,
  symbols: Map<string, number>,
  rename: (name: string) => string,
  forge: CompiledCircuit["forge"],
): CompiledCircuit["forge"] {
  const { inputNames } = signalNames(plan);
  return (w, changes) => {
    const out = forge(w, changes);
    const named = new Set(Object.keys(changes).flatMap((n) => [n, rename(n)]));
    plan.inputs.forEach((p, i) => {
      const s = inputNames[i] as string;
      for (let j = 0; j < size(plan, p.out); j++) {
        const x = symbols.get(`main.${s}[${j}]`);
        if (x === undefined || out[x] === w[x]) continue;
        const checks: [string, bigint][] = [[`main.rc_${s}[${j}]`, fromField(out[x] as bigint) - p.lo]];
        if (p.upper !== undefined)
          checks.push([`main.rc_${s}_upper[${j}]`, p.upper - fromField(out[x] as bigint)]);
        const bitName = (c: string, k: number) => `${c}.bits.out[${k}]`;
        const setsBits = checks.some(([c]) =>
          Array.from({ length: p.bits }, (_, k) => bitName(c, k)).some((n) => named.has(n)),
        );
        if (setsBits) continue;
        for (const [c, v] of checks) {
          if (v < 0n || v >= 1n << BigInt(p.bits)) continue; // outside the check: no honest bits exist
          bitsOf(v, p.bits).forEach((b, k) => {
            const at = symbols.get(bitName(c, k));
            if (at !== undefined) out[at] = toField(b);
          });
        }
      }
    });
    return out;
  };
}

/** The first input element outside its range check, if any. */
function outsideChecks(plan: Plan, values: bigint[][]): { signal: string; value: bigint } | undefined {
  const { inputNames } = signalNames(plan);
  for (const [i, p] of plan.inputs.entries()) {
    const inside = (v: bigint) => v >= 0n && v < 1n << BigInt(p.bits);
    for (const [j, v] of (values[i] ?? []).entries())
      if (!inside(v - p.lo) || (p.upper !== undefined && !inside(p.upper - v)))
        return { signal: `${inputNames[i]}[${j}]`, value: v };
  }
  return undefined;
}

/**
 * Write a plan's r1cs and .sym with the direct backend into a temporary folder and give it the
 * interface of a compiled template. `calculate` computes the witness as the prover does (directWitness
 * of evaluatePlan's reference values) and checks it against the written r1cs: the direct backend has no
 * asserts, so a witness the r1cs rejects throws "Assert Failed", as circom's witness calculator does on
 * a failed constraint (naming the failing constraints and their prims or input checks, from an in-memory
 * checked build: checkDirect).
 */
export async function buildDirect(spec: PlanSpec): Promise<PlanCircuit> {
  const { plan, rename } = spec;
  const workDir = await mkdtemp(join(tmpdir(), "zkmlc-direct-test-"));
  try {
    const r1csPath = join(workDir, "circuit.r1cs");
    const symPath = join(workDir, "circuit.sym");
    const info = writeDirectR1cs(plan, r1csPath, symPath);
    const symbols = new RenamedSymbols(await readSymbols(symPath), rename);
    const access = signalAccess((name) => symbols.get(name));
    const cost = costs(spec);
    const check = await r1csChecker(r1csPath);
    return {
      backend: "direct",
      plan,
      workDir,
      r1csPath,
      symPath,
      wasmPath: "", // no witness generator: directWitness computes the witness
      nConstraints: info.nConstraints,
      ownConstraints: info.nConstraints - cost.inputs - cost.helpers,
      costModel: cost.model,
      stdout: "",
      symbols,
      async calculate(input) {
        const values = spec.feed(input);
        const vals = evaluatePlan(plan, values);
        const w = parseWtns(directWitness(plan, vals));
        const res = await check(w);
        if (!res.ok) {
          const where = checkDirect(plan, vals).failing.slice(0, 3).join("; ");
          throw new Error(`Assert Failed (direct backend): the witness violates the r1cs: ${where}`);
        }
        // An input the build eliminated (solved from an output equation) is not in the witness, which
        // is then that of the input the outputs imply: an input outside its check has no witness of its
        // own. (zkmlc refuses such an input before witness generation, quantizeSample.)
        const outside = outsideChecks(plan, values);
        if (outside) {
          if (symbols.get(`main.${outside.signal}`) !== undefined)
            throw new Error(`the r1cs accepts ${outside.signal} = ${outside.value}, outside its check`);
          throw new Error(
            `Assert Failed (direct backend): ${outside.signal} = ${outside.value} is outside its check (and eliminated)`,
          );
        }
        return w;
      },
      checkWitness: check,
      ...access,
      forge: forgeKeepingInputChecks(plan, symbols, rename, access.forge),
      cleanup: () => rm(workDir, { recursive: true, force: true }),
    };
  } catch (e) {
    await rm(workDir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The same plan through the circom backend: its Circom text (emitCircuit) compiled with circom --O2,
 * with the same names as the direct build. For prims without a template of their own (mul, a constant
 * divisor, the exact input check), this is the circom side of their tests.
 */
export async function compilePlan(spec: PlanSpec): Promise<PlanCircuit> {
  const { plan, rename } = spec;
  const emitted = emitCircuit(plan, { header: [] });
  const circ = await compileMain(emitted.source);
  const symbols = new RenamedSymbols(circ.symbols, rename);
  const access = signalAccess((name) => symbols.get(name));
  const cost = costs(spec);
  return {
    ...circ,
    plan,
    ownConstraints: circ.nConstraints - cost.inputs - cost.helpers,
    costModel: cost.model,
    symbols,
    calculate: (input) => {
      const values = spec.feed(input);
      return circ.calculate(Object.fromEntries(emitted.inputNames.map((n, i) => [n, values[i]])));
    },
    ...access,
    forge: forgeKeepingInputChecks(plan, symbols, rename, access.forge),
  };
}

/** Build a plan on a backend: the direct writer, or circom on the plan's emitted Circom. */
export function buildPlan(backend: Backend, spec: PlanSpec): Promise<PlanCircuit> {
  return backend === "direct" ? buildDirect(spec) : compilePlan(spec);
}

/**
 * A template test's circuit on a backend: circom compiles the template alone (`component main =
 * <instantiation>`), the direct backend writes the prim's plan (`spec`, same parameters).
 */
export function compileOn(
  backend: Backend,
  instantiation: string,
  spec: () => PlanSpec,
  opts: CompileOptions = {},
): Promise<CompiledCircuit> {
  return backend === "circom" ? compileTemplate(instantiation, opts) : buildDirect(spec());
}

/**
 * What a failed `calculate` says when the r1cs rejects the witness through the prim's constraints alone
 * (every input check holds): the error for an input outside the template's range but inside the plan's
 * wider input check. On circom, any failed assert.
 */
export function primRejects(backend: Backend): RegExp {
  return backend === "direct"
    ? /^Assert Failed \(direct backend\): the witness violates the r1cs: (?![\s\S]*\(input )/
    : /Assert Failed/;
}

/**
 * The circuit under test has exactly n constraints of its own. For a plan build that is the total minus
 * the input checks and helper prims, and the whole build must be what the cost model predicts (each
 * prim's `cost`, the input checks, the output wiring): the prim costs what `cost` says. `modelMisses`:
 * constraints the cost model is known not to count (backend-disagreements.test.ts).
 */
export function expectOwnConstraints(c: CompiledCircuit, n: number, modelMisses = 0): void {
  expect(c.ownConstraints, `${c.backend}: constraints of the circuit under test`).toBe(n);
  if ("costModel" in c)
    expect(c.nConstraints, "the cost model of the plan").toBe((c as PlanCircuit).costModel + modelMisses);
}
