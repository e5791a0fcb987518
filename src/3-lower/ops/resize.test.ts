import { describe, expect, it } from "vitest";
import { type ConstInput, opModel, samples } from "../../../test/support/data-movement.js";
import { checkAgainstFloat, checkCircuit, rng } from "../../../test/support/op-check.js";
import { type AttrValue, attr, DataType } from "../../1-decode/onnx-builder.js";

const r = rng(34);
const X = [1, 2, 3, 4];
const F = DataType.FLOAT;

/** Resize (opset 11+ layout: X, roi, scales, sizes) with scales or sizes given. */
function resizeModel(
  by: { scales?: number[]; sizes?: number[]; roi?: number[] },
  attrs: Record<string, AttrValue> = {},
  opts: { opset?: number; x?: number[]; after?: string } = {},
) {
  // Before opset 13, roi and scales are required inputs: an empty tensor stands for "not given".
  const old = (opts.opset ?? 13) < 13;
  const roi = by.roi ?? (old ? [] : undefined);
  const scales = by.scales ?? (old ? [] : undefined);
  const consts: ConstInput[] = [];
  if (roi) consts.push(["roi", [roi.length], roi, F]);
  if (scales) consts.push(["scales", [scales.length], scales, F]);
  if (by.sizes) consts.push(["sizes", [by.sizes.length], by.sizes]);
  const names = ["x", roi ? "roi" : "", scales ? "scales" : "", ...(by.sizes ? ["sizes"] : [])];
  const x = opts.x ?? X;
  return opModel({
    op: "Resize",
    inputs: [["x", x]],
    consts,
    nodeInputs: names,
    attrs,
    opset: opts.opset ?? 13,
    after: opts.after,
  });
}

const COORDS = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn"];
const NEAREST = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"];

describe("Resize", () => {
  it.each(COORDS.flatMap((c) => NEAREST.map((n) => [c, n])))(
    "coordinate mode %s, nearest mode %s, up and down by sizes and scales",
    async (c, n) => {
      const attrs = { coordinate_transformation_mode: c as string, nearest_mode: n as string };
      // tf_half_pixel_for_nn is deprecated from opset 13 (onnxruntime warns): use opset 12 for it.
      const o = { opset: c === "tf_half_pixel_for_nn" ? 12 : 13 };
      const s = samples(r, [X], 2);
      const up = await checkAgainstFloat(resizeModel({ sizes: [1, 2, 5, 7] }, attrs, o), s);
      expect(up.plan.outputs[0]?.shape).toEqual([1, 2, 5, 7]);
      const down = await checkAgainstFloat(resizeModel({ scales: [1, 1, 0.6, 0.7] }, attrs, o), s);
      expect(down.plan.outputs[0]?.shape).toEqual([1, 2, 1, 2]);
      await checkAgainstFloat(resizeModel({ scales: [1, 1, 1.5, 2.25] }, attrs, o), s);
    },
  );

  it("half_pixel_symmetric (opset 19)", async () => {
    const attrs = { coordinate_transformation_mode: "half_pixel_symmetric" };
    const s = samples(r, [X], 2);
    for (const by of [{ sizes: [1, 2, 5, 7] }, { scales: [1, 1, 0.6, 1.7] }])
      await checkAgainstFloat(resizeModel(by, attrs, { opset: 19 }), s);
  });

  it("tf_crop_and_resize with an roi and an extrapolation value", async () => {
    const attrs = {
      coordinate_transformation_mode: "tf_crop_and_resize",
      extrapolation_value: attr.float(0.625),
    };
    const roi = [0, 0, -0.2, 0.4, 1, 1, 0.9, 1.3];
    const { plan } = await checkAgainstFloat(
      resizeModel({ roi, sizes: [1, 2, 4, 5] }, attrs),
      samples(r, [X]),
    );
    const prim = plan.nodes[0]?.prims[0];
    expect(prim?.kind === "affine" && prim.bias.some((b) => b === 80n)).toBe(true); // 0.625 · 2^7
  });

  it("axes and keep_aspect_ratio_policy (opset 18)", async () => {
    const s = samples(r, [X], 2);
    const axes = await checkAgainstFloat(
      resizeModel({ scales: [2, 1.5] }, { axes: attr.ints([3, -2]) }, { opset: 18 }),
      s,
    );
    expect(axes.plan.outputs[0]?.shape).toEqual([1, 2, 4, 8]);
    for (const [policy, out] of [
      ["not_larger", [1, 2, 5, 7]],
      ["not_smaller", [1, 2, 6, 8]],
    ] as const) {
      const m = resizeModel(
        { sizes: [6, 7] },
        { axes: attr.ints([2, 3]), keep_aspect_ratio_policy: policy },
        { opset: 18 },
      );
      const { plan } = await checkAgainstFloat(m, s);
      expect(plan.outputs[0]?.shape).toEqual(out);
    }
  });

  it("opset 10: (X, scales), asymmetric coordinates", async () => {
    const m = opModel({
      op: "Resize",
      inputs: [["x", X]],
      consts: [["scales", [4], [1, 1, 2.5, 0.5], F]],
      opset: 10,
    });
    const { plan } = await checkAgainstFloat(m, samples(r, [X]));
    expect(plan.outputs[0]?.shape).toEqual([1, 2, 7, 2]);
  });

  it("compiles a 2x nearest upsampling (followed by a Relu)", { tags: ["heavy"] }, async () => {
    const m = resizeModel(
      { scales: [1, 1, 2, 2] },
      { nearest_mode: "floor" },
      { x: [1, 1, 2, 2], after: "Relu" },
    );
    await checkCircuit(m, samples(r, [[1, 1, 2, 2]], 2));
  });

  it("rejects linear and cubic modes by name, and exclude_outside", async () => {
    for (const mode of ["linear", "cubic"]) {
      await expect(
        checkAgainstFloat(resizeModel({ scales: [1, 1, 2, 2] }, { mode }), []),
      ).rejects.toMatchObject({
        code: "bad-attribute",
        node: { opType: "Resize" },
        message: new RegExp(`mode "${mode}"`),
      });
    }
    const ex = resizeModel({ scales: [1, 1, 2, 2] }, { exclude_outside: attr.int(1) });
    await expect(checkAgainstFloat(ex, [])).rejects.toMatchObject({
      code: "bad-attribute",
      message: /exclude_outside/,
    });
    const both = resizeModel({ scales: [1, 1, 2, 2], sizes: [1, 2, 6, 8] });
    await expect(checkAgainstFloat(both, [])).rejects.toMatchObject({ code: "bad-onnx" });
  });
});
