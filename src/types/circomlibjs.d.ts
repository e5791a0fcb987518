// Minimal typings for the parts of circomlibjs 0.1.7 that zkmlc's tests call (the package ships no types).

declare module "circomlibjs" {
  /** An ffjavascript field: elements are its own byte arrays; `e` reads a bigint, `toObject` returns one. */
  export interface PoseidonField {
    e(x: bigint | number | string): Uint8Array;
    toObject(x: Uint8Array): bigint;
  }

  /** Poseidon of 1..16 inputs (circomlib's PoseidonEx: initial state, nOut outputs, default 1). */
  export interface PoseidonFn {
    (inputs: readonly (bigint | number | string)[], initState?: bigint, nOut?: 1): Uint8Array;
    (inputs: readonly (bigint | number | string)[], initState: bigint, nOut: number): Uint8Array[];
    F: PoseidonField;
  }

  /** The wasm implementation with the optimized constants (what circomlib's circuit computes). */
  export function buildPoseidon(): Promise<PoseidonFn>;
  /** The reference implementation from the unoptimized constants. */
  export function buildPoseidonReference(): Promise<PoseidonFn>;
  export function buildPoseidonOpt(): Promise<PoseidonFn>;
}
