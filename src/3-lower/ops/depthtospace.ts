import type { LowerCtx, Value } from "../lower.js";
import { dataSignal, mapIndex, route, stringAttr } from "./lib/indexing.js";
import type { OpSpec } from "./op.js";

/**
 * DepthToSpace on [N, C, H, W] with blocksize b: out [N, C/b², H·b, W·b]. mode DCR (default):
 * out[n, c, h·b+i, w·b+j] = x[n, (i·b + j)·C/b² + c, h, w]; CRD: x[n, c·b² + i·b + j, h, w].
 * Free (wiring); scale unchanged.
 */
export const depthToSpace: OpSpec = {
  opType: "DepthToSpace",
  summary: "blocksize, DCR and CRD modes; free",
  lower(ctx: LowerCtx): Value[] {
    const x = dataSignal(ctx);
    const b = ctx.int("blocksize", 0);
    const mode = stringAttr(ctx, "mode", "DCR");
    if (mode !== "DCR" && mode !== "CRD") ctx.error("bad-attribute", `mode "${mode}" is not DCR or CRD`);
    if (b < 1) ctx.error("bad-attribute", "blocksize must be given and at least 1");
    if (x.shape.length !== 4) ctx.error("bad-shape", `DepthToSpace needs a 4-D input, got [${x.shape}]`);
    const [N, C, H, W] = x.shape as [number, number, number, number];
    if (C % (b * b) !== 0)
      ctx.error("bad-shape", `${C} channels are not a multiple of blocksize² = ${b * b}`);
    const c2 = C / (b * b);
    const shape = [N, c2, H * b, W * b];
    const src = mapIndex(shape, ([n, c, y, z]) => {
      const [h, i, w, j] = [
        Math.floor((y as number) / b),
        (y as number) % b,
        Math.floor((z as number) / b),
        (z as number) % b,
      ];
      const ch = mode === "DCR" ? (i * b + j) * c2 + (c as number) : (c as number) * b * b + i * b + j;
      return (((n as number) * C + ch) * H + h) * W + w;
    });
    return [{ kind: "signal", q: route(ctx, x, src, shape) }];
  },
};
