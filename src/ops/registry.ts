import { add } from "./add.js";
import { constant } from "./constant.js";
import { dropout } from "./dropout.js";
import { flatten } from "./flatten.js";
import { gemm } from "./gemm.js";
import { identity } from "./identity.js";
import { matmul } from "./matmul.js";
import type { OpSpec } from "./op.js";
import { relu } from "./relu.js";
import { reshape } from "./reshape.js";

/** Every supported ONNX operator (default domain), one line each. */
export const OPS: ReadonlyMap<string, OpSpec> = new Map(
  [add, constant, dropout, flatten, gemm, identity, matmul, relu, reshape].map((op) => [op.opType, op]),
);
