import type { Prim, QTensor } from "../ir.js";
import type { Lin } from "./lin.js";

/**
 * What a primitive is, in one place (prims/<kind>.ts): its cost, its integer reference, its Circom text
 * and its R1CS rows for the direct backend. Both backends build the same constraint system: the Circom
 * text through circom --O2, the rows directly, with the same signal names (so a witness of one maps onto
 * the other through the .sym files) and the same number of constraints.
 */
export interface PrimSpec<P extends Prim = Prim> {
  kind: P["kind"];
  /** Constraints under Groth16 (circom --O2, and the direct backend) for an output of `size` elements. */
  cost(p: P, size: number): number;
  /** The integer reference: the output's values from the values of every tensor computed before it. */
  evaluate(p: P, vals: bigint[][]): bigint[];
  /** Circom statements computing signal array `s` (generated templates go to `templates`). */
  circom(p: P, s: string, env: EmitEnv, templates: string[]): string[];
  /** Wires, constraints and output elements of the direct backend (see Cs). */
  build(p: P, s: string, cs: Cs): void;
}

/** What Circom emission needs from the model emitter. */
export interface EmitEnv {
  tensor(id: number): QTensor;
  /** The signal array holding tensor `id`. */
  name(id: number): string;
}

/**
 * The direct backend's constraint system, as a primitive sees it. One `build` per primitive serves
 * three modes: "rows" writes constraints (no values), "values" computes the witness from the reference
 * values (no rows), "check" does both and checks every constraint as it is made (tests).
 *
 * Signal names follow the Circom the prim emits (`main.c_t5[3].bits.out[2]`); they are built lazily,
 * only for the .sym file.
 */
export interface Cs {
  readonly mode: "rows" | "values" | "check";
  /**
   * No combinations needed: "values" mode outside the prims whose outputs reach an output equation
   * (those are solved like the rows, so their combinations are built in every mode).
   */
  readonly lean: boolean;
  /** Number of elements of tensor id. */
  size(id: number): number;
  /** The values of tensor id's constant elements (an affine row of nothing, a one-hot of one candidate), if any. */
  constant(id: number): readonly (bigint | undefined)[] | undefined;
  /** Element j of tensor id as a combination of wires (Lin.ZERO in "values" mode). */
  lin(id: number, j: number): Lin;
  /** The reference value of element j of tensor id ("values" and "check" modes). */
  val(id: number, j: number): bigint;
  /**
   * A new witness wire with its .sym name (null: only the tensor element name `out` gives it) and,
   * outside "rows" mode, its value.
   */
  wire(name: (() => string) | null, value: () => bigint): Lin;
  /**
   * Another name for a combination of wires: .sym lists it (with the wire's index when `x` is one wire,
   * else -1, as circom does for the signals --O2 eliminates). Tensor elements are named by `out`.
   */
  named(name: () => string, x: Lin | (() => Lin)): void;
  /** The constraint a·b = c. */
  constrain(a: Lin, b: Lin, c: Lin): void;
  /** Element j of tensor id is `x` (named `main.<its signal>[j]` in .sym). */
  out(id: number, j: number, x: Lin): void;
  /** Every element of tensor id is computed on demand by `f` (affine maps: nothing is stored). */
  outLazy(id: number, f: (j: number) => Lin): void;
}
