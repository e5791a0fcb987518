import { P } from "../../3-lower/field.js";
import { mainOutputs, type Plan } from "../../3-lower/ir.js";
import { outputWiring } from "../../3-lower/output-rank.js";
import { PRIMS, specOf } from "../../3-lower/prims/registry.js";
import { bug } from "../../errors.js";
import { signalNames, tensorSignal } from "../names.js";
import { ByteSink, N8, PatchableFile } from "./binary.js";
import { DirectCs, type Mode } from "./cs.js";
import { outputReach } from "./deferred.js";

/**
 * The direct backend: the R1CS, its symbol table and witnesses written straight from the lowered
 * program, with the constraints circom --O2 makes of the same Circom (prims/<kind>.ts `build`), no
 * circom process and no wasm. The Circom text stays the readable form; the equivalence tests compare.
 */
export interface DirectCircuit {
  nConstraints: number;
  nWires: number;
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  nLabels: number;
}

function run(
  plan: Plan,
  mode: Mode,
  vals: bigint[][] | undefined,
  sinks: { rows?: ByteSink; sym?: ByteSink },
) {
  const names = signalNames(plan);
  const cs = new DirectCs(mode, plan, names.name, names.mainNames, vals, sinks);
  const reach = outputReach(plan);
  const outBase: number[] = [];
  const outs = mainOutputs(plan);
  outs.forEach((o, oi) => {
    outBase.push(cs.next);
    const n = cs.size(o.tensor);
    for (let j = 0; j < n; j++)
      cs.wire(
        () => `main.${names.mainNames[oi]}[${j}]`,
        () => cs.val(o.tensor, j),
      );
  });
  // Every input's wires, then their range checks: the public ones are wires nOut + 1, … (snarkjs's order).
  cs.tracking = true;
  plan.inputs.forEach((p) => {
    cs.deferring = p.visibility === "private" && reach.has(p.out);
    for (let j = 0; j < cs.size(p.out); j++) {
      const x = cs.wire(null, () => cs.val(p.out, j));
      cs.out(p.out, j, x);
      const w = x.wires[0];
      if (w !== undefined) cs.inputWires.add(w);
    }
  });
  cs.tracking = false;
  plan.inputs.forEach((p, i) => {
    cs.deferring = p.visibility === "private" && reach.has(p.out);
    cs.where = `input ${names.inputNames[i]}`;
    PRIMS.input.build(p, names.inputNames[i] as string, cs);
  });
  for (const pn of plan.nodes)
    for (const p of pn.prims) {
      if (p.kind === "input") continue;
      const s = tensorSignal(p.out);
      names.signal.set(p.out, s);
      cs.deferring = reach.has(p.out);
      cs.where = `node #${pn.node.index} "${pn.node.name}" (${pn.node.opType}), ${p.kind} ${s}`;
      specOf(p).build(p, s, cs);
    }
  cs.deferring = false;
  cs.where = "outputs";
  const nWires = cs.finish((oi, j) => (outBase[oi] ?? bug("no output wire")) + j, outputWiring(plan).pinned);
  const size = (ids: number[]) => ids.reduce((s, id) => s + cs.size(id), 0);
  const visible = (v: "public" | "private") =>
    size(plan.inputs.filter((p) => p.visibility === v).map((p) => p.out));
  const circuit: DirectCircuit = {
    nConstraints: cs.constraints,
    nWires,
    nOutputs: size(outs.map((o) => o.tensor)),
    nPubInputs: visible("public"),
    nPrvInputs: visible("private"),
    nLabels: cs.labels,
  };
  return { cs, circuit };
}

/** Write circuit.r1cs (iden3 format, streamed) and circuit.sym for a plan. */
export function writeDirectR1cs(plan: Plan, r1csPath: string, symPath: string): DirectCircuit {
  const file = new PatchableFile(r1csPath);
  const symFile = new PatchableFile(symPath);
  try {
    // "r1cs", version 1, 3 sections; the header section (64 bytes) and the constraint section's size are
    // patched once the counts are known.
    const head = new ByteSink();
    head.raw(Buffer.from("r1cs"));
    head.u32(1);
    head.u32(3);
    head.u32(1);
    head.u64(64);
    const headerAt = head.written;
    head.raw(new Uint8Array(64));
    head.u32(2);
    const rowsSizeAt = head.written;
    head.u64(0);
    file.append(head.bytes());
    const rowsStart = file.size;
    const rows = new ByteSink((chunk) => file.append(chunk));
    const sym = new ByteSink((chunk) => symFile.append(chunk));
    const { cs, circuit } = run(plan, "rows", undefined, { rows, sym });
    rows.flush();
    sym.flush();
    const rowsSize = file.size - rowsStart;
    // Section 3: the label of every wire.
    const map = new ByteSink();
    map.u32(3);
    map.u64(8 * circuit.nWires);
    for (let w = 0; w < circuit.nWires; w++) map.u64(Math.max(0, cs.labelOf[w] ?? 0));
    file.append(map.bytes());
    const header = new ByteSink();
    header.u32(N8);
    header.uint(P);
    header.u32(circuit.nWires);
    header.u32(circuit.nOutputs);
    header.u32(circuit.nPubInputs);
    header.u32(circuit.nPrvInputs);
    header.u64(circuit.nLabels);
    header.u32(circuit.nConstraints);
    file.patch(headerAt, header.bytes());
    const size = new ByteSink();
    size.u64(rowsSize);
    file.patch(rowsSizeAt, size.bytes());
    return circuit;
  } finally {
    file.close();
    symFile.close();
  }
}

/**
 * The witness of a plan for its reference values (evaluatePlan), as .wtns bytes: no constraint is made,
 * each prim only computes its hints.
 */
export function directWitness(plan: Plan, vals: bigint[][]): Uint8Array {
  const { cs, circuit } = run(plan, "values", vals, {});
  const data = cs.witness.bytes();
  if (data.length !== circuit.nWires * N8)
    bug(`witness of ${data.length / N8} values for ${circuit.nWires} wires`);
  const out = new ByteSink();
  out.raw(Buffer.from("wtns"));
  out.u32(2);
  out.u32(2);
  out.u32(1);
  out.u64(4 + N8 + 4);
  out.u32(N8);
  out.uint(P);
  out.u32(circuit.nWires);
  out.u32(2);
  out.u64(data.length);
  out.raw(data);
  return new Uint8Array(out.bytes());
}

/**
 * Build in memory, checking every constraint on the reference witness as it is made (tests): the
 * constraints that fail, and the value of every named signal (to map onto circom's witness by name).
 */
export function checkDirect(
  plan: Plan,
  vals: bigint[][],
): { circuit: DirectCircuit; failing: string[]; named: Map<string, bigint>; witness: bigint[] } {
  const { cs, circuit } = run(plan, "check", vals, {});
  return { circuit, failing: cs.failing, named: cs.namedValues, witness: cs.big };
}
