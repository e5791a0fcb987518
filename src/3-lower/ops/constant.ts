import type { ConstTensor } from "../../1-decode/graph.js";
import type { LowerCtx, Value } from "../lower.js";
import type { OpSpec } from "./op.js";

/** Constant: exactly one of value, value_float(s), value_int(s). sparse_value and strings are rejected. */
export const constant: OpSpec = {
  opType: "Constant",
  summary: "value, value_float(s), value_int(s)",
  lower(ctx: LowerCtx): Value[] {
    const forms: [string, () => ConstTensor | undefined][] = [
      ["value", () => ctx.attrTensor("value")],
      ["value_float", () => vec([ctx.float("value_float", 0)], [], "float32")],
      ["value_floats", () => vec(floats(ctx, "value_floats"), undefined, "float32")],
      ["value_int", () => vec([ctx.int("value_int", 0)], [], "int64")],
      ["value_ints", () => vec(ctx.ints("value_ints", []) ?? [], undefined, "int64")],
    ];
    const present = forms.filter(([name]) => ctx.node.attrs.has(name));
    if (present.length !== 1) {
      const other = [...ctx.node.attrs.keys()].join(", ") || "none";
      ctx.error("bad-attribute", `Constant needs exactly one supported value attribute, got: ${other}`);
    }
    const t = (present[0] as [string, () => ConstTensor | undefined])[1]();
    if (!t) ctx.error("bug", "constant value missing");
    return [{ kind: "const", t }];
  },
};

function floats(ctx: LowerCtx, name: string): number[] {
  const a = ctx.node.attrs.get(name);
  return a?.type === "floats" ? a.value : ctx.error("bad-attribute", `${name} should be a list of floats`);
}

function vec(values: number[], shape: number[] | undefined, dtype: ConstTensor["dtype"]): ConstTensor {
  return { dtype, shape: shape ?? [values.length], data: Float64Array.from(values) };
}
