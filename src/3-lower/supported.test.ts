import { describe, expect, it } from "vitest";
import { decodeModel } from "../1-decode/decode.js";
import { buildModel, DataType, node, valueInfo } from "../1-decode/onnx-builder.js";
import type { ZkmlError } from "../errors.js";
import { checkSupported } from "./supported.js";

const io = {
  inputs: [valueInfo("x", DataType.FLOAT, [1, 4])],
  outputs: [valueInfo("z", DataType.FLOAT, [1, 4])],
};

describe("checkSupported", () => {
  it("lists every unsupported node at once, with index, name and op", () => {
    const g = decodeModel(
      buildModel({
        ...io,
        nodes: [
          node("STFT", ["x"], ["a"], {}, "stft_1"),
          node("Relu", ["a"], ["b"], {}, "r"),
          node("Hardmax", ["b"], ["z"], {}, "hm"),
        ],
      }),
    );
    let err: ZkmlError | undefined;
    try {
      checkSupported(g);
    } catch (e) {
      err = e as ZkmlError;
    }
    expect(err?.code).toBe("unsupported-op");
    expect(err?.message).toContain('#0 "stft_1" (STFT)');
    expect(err?.message).toContain('#2 "hm" (Hardmax)');
    expect(err?.message).not.toContain("Relu");
    expect(err?.node).toEqual({ index: 0, name: "stft_1", opType: "STFT" });
    expect(err?.format()).toMatch(/^error\[unsupported-op\]: node #0 "stft_1" \(STFT\): 2 node\(s\)/);
    expect(err?.hint).toContain("Gemm");
  });

  it("rejects ops from other domains; decoding rejects graphs that are not topologically sorted", () => {
    const custom = decodeModel(
      buildModel({
        ...io,
        nodes: [node("Relu", ["x"], ["z"], {}, "r", "com.microsoft")],
        extraOpsets: { "com.microsoft": 1 },
      }),
    );
    expect(() => checkSupported(custom)).toThrow(/com\.microsoft\.Relu/);
    const unsorted = buildModel({
      ...io,
      nodes: [node("Relu", ["a"], ["z"], {}, "r2"), node("Relu", ["x"], ["a"], {}, "r1")],
    });
    expect(() => decodeModel(unsorted)).toThrow(
      expect.objectContaining({ code: "bad-onnx", node: expect.objectContaining({ name: "r2" }) }),
    );
  });
});
