import type { QTensor } from "../ir.js";
import type { LowerCtx, Value } from "../lower.js";
import { linear } from "../prims/basic.js";
import { cmp } from "../prims/cmp.js";
import { integerPartError, truncDiv } from "./lib/integer-part.js";
import type { OpSpec } from "./op.js";

/** ONNX TensorProto.DataType codes by what Cast does to a fixed-point value. */
const REAL = new Set([1, 10, 11, 16]); // float, float16, double, bfloat16
const INTEGER = new Set([2, 3, 4, 5, 6, 7, 12, 13]); // (u)int8/16/32/64
const BOOL = 9;

/**
 * Cast of a signal. To a real type: free (the fixed-point value is kept; the float rounding of a
 * narrower type is below the quantization step). To an integer type: truncation toward zero, exact —
 * a floor (bits + 3 constraints) where the bounds prove the sign, otherwise floor and ceil selected by
 * a sign test (about 3·bits). Integers (scale 0) pass unchanged. To bool: [x ≠ 0] (IsZero, 2
 * constraints). Wrap-around of out-of-range integers is not modelled: narrow targets are checked
 * against the bounds.
 */
export const cast: OpSpec = {
  opType: "Cast",
  summary:
    "to float: free; to int: exact truncation (bits + 3, or about 3·bits when the sign varies); to bool: 2",
  lower(ctx: LowerCtx): Value[] {
    const to = ctx.int("to", -1);
    ctx.rejectAttr("saturate", (a) => a.type === "int", "saturate applies to float8 targets only");
    const x = ctx.signal(0);
    const name = ctx.node.outputs[0] ?? "";
    if (REAL.has(to)) return [{ kind: "signal", q: x }];
    if (to === BOOL) {
      const z = cmp(ctx, x, "zero", x.shape, `${name}/is_zero`);
      const y = linear(ctx, [z], (i) => [[i, -1n]], 1n, x.shape, name, 0);
      return [{ kind: "signal", q: y }];
    }
    if (!INTEGER.has(to))
      ctx.error(
        "bad-attribute",
        `Cast to element type ${to} is not supported`,
        "supported: float, int and bool types",
      );
    checkRange(ctx, x, to);
    return [{ kind: "signal", q: truncate(ctx, x, name) }];
  },
};

function truncate(ctx: LowerCtx, x: QTensor, name: string): QTensor {
  if (x.scale === 0) return x;
  const y = truncDiv(ctx, x, new Array<bigint>(x.lo.length).fill(1n << BigInt(x.scale)), name);
  y.err.set(x.err.map(integerPartError));
  return y;
}

/** Values that cannot fit the integer target type are rejected rather than wrapped silently. */
function checkRange(ctx: LowerCtx, x: QTensor, to: number): void {
  const limits: Record<number, [number, number]> = {
    2: [0, 255],
    3: [-128, 127],
    4: [0, 65535],
    5: [-32768, 32767],
    12: [0, 2 ** 32 - 1],
  };
  const lim = limits[to];
  if (!lim) return;
  const s = 2 ** x.scale;
  const lo = Number(x.lo.reduce((a, b) => (b < a ? b : a))) / s;
  const hi = Number(x.hi.reduce((a, b) => (b > a ? b : a))) / s;
  if (lo < lim[0] - 1 || hi >= lim[1] + 1)
    ctx.error(
      "unsupported-op",
      `Cast to an integer type with range [${lim[0]}, ${lim[1]}] of values that can reach [${lo}, ${hi}] would wrap`,
      "narrow the calibrated input range or cast to a wider type",
    );
}
