import type { Graph } from "../1-decode/graph.js";
import { numel } from "../1-decode/graph.js";
import { foldNode } from "../2-rewrite/fold.js";
import { fail } from "../errors.js";
import { OPS } from "../ops/registry.js";
import type { InputPrim, Plan, Visibility } from "./ir.js";
import { LowerCtx, PlanBuilder, type QuantScales, type Value } from "./lower.js";
import { quantizeNumber } from "./quantize-value.js";
import { bitsUnsigned } from "./rounding.js";

export interface QuantOptions extends QuantScales {
  visibility: { input: Visibility };
  /** Calibrated real range [lo, hi] per graph input name. */
  ranges: Record<string, [number, number]>;
}

/** The integer range [lo, lo + 2^bits) that the circuit enforces for a calibrated real range. */
export function inputIntRange(
  range: [number, number],
  scale: number,
): { lo: bigint; hi: bigint; bits: number } {
  const lo = quantizeNumber(range[0], scale);
  const hi = quantizeNumber(range[1], scale);
  return { lo, hi, bits: Math.max(1, bitsUnsigned(hi - lo)) };
}

/** Lower the graph to circuit IR: scales, per-element bounds, error bounds, prims. */
export async function quantize(graph: Graph, opts: QuantOptions): Promise<Plan> {
  const b = new PlanBuilder();
  const env = new Map<string, Value>();
  for (const [name, t] of graph.constants) env.set(name, { kind: "const", t });

  for (const input of graph.inputs) {
    const range = opts.ranges[input.name];
    if (!range) fail("bug", `no calibrated range for input "${input.name}"`);
    const r = inputIntRange(range, opts.inputScale);
    const visibility = opts.visibility.input;
    const n = numel(input.shape);
    // Private inputs are range-checked to [lo, lo + 2^bits): that is what the bound analysis may assume.
    // Public inputs are checked against [lo, hi] by prove and verify, outside the circuit.
    const hi = visibility === "private" ? r.lo + (1n << BigInt(r.bits)) - 1n : r.hi;
    const q = b.newTensor({
      onnxName: input.name,
      shape: input.shape,
      scale: opts.inputScale,
      lo: new Array(n).fill(r.lo),
      hi: new Array(n).fill(hi),
      err: new Float64Array(n).fill(2 ** -(opts.inputScale + 1)),
    });
    const prim: InputPrim = { kind: "input", out: q.id, lo: r.lo, bits: r.bits, visibility };
    b.plan.inputs.push(prim);
    env.set(input.name, { kind: "signal", q });
  }

  for (const node of graph.nodes) {
    const values = node.inputs.map((name) => (name === "" ? undefined : env.get(name)));
    const present = values.filter((v) => v !== undefined);
    if (present.length > 0 && present.every((v) => v.kind === "const")) {
      // Constant subgraphs are evaluated now (onnxruntime), whatever their op.
      const outs = await foldNode(
        node,
        values.map((v) => (v?.kind === "const" ? v.t : undefined)),
        graph.opset,
      );
      outs.forEach((t, i) => {
        const name = node.outputs[i];
        if (name) env.set(name, { kind: "const", t });
      });
      continue;
    }
    const op = OPS.get(node.opType);
    if (!op) fail("bug", `op ${node.opType} passed the rewrite check but has no lowering`);
    const ctx = new LowerCtx(b, node, values, opts);
    const outs = op.lower(ctx);
    outs.forEach((v, i) => {
      const name = node.outputs[i];
      if (name) env.set(name, v);
    });
    b.plan.nodes.push(
      ctx.finish(
        values.map((v) => (v === undefined ? [] : v.kind === "const" ? v.t.shape : v.q.shape)),
        outs,
      ),
    );
  }

  for (const o of graph.outputs) {
    const v = env.get(o.name);
    if (!v) fail("bad-onnx", `graph output "${o.name}" is never computed`);
    if (v.kind === "const") {
      fail("unsupported-op", `graph output "${o.name}" is a constant: it does not depend on the input`);
    }
    b.plan.outputs.push({ onnxName: o.name, tensor: v.q.id, shape: v.q.shape });
  }
  return b.plan;
}
