import { describe, expect, it } from "vitest";
import { attr, buildModel, DataType, node, tensorProto, valueInfo } from "../1-decode/onnx-builder.js";
import { binaryProofBytes, parameterCount } from "./sizes.js";

const g1 = () => ["1", "2", "1"];
const g2 = () => [
  ["1", "2"],
  ["3", "4"],
  ["1", "0"],
];

describe("proof and model sizes", () => {
  it("counts the field elements an on-chain verifier takes: 256 B Groth16, 768 B PLONK and FFLONK", () => {
    expect(
      binaryProofBytes({ pi_a: g1(), pi_b: g2(), pi_c: g1(), protocol: "groth16", curve: "bn128" }),
    ).toBe(256);
    const plonk: Record<string, unknown> = { protocol: "plonk", curve: "bn128" };
    for (const k of ["A", "B", "C", "Z", "T1", "T2", "T3", "Wxi", "Wxiw"]) plonk[k] = g1();
    for (const k of ["eval_a", "eval_b", "eval_c", "eval_s1", "eval_s2", "eval_zw"]) plonk[k] = "7";
    expect(binaryProofBytes(plonk)).toBe(768);
    const evaluations = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`e${i}`, "5"]));
    const fflonk = {
      polynomials: { C1: g1(), C2: g1(), W1: g1(), W2: g1() },
      evaluations,
      protocol: "fflonk",
    };
    expect(binaryProofBytes(fflonk)).toBe(768);
  });

  it("counts float initializers and Constant tensors, not integer shapes", () => {
    const bytes = buildModel({
      inputs: [valueInfo("x", DataType.FLOAT, [1, 3])],
      outputs: [valueInfo("y", DataType.FLOAT, [1, 2])],
      initializers: [
        tensorProto("w", [2, 3], [1, 2, 3, 4, 5, 6]),
        tensorProto("shape", [2], [1, 2], "int64_data"),
      ],
      nodes: [
        node("Constant", [], ["b"], { value: attr.tensor(tensorProto("", [2], [0.5, 0.25])) }),
        node("Gemm", ["x", "w", "b"], ["g"], { transB: attr.int(1) }),
        node("Reshape", ["g", "shape"], ["y"]),
      ],
    });
    expect(parameterCount(bytes)).toBe(8);
  });
});
