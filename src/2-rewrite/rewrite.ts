import type { Graph } from "../1-decode/graph.js";
import { foldBatchNorm } from "./fold-batchnorm.js";
import { fuseLayerNorm } from "./fuse-layernorm.js";
import { reluBeforeMaxPool } from "./relu-before-maxpool.js";

/**
 * Graph-level rewrites before quantization (the model is valid and its ops supported: 1-decode/validate.ts,
 * 3-lower/supported.ts). Identity/Dropout/Constant need no rewrite: they lower to aliases and constants at
 * no cost. BatchNormalization after a Conv/Gemm with constant weights is folded into it
 * (fold-batchnorm.ts), Relu → MaxPool is reordered to MaxPool → Relu (relu-before-maxpool.ts), and
 * LayerNorm decomposed into ReduceMean/Sub/Pow/Sqrt/Div is fused back into LayerNormalization
 * (fuse-layernorm.ts).
 */
export function rewrite(graph: Graph): Graph {
  return reluBeforeMaxPool(foldBatchNorm(fuseLayerNorm(graph)));
}
