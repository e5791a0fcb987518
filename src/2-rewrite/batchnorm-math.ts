import type { AttrValue, ConstTensor } from "../1-decode/graph.js";

/*
 * BatchNormalization's inference-mode arithmetic, shared by the rewrite that folds it into a preceding
 * Conv/Gemm (fold-batchnorm.ts) and by the op that lowers what cannot be folded (3-lower/ops).
 */

/** Inference-mode BatchNormalization as y = x·a + b per channel: a = γ/√(var+ε), b = β − mean·a. */
export function batchNormAffine(
  scale: ConstTensor,
  bias: ConstTensor,
  mean: ConstTensor,
  variance: ConstTensor,
  epsilon: number,
): { a: Float64Array; b: Float64Array } {
  const n = scale.data.length;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = (scale.data[i] as number) / Math.sqrt((variance.data[i] as number) + epsilon);
    b[i] = (bias.data[i] as number) - (mean.data[i] as number) * (a[i] as number);
  }
  return { a, b };
}

/** Attributes that make a BatchNormalization node something other than the inference-mode affine map. */
export function batchNormUnsupported(
  attrs: ReadonlyMap<string, AttrValue>,
  outputs: string[],
): string | undefined {
  const training = attrs.get("training_mode");
  if (training && training.value !== 0)
    return "training_mode=1 (batch statistics) is not supported; export the model in eval mode";
  if (outputs.slice(1).some((o) => o !== ""))
    return "the running/saved statistics outputs (training mode) are not supported";
  return undefined;
}
