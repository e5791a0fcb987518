// Minimal typings for the parts of snarkjs 0.7.6 that zkmlc calls (the package ships no types).
// Values that snarkjs returns as "stringified bigints" are typed as strings; objects whose shape
// zkmlc only passes through (proofs, verification keys) are typed loosely.

declare module "snarkjs" {
  /** The logger snarkjs calls; every method is optional in practice but snarkjs calls them unguarded. */
  export interface SnarkjsLogger {
    debug(msg: string): void;
    info(msg: string): void;
    warn(msg: string): void;
    error(msg: string): void;
    log?(msg: string): void;
  }

  /** An ffjavascript curve (opaque here; `terminate` stops its worker threads). */
  export interface Curve {
    name: string;
    terminate(): Promise<void>;
  }

  /** Witness input: nested arrays of bigints / decimal strings keyed by signal name. */
  export type CircuitInput = Record<string, unknown>;

  /** A file name, or the file's bytes (snarkjs reads both through fastfile). */
  export type FileOrBytes = string | Uint8Array | { type: "mem"; data?: Uint8Array };

  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }

  export namespace groth16 {
    function prove(
      zkeyFileName: FileOrBytes,
      witnessFileName: FileOrBytes,
      logger?: SnarkjsLogger,
      options?: Record<string, unknown>,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    function fullProve(
      input: CircuitInput,
      wasmFile: FileOrBytes,
      zkeyFileName: FileOrBytes,
      logger?: SnarkjsLogger,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    function verify(
      vkVerifier: unknown,
      publicSignals: unknown,
      proof: unknown,
      logger?: SnarkjsLogger,
    ): Promise<boolean>;
    function exportSolidityCallData(proof: unknown, publicSignals: unknown): Promise<string>;
  }

  /** PLONK and FFLONK share setup/prove/verify signatures (universal setup from a ptau alone). */
  interface UniversalProtocol {
    setup(
      r1csName: FileOrBytes,
      ptauName: FileOrBytes,
      zkeyName: FileOrBytes,
      logger?: SnarkjsLogger,
    ): Promise<unknown>;
    prove(
      zkeyFileName: FileOrBytes,
      witnessFileName: FileOrBytes,
      logger?: SnarkjsLogger,
    ): Promise<{ proof: Record<string, unknown>; publicSignals: string[] }>;
    verify(
      vkVerifier: unknown,
      publicSignals: unknown,
      proof: unknown,
      logger?: SnarkjsLogger,
    ): Promise<boolean>;
  }

  export const plonk: UniversalProtocol & {
    exportSolidityCallData(proof: unknown, publicSignals: unknown): Promise<string>;
  };
  // FFLONK takes its arguments the other way round.
  export const fflonk: UniversalProtocol & {
    exportSolidityCallData(publicSignals: unknown, proof: unknown): Promise<string>;
  };

  export namespace powersOfTau {
    function newAccumulator(
      curve: Curve,
      power: number,
      fileName: string,
      logger?: SnarkjsLogger,
    ): Promise<unknown>;
    function contribute(
      oldPtauFilename: string,
      newPTauFilename: string,
      name: string,
      entropy: string,
      logger?: SnarkjsLogger,
    ): Promise<Uint8Array>;
    function preparePhase2(
      oldPtauFilename: string,
      newPTauFilename: string,
      logger?: SnarkjsLogger,
    ): Promise<unknown>;
    function truncate(ptauFilename: string, template: string, logger?: SnarkjsLogger): Promise<unknown>;
    function verify(ptauFilename: string, logger?: SnarkjsLogger): Promise<boolean>;
  }

  export namespace zKey {
    /** Returns the circuit hash, or -1 after reporting an error through the logger only. */
    function newZKey(
      r1csName: FileOrBytes,
      ptauName: FileOrBytes,
      zkeyName: FileOrBytes,
      logger?: SnarkjsLogger,
    ): Promise<Uint8Array | -1>;
    function contribute(
      zkeyNameOld: FileOrBytes,
      zkeyNameNew: FileOrBytes,
      name: string,
      entropy: string,
      logger?: SnarkjsLogger,
    ): Promise<Uint8Array>;
    function beacon(
      zkeyNameOld: FileOrBytes,
      zkeyNameNew: FileOrBytes,
      name: string,
      beaconHashStr: string,
      numIterationsExp: number,
      logger?: SnarkjsLogger,
    ): Promise<Uint8Array>;
    function exportVerificationKey(
      zkeyName: FileOrBytes,
      logger?: SnarkjsLogger,
    ): Promise<Record<string, unknown>>;
    function exportSolidityVerifier(
      zkeyName: FileOrBytes,
      templates: Record<string, string>,
      logger?: SnarkjsLogger,
    ): Promise<string>;
    function verifyFromR1cs(
      r1csName: FileOrBytes,
      ptauName: FileOrBytes,
      zkeyName: FileOrBytes,
      logger?: SnarkjsLogger,
    ): Promise<boolean>;
  }

  export namespace wtns {
    function calculate(
      input: CircuitInput,
      wasmFileName: FileOrBytes,
      wtnsFileName: FileOrBytes,
    ): Promise<void>;
    function check(
      r1csFilename: FileOrBytes,
      wtnsFileName: FileOrBytes,
      logger?: SnarkjsLogger,
    ): Promise<boolean>;
    function exportJson(wtnsFileName: FileOrBytes): Promise<bigint[]>;
  }

  export namespace r1cs {
    function info(r1csName: FileOrBytes, logger?: SnarkjsLogger): Promise<Record<string, unknown>>;
  }

  export namespace curves {
    function getCurveFromName(name: string, options?: { singleThread?: boolean }): Promise<Curve>;
    function getCurveFromR(r: bigint, options?: { singleThread?: boolean }): Promise<Curve>;
  }
}
