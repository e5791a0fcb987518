import { decodeModel } from "../1-decode/decode.js";
import { numel } from "../1-decode/graph.js";
import type { InputShapes } from "../1-decode/input-shapes.js";

const FLOAT = new Set(["float32", "float64", "float16"]);

/** Model size: elements of the floating-point initializers and Constant-node tensors (not shapes). */
export function parameterCount(modelBytes: Uint8Array, inputShapes?: InputShapes): number {
  const g = decodeModel(modelBytes, { inputShapes });
  let n = 0;
  for (const t of g.constants.values()) if (FLOAT.has(t.dtype)) n += numel(t.shape);
  for (const node of g.nodes) {
    const v = node.opType === "Constant" ? node.attrs.get("value") : undefined;
    if (v?.type === "tensor" && FLOAT.has(v.value.dtype)) n += numel(v.value.shape);
  }
  return n;
}

/**
 * Bytes of the proof as an on-chain verifier takes it: 32 bytes per field element of the affine points
 * (G1 [x, y, "1"] -> 2, G2 [[x0, x1], [y0, y1], ["1", "0"]] -> 4) and of every scalar evaluation. That is
 * 256 B for Groth16 (A, B, C) and 768 B for snarkjs's PLONK (9 points, 6 evaluations) and FFLONK
 * (4 points, 16 evaluations).
 */
export function binaryProofBytes(proof: unknown): number {
  const elements = (v: unknown): number => {
    if (typeof v === "string") return 1;
    if (Array.isArray(v)) {
      // projective points end with the z coordinate "1" (G1) or ["1", "0"] (G2): not sent
      const last = v[v.length - 1];
      const projective = v.length === 3 && (last === "1" || (Array.isArray(last) && last[0] === "1"));
      return (projective ? v.slice(0, 2) : v).reduce((s: number, x) => s + elements(x), 0);
    }
    if (typeof v === "object" && v !== null)
      return Object.entries(v).reduce(
        (s, [k, x]) => s + (k === "protocol" || k === "curve" ? 0 : elements(x)),
        0,
      );
    return 0;
  };
  return 32 * elements(proof);
}
