import type { LowerCtx, Value } from "../3-quantize/lower.js";

/**
 * One ONNX operator. `lower` validates the attributes (ONNX defaults apply when absent), infers the output
 * shape, picks the output scale, and emits circuit IR prims through the context. The prims define the
 * op's integer reference, its bounds, its error bound and its Circom code.
 */
export interface OpSpec {
  opType: string;
  /** One line for `zkmlc ops` and the README table. */
  summary: string;
  lower(ctx: LowerCtx): Value[];
}
