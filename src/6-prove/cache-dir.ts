/**
 * Where zkmlc caches keys and local powers of tau. A module of its own, without snarkjs, so that
 * `zkmlc cache` starts fast.
 */
import { homedir } from "node:os";
import { join } from "node:path";

/** `$ZKMLC_CACHE`, or `~/.cache/zkmlc`. */
export function cacheDir(): string {
  const env = process.env.ZKMLC_CACHE;
  return env && env !== "" ? env : join(homedir(), ".cache", "zkmlc");
}

/** The cached local ptau of `power`: `<cacheDir>/local_pot<power>_final.ptau`. */
export function localPtauName(power: number): string {
  return `local_pot${power}_final.ptau`;
}

/** Matches `localPtauName`; group 1 is the power. */
export const LOCAL_PTAU_RE = /^local_pot(\d+)_final\.ptau$/;

/** `<cacheDir>/keys/<sha256 of r1cs, system and ptau>/`: one set of cached keys. */
export const KEYS_SUBDIR = "keys";
