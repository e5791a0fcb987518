import { describe, expect, it } from "vitest";
import {
  checkElementwise,
  expectDocumented,
  measureActivation,
} from "../../../test/support/activation-table.js";
import { type AttrValue, attr } from "../../1-decode/onnx-builder.js";

describe("LeakyRelu", () => {
  it("alpha = 0.01 (default), 0.1, 2 and -0.5: exact, the ReLU's N + 1 constraints per element", {
    tags: ["heavy"],
  }, async () => {
    for (const [alpha, seed] of [
      [undefined, 1],
      [0.1, 2],
      [2, 3],
      [-0.5, 4],
    ] as const) {
      const attrs: Record<string, AttrValue> = alpha === undefined ? {} : { alpha: attr.float(alpha) };
      const { narrow, wide, constraints } = await checkElementwise({
        op: "LeakyRelu",
        attrs,
        seed,
        opset: 16,
      });
      expect(narrow.plan.nodes[0]?.prims.map((p) => p.kind)).toEqual(["rescale", "affine"]);
      // input checks (10 × 12 bits at [-12, 12] and scale 7) + one ReLU per element (N = 13, k = 0)
      expect(constraints).toBe(10 * 12 + 10 * (13 + 1));
      // alpha quantized at the test's param scale 2^-7 (0.01 becomes 1/128): |Δalpha|·|x| dominates
      expect(wide.errorBound).toBeLessThan(0.1);
    }
  });

  it("meets its documented cost and error at the default scales", async () => {
    const f = (x: number) => (x >= 0 ? x : 0.01 * x);
    expectDocumented("LeakyRelu", await measureActivation({ op: "LeakyRelu", f, range: [-10, 10] }));
  });
});
