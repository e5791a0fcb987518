import type { Prim } from "../ir.js";
import { affine } from "./affine.js";
import { cmpSpec } from "./cmp.js";
import { commitSpec } from "./commit.js";
import { divSpec } from "./div.js";
import { input } from "./input.js";
import { maxSpec } from "./max.js";
import { mulSpec } from "./mul.js";
import { oneHotSpec } from "./onehot.js";
import { polySpec } from "./poly.js";
import { rescale } from "./rescale.js";
import type { PrimSpec } from "./spec.js";
import { sqrtSpec } from "./sqrt.js";

type Specs = { [K in Prim["kind"]]: PrimSpec<Extract<Prim, { kind: K }>> };

/** Every primitive by kind: one module each (prims/<kind>.ts), looked up here by every backend. */
export const PRIMS: Specs = {
  input,
  affine,
  rescale,
  mul: mulSpec,
  max: maxSpec,
  cmp: cmpSpec,
  div: divSpec,
  sqrt: sqrtSpec,
  poly: polySpec,
  onehot: oneHotSpec,
  commit: commitSpec,
};

/** The spec of a prim, typed by its kind. */
export function specOf<P extends Prim>(p: P): PrimSpec<P> {
  return PRIMS[p.kind] as unknown as PrimSpec<P>;
}

/** Constraints a prim costs under Groth16 (circom --O2 and the direct backend); `size`: its output's elements. */
export function primConstraints(p: Prim, size: number): number {
  return specOf(p).cost(p, size);
}
