import { z } from "zod";
import type { InputCheck, InputVisibility, OutputVisibility, ParamVisibility } from "../3-lower/ir.js";
import type { SoftmaxMode } from "../3-lower/postprocess.js";
import { PROOF_SYSTEMS, type ProofSystem } from "../6-prove/systems.js";
import { fail } from "../errors.js";

/**
 * The two backends: "direct" writes the R1CS and the witness from the lowered program (Groth16, the
 * default there); "circom" compiles circuit.circom with circom and computes witnesses with its wasm
 * (PLONK and FFLONK, which want circom's --O1, and a cross-check).
 */
export const BACKENDS = ["direct", "circom"] as const;
export type Backend = (typeof BACKENDS)[number];

/*
 * The records zkmlc writes and reads back, as schemas: a damaged or hand-edited file is a clear
 * corrupt-artifact error when it is read, never a crash deep in a later step. The types are inferred
 * from the schemas, so the two cannot drift apart.
 */

const int = z.number().int();
const count = int.nonnegative();
const sha = z.string().regex(/^[0-9a-f]{64}$/);
const shape = z.array(count);
const visibility = z.enum(["public", "private"]);
const integer = z.string().regex(/^-?[0-9]+$/);

const SettingsInputSchema = z.object({
  name: z.string(),
  signal: z.string(),
  shape,
  scale: count,
  /** Calibrated real range, and its integers: what `prove` accepts. */
  range: z.tuple([z.number(), z.number()]),
  intRange: z.tuple([integer, integer]),
  /**
   * The circuit enforces intRange[0] + [0, 2^bits), or exactly intRange with inputCheck "exact", public
   * or private: what any verifier accepts.
   */
  bits: int.min(1).max(252),
  visibility,
});

const SettingsOutputSchema = z.object({
  name: z.string(),
  signal: z.string(),
  shape,
  scale: int,
  /** Proven worst-case |circuit − float| over the enforced input range (quantization only). */
  errorBound: z.number(),
  /**
   * Applied outside the circuit when decoding (--softmax outside): the public signals are the logits
   * (bound `logitsErrorBound`), decoded values are their (Log)Softmax (bound `errorBound`).
   */
  postprocess: z
    .object({
      op: z.enum(["Softmax", "LogSoftmax"]),
      axis: count,
      coerce2d: z.boolean(),
      logitsErrorBound: z.number(),
    })
    .optional(),
});

/** A weight made a signal (--param-visibility hashed|private): checked to [−2^(bits−1), 2^(bits−1)). */
const SettingsParamSchema = z.object({
  name: z.string(),
  signal: z.string(),
  shape,
  scale: count,
  bits: int.min(1).max(252),
});

/** A tensor a commitment packs: its values v are proven in lo + [0, 2^bits) (docs/COMMITMENT.md). */
const CommitTensorSchema = z.object({
  name: z.string(),
  shape,
  scale: int,
  lo: integer,
  bits: int.min(1).max(252),
});

/** A public commitment (zkmlc-commit-v1), in public-signal order after the public outputs. */
const SettingsCommitmentSchema = z.object({
  role: z.enum(["input", "output", "param"]),
  signal: z.string(),
  scheme: z.literal("zkmlc-commit-v1"),
  tensors: z.array(CommitTensorSchema),
  /** For the weights: the commitment to the compiled model's, what a proof must show to be of it. */
  value: z
    .string()
    .regex(/^[0-9]+$/)
    .optional(),
});

const SettingsNodeSchema = z.object({
  index: count,
  name: z.string(),
  op: z.string(),
  outputShapes: z.array(shape),
  scale: int.nullable(),
  bits: count.nullable(),
  constraints: count,
});

/** Every choice a build made: enough to rebuild it byte for byte and to check later steps' inputs. */
export const SettingsSchema = z.object({
  zkmlc: z.string(),
  model: z.object({ file: z.string(), sha256: sha, opset: int, producer: z.string() }),
  scales: z.object({ input: count, param: count }),
  rounding: z.literal("half-away-from-zero"),
  visibility: z.object({
    input: z.enum(["public", "private", "hashed"]),
    output: z.enum(["public", "hashed"]),
    param: z.enum(["fixed", "hashed", "private"]),
  }),
  /** How inputs are range-checked in the circuit. */
  inputCheck: z.enum(["pow2", "exact"]),
  calibration: z.object({ source: z.string(), samples: count }),
  /** Where a (Log)Softmax graph output is computed ("outside": after decoding). */
  softmax: z.enum(["circuit", "outside"]),
  inputs: z.array(SettingsInputSchema),
  outputs: z.array(SettingsOutputSchema).min(1),
  params: z.array(SettingsParamSchema),
  commitments: z.array(SettingsCommitmentSchema),
  /** The proof system the circuit was compiled for (it decides circom's optimization level). */
  system: z.enum(PROOF_SYSTEMS),
  /** What wrote the r1cs and computes witnesses: zkmlc itself ("direct") or circom and its wasm. */
  backend: z.enum(BACKENDS),
  circuit: z.object({
    optimization: z.enum(["O1", "O2"]),
    constraints: count,
    estimatedConstraints: count,
    publicSignals: count,
    /** The witness generator (wasm) and symbol table too: every compile artifact a step reads is checked. */
    sha256: z.object({ circuit: sha, r1cs: sha, wasm: sha.optional(), sym: sha }),
  }),
  nodes: z.array(SettingsNodeSchema),
});

export type Settings = z.infer<typeof SettingsSchema>;
export type SettingsInput = z.infer<typeof SettingsInputSchema>;
export type SettingsOutput = z.infer<typeof SettingsOutputSchema>;
export type SettingsNode = z.infer<typeof SettingsNodeSchema>;
export type SettingsParam = z.infer<typeof SettingsParamSchema>;
export type SettingsCommitment = z.infer<typeof SettingsCommitmentSchema>;

/** `<build>/<system>/keys/keys.json`, written by setup with the keys: what they are and how they were made. */
export const KeyRecordSchema = z.object({
  system: z.enum(PROOF_SYSTEMS),
  /** sha256 of the settings.json and r1cs the keys were made for, and of the key files. */
  settings: sha,
  r1cs: sha,
  zkey: sha,
  vkey: sha,
  ptau: z.object({ file: z.string(), sha256: sha.nullable(), power: count, local: z.boolean() }),
  /** Phase-2 contributions after the initial key (Groth16); local development keys count as 0. */
  contributions: count,
  beacon: z.boolean(),
});

export type KeyRecord = z.infer<typeof KeyRecordSchema>;

/**
 * What verify reads of a proof record's output.json (prove.ts writes the whole ProofOutputFile): the
 * circuit's outputs and the key the proof was made with.
 */
export const ProofOutputSchema = z.looseObject({
  outputs: z.array(z.looseObject({ circuit: z.array(z.number()) })),
  /** With hashed outputs, the integers the output commitment is of. */
  ints: z.array(z.array(integer)).optional(),
  predicted: count,
  system: z.enum(PROOF_SYSTEMS),
  key: z.object({ vkey: sha, contributions: count, beacon: z.boolean() }),
});

/** `value` checked against `schema`, or a corrupt-artifact error naming the file and the first problem. */
export function parseRecord<T>(schema: z.ZodType<T>, value: unknown, path: string, hint: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  return fail(
    "corrupt-artifact",
    `${path} is not a valid zkmlc record${where}: ${issue?.message ?? "invalid"}`,
    {
      hint,
    },
  );
}

/** Options that decide a build; everything else in Settings is derived from them and the model. */
export interface CompileOptions {
  inputScale?: number;
  paramScale?: number;
  /** Default private; hashed: private, with a public commitment. */
  inputVisibility?: InputVisibility;
  /** Default public; hashed: private outputs, with a public commitment. */
  outputVisibility?: OutputVisibility;
  /** Default fixed (constants of the circuit); hashed or private: weights are private signals. */
  paramVisibility?: ParamVisibility;
  /** "pow2" (default): inputs checked to lo + [0, 2^bits); "exact": to [lo, hi], twice the constraints. */
  inputCheck?: InputCheck;
  /** JSON file of calibration samples (same formats as --input, or an array of them). */
  calibration?: string;
  /** Explicit real range for every input, overriding calibration. */
  inputRange?: [number, number];
  /** Target proof system: Groth16 compiles with --O2, PLONK/FFLONK with --O1. */
  system?: ProofSystem;
  /** Default: direct for Groth16, circom for PLONK/FFLONK. */
  backend?: Backend;
  /** "outside": prove the logits of a (Log)Softmax graph output and apply it when decoding (default "circuit"). */
  softmax?: SoftmaxMode;
  /** Refuse (error too-large) before running circom when the estimated constraint count exceeds this. */
  maxConstraints?: number;
  /**
   * --input-shape: concrete shapes of graph inputs by name, for dims the model leaves symbolic. The
   * resolved shapes are recorded in settings.inputs[].shape, which later steps decode the model with.
   */
  inputShapes?: Record<string, number[]>;
}

/**
 * Defaults: inputs and activations at 2^8 (an 8-bit image's k/255 steps survive), weights at 2^12.
 * Each extra bit of scale costs about one constraint per rescaled value; on the MNIST MLP, 2^7/2^7
 * agreed with float on 99.5% of 1,000 digits and 2^8/2^12 on 100%, for 1,120 more constraints.
 */
export const DEFAULTS = {
  inputScale: 8,
  paramScale: 12,
  inputVisibility: "private" as InputVisibility,
  outputVisibility: "public" as OutputVisibility,
  paramVisibility: "fixed" as ParamVisibility,
  inputCheck: "pow2" as InputCheck,
  inputRange: [-1, 1] as [number, number],
};

/** What a build's visibility choices leave unbound, said aloud by compile and run. */
export function visibilityWarnings(s: Pick<Settings, "visibility">): string[] {
  return s.visibility.param === "private"
    ? [
        "--param-visibility private: the weights are private signals bound by nothing, so a proof only says that some weights of this architecture gave the output; use hashed to prove which model ran",
      ]
    : [];
}
