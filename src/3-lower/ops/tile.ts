import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, mapIndex, route, strides } from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

/** Tile by constant repeats (one per axis): out[i] = x[i mod d]. Free (wiring); scale unchanged. */
export const tile: OpSpec = {
  opType: "Tile",
  summary: "constant repeats; free",
  lower(ctx: LowerCtx): Value[] {
    const repeats = Array.from(ctx.constant(1, "the Tile repeats").data);
    const x = dataSignal(ctx);
    if (repeats.length !== x.shape.length || repeats.some((r) => !Number.isInteger(r) || r < 0))
      ctx.error("bad-shape", `repeats [${repeats}] should be ${x.shape.length} non-negative integers`);
    const shape = x.shape.map((d, i) => d * (repeats[i] as number));
    const st = strides(x.shape);
    const src = mapIndex(shape, (idx) => {
      let f = 0;
      for (let i = 0; i < idx.length; i++)
        f += ((idx[i] as number) % (x.shape[i] as number)) * (st[i] as number);
      return f;
    });
    return [{ kind: "signal", q: route(ctx, x, src, shape) }];
  },
};
