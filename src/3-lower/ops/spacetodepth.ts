import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, mapIndex, route } from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

/**
 * SpaceToDepth on [N, C, H, W] with blocksize b: out [N, C·b², H/b, W/b],
 * out[n, (i·b + j)·C + c, h, w] = x[n, c, h·b+i, w·b+j] (the inverse of DepthToSpace DCR). Free (wiring).
 */
export const spaceToDepth: OpSpec = {
  opType: "SpaceToDepth",
  summary: "blocksize; free",
  lower(ctx: LowerCtx): Value[] {
    const x = dataSignal(ctx);
    const b = ctx.int("blocksize", 0);
    if (b < 1) ctx.error("bad-attribute", "blocksize must be given and at least 1");
    if (x.shape.length !== 4) ctx.error("bad-shape", `SpaceToDepth needs a 4-D input, got [${x.shape}]`);
    const [N, C, H, W] = x.shape as [number, number, number, number];
    if (H % b !== 0 || W % b !== 0)
      ctx.error("bad-shape", `height ${H} and width ${W} must be multiples of blocksize ${b}`);
    const shape = [N, C * b * b, H / b, W / b];
    const src = mapIndex(shape, ([n, k, h, w]) => {
      const c = (k as number) % C;
      const ij = Math.floor((k as number) / C);
      const [i, j] = [Math.floor(ij / b), ij % b];
      return (((n as number) * C + c) * H + (h as number) * b + i) * W + (w as number) * b + j;
    });
    return [{ kind: "signal", q: route(ctx, x, src, shape) }];
  },
};
