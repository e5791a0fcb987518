import { checkElements, nodeRef } from "../../../1-decode/graph.js";
import type { AffinePrim, QTensor } from "../../ir.js";
import { LowerCtx } from "../../lower.js";
import { mul } from "../../prims/mul.js";
import type { Taps } from "./window.js";

/**
 * How a convolution-like op (Conv, ConvTranspose) connects channels: output channel m of group
 * g = m / (M / group) reads input channels g·Cg .. g·Cg + Cg − 1 through the weight wIndex(m, cc, k).
 */
export interface ConvLayout {
  batch: number;
  inChannels: number;
  outChannels: number;
  group: number;
  /** Elements per channel of the input and of the output (products of the spatial dims). */
  inSize: number;
  outSize: number;
  taps: Taps;
  /** Flat index into the weight tensor of output channel m, input channel cc of its group, kernel k. */
  wIndex(m: number, cc: number, k: number): number;
}

/**
 * Y[n, m, p] = Σ_{cc, taps of p} X[n, g·Cg + cc, x(tap)] · W[wIndex(m, cc, k(tap))] + B[m].
 * Constant weights (the normal case): free affine rows at scale s_x + s_param, with the error that
 * quantizing W adds (Σ |δw|·max|x|, as matmulRows). Signal weights: one product constraint per tap
 * (mul prim) then a free sum, at scale s_x + s_w. B: a constant quantized at the output scale, or a
 * signal aligned to it (free).
 */
export function convolve(ctx: LowerCtx, L: ConvLayout, outShape: number[]): QTensor {
  if (ctx.required(0).kind === "const")
    ctx.error(
      "unsupported-op",
      "the data input X is a constant while the weights are not",
      "zkmlc needs X to depend on the model input",
    );
  const x = ctx.signal(0);
  const Cg = L.inChannels / L.group;
  const Mg = L.outChannels / L.group;
  const { start, k: tapK, x: tapX } = L.taps;
  const nRows = L.batch * L.outChannels * L.outSize;
  checkElements(outShape, "the output", nodeRef(ctx.node));
  ctx.checkTerms(L.batch * L.outChannels * Cg * (start[L.outSize] ?? 0), "the convolution");
  const rows: AffinePrim["rows"] = new Array(nRows);
  const extraErr = new Float64Array(nRows);
  const constW = ctx.required(1).kind === "const";
  const wq = constW
    ? ctx.quantize(ctx.constant(1, "the weight"), ctx.scales.paramScale, "the weight")
    : undefined;
  const mag = Float64Array.from({ length: x.lo.length }, (_, j) => LowerCtx.magnitude(x, j));
  // Signal weights: the products, in row order, become one mul prim; rows then sum runs of them.
  const ia: number[] = [];
  const ib: number[] = [];
  let r = 0;
  for (let n = 0; n < L.batch; n++) {
    for (let m = 0; m < L.outChannels; m++) {
      const g = Math.floor(m / Mg);
      for (let p = 0; p < L.outSize; p++, r++) {
        const t0 = start[p] as number;
        const t1 = start[p + 1] as number;
        const idx = new Int32Array(Cg * (t1 - t0));
        const coef: bigint[] = [];
        let len = 0;
        let e = 0;
        for (let cc = 0; cc < Cg; cc++) {
          const base = (n * L.inChannels + g * Cg + cc) * L.inSize;
          for (let t = t0; t < t1; t++) {
            const xi = base + (tapX[t] as number);
            const wi = L.wIndex(m, cc, tapK[t] as number);
            if (wq) {
              e += (wq.err[wi] as number) * (mag[xi] as number);
              const c = wq.q[wi] as bigint;
              if (c === 0n) continue;
              idx[len++] = xi;
              coef.push(c);
            } else {
              idx[len++] = ia.length;
              coef.push(1n);
              ia.push(xi);
              ib.push(wi);
            }
          }
        }
        rows[r] = { idx: len === idx.length ? idx : idx.slice(0, len), coef };
        extraErr[r] = e;
      }
    }
  }
  let src = x;
  let scale = x.scale + ctx.scales.paramScale;
  if (!wq) {
    const w = ctx.signal(1);
    src = mul(
      ctx,
      x,
      Int32Array.from(ia),
      w,
      Int32Array.from(ib),
      [ia.length],
      `${ctx.node.outputs[0] ?? ""}/products`,
    );
    scale = src.scale;
  }
  const ins = [src];
  const bias = new Array<bigint>(nRows).fill(0n);
  const b = ctx.input(2);
  if (b) {
    const bShape = b.kind === "const" ? b.t.shape : b.q.shape;
    if (bShape.length !== 1 || bShape[0] !== L.outChannels)
      ctx.error("bad-shape", `the bias B has shape [${bShape}], expected [${L.outChannels}]`);
    const chan = (row: number) => Math.floor(row / L.outSize) % L.outChannels;
    if (b.kind === "const") {
      const bq = ctx.quantize(b.t, scale, "the bias");
      for (let i = 0; i < nRows; i++) {
        bias[i] = bq.q[chan(i)] as bigint;
        extraErr[i] = (extraErr[i] as number) + (bq.err[chan(i)] as number);
      }
    } else {
      const bs = ctx.signal(2);
      if (bs.scale > scale)
        ctx.error("unsupported-op", "a signal bias at a finer scale than X·W is not supported");
      const f = 1n << BigInt(scale - bs.scale);
      const off = src.lo.length;
      rows.forEach((row, i) => {
        row.idx = Int32Array.from([...row.idx, off + chan(i)]);
        row.coef.push(f);
      });
      ins.push(bs);
    }
  }
  return ctx.affine(ctx.node.outputs[0] ?? "", outShape, ins, rows, bias, scale, extraErr);
}
