/** Helpers for the Circom text the prims emit. */

/** `var NAME[n] = [...];` (circom needs at least one element). */
export function varArray(name: string, xs: readonly (number | bigint)[]): string {
  return `var ${name}[${xs.length}] = [${xs.join(", ")}];`;
}

/** One indentation level of generated Circom. */
export const INDENT = "    ";
