import type { ConstTensor } from "../../../1-decode/graph.js";
import type { QTensor } from "../../ir.js";
import type { LowerCtx } from "../../lower.js";
import { mul } from "../../prims/mul.js";
import { strides } from "./indexing.js";
import { affineRefs, type Choices, chooseStrict, indicators, type Ref } from "./select.js";

/** A term of an indicator row: an existing element, or (before the products exist) product number `prod`. */
type Term = Ref | { prod: number; c: bigint };

/**
 * Choices for index tuples computed from the input (GatherND, ScatterND): j's last axis holds m
 * components, component k indexing a dimension of length dims[k]; a tuple selects the flat position
 * Σ_k p_k·R_k (R_k the row-major strides of dims). Each component gets chooseStrict's one-hot (membership
 * enforced where the bounds do not prove it; a negative component counts from the end for free, as its
 * candidates map to positions at compile time). A tuple's indicators are built one component at a time:
 * each indicator so far times each of component k's positions but the first, whose product is that
 * indicator minus the others (component k's indicators sum to 1): N·(K_k − 1) products at step k, N the
 * candidate tuples so far. A component with one candidate (a batch index fixed by the graph, as TF's
 * gather_nd exports it) adds nothing, so one varying component costs only its own one-hot.
 * Not one one-hot of the flat index Σ j_k·R_k: that is sound only for components proven within [0, d_k)
 * (the flat index's membership does not bound each component), its range has holes wherever a component's
 * candidates do not span its dimension, and where it applies it saves about K − 2 constraints per tuple.
 */
export function chooseTuples(ctx: LowerCtx, j: QTensor, dims: number[]): Choices {
  const m = dims.length;
  const n = j.lo.length / m;
  const name = ctx.node.outputs[0] ?? "";
  const label = (k: number) => (t: number) => `component ${k} of index tuple ${t}`;
  if (m === 1) return chooseStrict(ctx, j, dims[0] as number, label(0));
  const comps = dims.map((d, k) => {
    const rows = Array.from({ length: n }, (_, t) => [{ q: j, j: t * m + k, c: 1n }]);
    const jk = affineRefs(ctx, `${name}/index${k}`, [n], rows, new Array<bigint>(n).fill(0n), 0);
    const ch = chooseStrict(ctx, jk, d, label(k));
    return { ch, ...indicators(ctx, ch) };
  });
  const first = comps[0] as (typeof comps)[number];
  // Per tuple: its candidate positions so far, each with its indicator.
  let e = first.f;
  let cur: [number, Ref][][] = first.hot.map((h) => [...h].map(([p, i]) => [p, { q: first.f, j: i, c: 1n }]));
  for (let k = 1; k < m; k++) {
    const { f, hot } = comps[k] as (typeof comps)[number];
    const d = dims[k] as number;
    const ia: number[] = [];
    const ib: number[] = [];
    const next = cur.map((cs, t) => {
      const qs = [...(hot[t] as Map<number, number>)];
      const q0 = (qs[0] as [number, number])[0];
      if (qs.length === 1) return cs.map(([p, r]): [number, Term[]] => [p * d + q0, [r]]);
      if (cs.length === 1) {
        const p = (cs[0] as [number, Ref])[0];
        return qs.map(([q, i]): [number, Term[]] => [p * d + q, [{ q: f, j: i, c: 1n }]]);
      }
      return cs.flatMap(([p, r]) => {
        const prods = qs.slice(1).map(([, i]) => {
          ia.push(r.j);
          ib.push(i);
          return ia.length - 1;
        });
        const rest = qs
          .slice(1)
          .map(([q], s): [number, Term[]] => [p * d + q, [{ prod: prods[s] as number, c: 1n }]]);
        const firstRow: Term[] = [r, ...prods.map((x) => ({ prod: x, c: -1n }))];
        return [[p * d + q0, firstRow] as [number, Term[]], ...rest];
      });
    });
    const P =
      ia.length > 0
        ? mul(ctx, e, Int32Array.from(ia), f, Int32Array.from(ib), [ia.length], `${name}/tuple${k}_prod`)
        : undefined;
    const rows = next
      .flat()
      .map(([, ts]) => ts.map((t): Ref => ("prod" in t ? { q: P as QTensor, j: t.prod, c: t.c } : t)));
    const total = rows.length;
    const E = affineRefs(ctx, `${name}/tuple${k}`, [total], rows, new Array<bigint>(total).fill(0n), 0);
    // Exactly one indicator per tuple is 1 (products of exact one-hots): 0/1, not the rows' interval.
    E.lo.forEach((l, i) => {
      if (l < 0n) E.lo[i] = 0n;
      if ((E.hi[i] as bigint) > 1n) E.hi[i] = 1n;
    });
    e = E;
    let at = 0;
    cur = next.map((cs) => cs.map(([p]): [number, Ref] => [p, { q: E, j: at++, c: 1n }]));
  }
  return {
    d: dims.reduce((a, b) => a * b, 1),
    ins: [e],
    pos: cur.map((cs) => new Map(cs.map(([p, r]) => [p, [r.j]]))),
    reach: (t) => {
      const rs = comps.map((c) => c.ch.reach(t));
      if (rs.every((r) => r === undefined)) return undefined;
      let ps = [0];
      comps.forEach((c, k) => {
        const r = rs[k] ?? [...(c.ch.pos[t] as Map<number, number[]>).keys()];
        ps = ps.flatMap((p) => r.map((q) => p * (dims[k] as number) + q));
      });
      return ps;
    },
  };
}

/** Constant index tuples (the last axis of ind) as flat positions Σ p_k·R_k; out-of-range ones are errors. */
export function constTuples(ctx: LowerCtx, ind: ConstTensor, dims: number[]): number[] {
  const m = dims.length;
  const R = strides(dims);
  return Array.from({ length: ind.data.length / m }, (_, t) =>
    dims.reduce((acc, d, k) => {
      const v = ind.data[t * m + k] as number;
      if (!Number.isInteger(v) || v < -d || v >= d)
        ctx.error("bad-onnx", `index ${v} (tuple ${t}, component ${k}) is out of range for dimension ${d}`);
      return acc + (v < 0 ? v + d : v) * (R[k] as number);
    }, 0),
  );
}
