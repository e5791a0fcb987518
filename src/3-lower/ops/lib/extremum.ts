import type { ConstTensor } from "../../../1-decode/graph.js";
import { numel } from "../../../1-decode/graph.js";
import type { QTensor } from "../../ir.js";
import type { LowerCtx } from "../../lower.js";
import { max as maxPrim } from "../../prims/max.js";
import { broadcastIndex } from "./broadcast.js";
import { constSignal, variadicInputs, weightedSum } from "./elementwise.js";

/**
 * dir·max(dir·x₁, ..., dir·x_k) over the present inputs of the node (Max: dir 1, Min: dir −1), numpy
 * broadcasting. Signals go first in each chain and all constants are merged into one operand compared
 * last, so every Max2 compares a signal (a constant-only comparison would fold away under --O2 and break
 * the exact count).
 */
export function extremum(ctx: LowerCtx, dir: 1 | -1): QTensor {
  const { signals, consts, shape } = variadicInputs(ctx);
  const only = signals[0];
  if (only && signals.length === 1 && consts.length === 0) return only;
  const scale = Math.max(...signals.map((q) => q.scale));
  // dir·x at the common scale (free); untouched when already there.
  const ins = signals.map((q) =>
    dir === 1 && q.scale === scale ? q : weightedSum(ctx, [{ q, w: dir }], q.shape, { minScale: scale }),
  );
  const n = numel(shape);
  if (consts.length > 0)
    ins.push(constSignal(ctx, mergedConstant(consts, shape, dir), scale, shape, "a constant input"));
  const srcs = ins.map((q) => broadcastIndex(shape, q.shape));
  const offs: number[] = [];
  let off = 0;
  for (const q of ins) {
    offs.push(off);
    off += q.lo.length;
  }
  const rows = Array.from({ length: n }, (_, i) =>
    Int32Array.from(srcs, (s, k) => (offs[k] as number) + (s[i] as number)),
  );
  const m = maxPrim(ctx, ins, rows, shape);
  return dir === 1 ? m : weightedSum(ctx, [{ q: m, w: -1 }], shape);
}

/** Elementwise max of dir·c over the constants, broadcast to `shape`. */
function mergedConstant(consts: ConstTensor[], shape: number[], dir: 1 | -1): ConstTensor {
  const n = numel(shape);
  const data = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  for (const c of consts) {
    const src = broadcastIndex(shape, c.shape);
    for (let i = 0; i < n; i++)
      data[i] = Math.max(data[i] as number, dir * (c.data[src[i] as number] as number));
  }
  return { dtype: "float64", shape, data };
}
