import * as snarkjs from "snarkjs";
import "./curve.js";

/**
 * snarkjs's module for each system (setup/prove/verify share their shapes across systems). Apart from
 * systems.ts so that choosing a system (the CLI's options) does not load snarkjs.
 */
export const SNARKJS = { groth16: snarkjs.groth16, plonk: snarkjs.plonk, fflonk: snarkjs.fflonk } as const;
