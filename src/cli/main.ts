#!/usr/bin/env node
import { basename } from "node:path";
import { Command, CommanderError, Help, InvalidArgumentError, Option } from "commander";
import { parseInputShapes } from "../1-decode/input-shapes.js";
import { PROOF_SYSTEMS, type ProofSystem } from "../6-prove/systems.js";
import { parseMaxRegression } from "../bench/compare.js";
import { fail, ZkmlError } from "../errors.js";
import { num, seconds, shapes, table } from "../format.js";
import type { CacheEntry } from "../steps/cache.js";
import type { HashOptions } from "../steps/hash-command.js";
import type { OutputFile } from "../steps/prove.js";
import type { NamedSignal } from "../steps/public-signals.js";
import type { CompileOptions } from "../steps/settings.js";
import { VERSION } from "../version.js";
import { benchProgress } from "./bench-progress.js";
import { createProgress, type Progress } from "./progress.js";
import { type SetupFlags, setupMode } from "./setup-mode.js";

/** What a command hands back: a JSON object for --json, and lines for humans. */
interface Outcome {
  json: Record<string, unknown>;
  text: string[];
  exitCode?: number;
}

interface Common {
  json?: boolean;
  verbose?: boolean;
}

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("expected an integer");
  return n;
};
const range = (v: string): [number, number] => {
  const parts = v.split(",").map(Number);
  if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x)))
    throw new InvalidArgumentError("expected LO,HI");
  return parts as [number, number];
};

function compileOptions(cmd: Command): Command {
  return cmd
    .option("--calibration <file>", "JSON samples whose min/max per input set the calibrated range")
    .option("--input-range <lo,hi>", "calibrated real range of every input (overrides --calibration)", range)
    .option("--input-scale <n>", "fixed-point scale 2^n of inputs and activations (default 8)", int)
    .option("--param-scale <n>", "fixed-point scale 2^n of weights (default 12)", int)
    .addOption(
      new Option(
        "--input-visibility <v>",
        "inputs: private (default), public, or hashed (private, with a public Poseidon commitment)",
      ).choices(["public", "private", "hashed"]),
    )
    .addOption(
      new Option(
        "--output-visibility <v>",
        "outputs: public (default), or hashed (private, with a public Poseidon commitment)",
      ).choices(["public", "hashed"]),
    )
    .addOption(
      new Option(
        "--param-visibility <v>",
        "weights: fixed constants (default), hashed (private signals with a public commitment: one key per architecture) or private (binds nothing)",
      ).choices(["fixed", "hashed", "private"]),
    )
    .addOption(
      new Option(
        "--input-check <c>",
        "pow2: inputs range-checked to lo + [0, 2^bits) (default); exact: to the calibrated [lo, hi], twice the constraints",
      ).choices(["pow2", "exact"]),
    )
    .addOption(
      systemOption("proof system to compile for: O2 for groth16, O1 for plonk/fflonk (default groth16)"),
    )
    .addOption(
      new Option(
        "--backend <b>",
        "direct: zkmlc writes the r1cs and witnesses itself (default for groth16); circom: circom 2.2.3 (wasm) compiles circuit.circom (default for plonk/fflonk)",
      ).choices(["direct", "circom"]),
    )
    .addOption(
      new Option(
        "--softmax <where>",
        "circuit: prove (Log)Softmax; outside: prove the logits of a (Log)Softmax graph output and apply it when decoding (default circuit)",
      ).choices(["circuit", "outside"]),
    )
    .option(
      "--max-constraints <n>",
      "refuse before running circom when the estimated constraint count is above n",
      int,
    )
    .option(
      "--input-shape <name=dims>",
      "shape of an input whose dims the model leaves symbolic, e.g. x=1,3,32,32 (repeatable)",
      (v: string, prev: string[] = []) => [...prev, v],
    );
}

/** The line that says a (Log)Softmax output is computed outside the circuit: never silent. */
function outsideLine(o: { output: string; op: string; axis: number; coerce2d: boolean }): string {
  return `output ${o.output}: ${o.op} (axis ${o.axis}${o.coerce2d ? ", 2-D" : ""}) applied outside the circuit when decoding; the proof covers its logits`;
}

function systemOption(what = "proof system (default: the one the build was compiled for)"): Option {
  return new Option("--system <s>", what).choices([...PROOF_SYSTEMS]);
}

function toCompileOptions(o: Record<string, unknown>): CompileOptions {
  return {
    calibration: o.calibration as string | undefined,
    inputRange: o.inputRange as [number, number] | undefined,
    inputScale: o.inputScale as number | undefined,
    paramScale: o.paramScale as number | undefined,
    inputVisibility: o.inputVisibility as CompileOptions["inputVisibility"],
    outputVisibility: o.outputVisibility as CompileOptions["outputVisibility"],
    paramVisibility: o.paramVisibility as CompileOptions["paramVisibility"],
    inputCheck: o.inputCheck as CompileOptions["inputCheck"],
    system: o.system as ProofSystem | undefined,
    backend: o.backend as CompileOptions["backend"],
    softmax: o.softmax as CompileOptions["softmax"],
    maxConstraints: o.maxConstraints as number | undefined,
    inputShapes: o.inputShape ? parseInputShapes(o.inputShape as string[]) : undefined,
  };
}

/** The running command's progress display (src/cli/progress.ts), made by `act` from --json and -v. */
let progress: Progress | undefined;

/** What steps take as their `log` option: sub-step messages, to the progress display. */
const logger = () => progress?.log;

/** An ISO time as local `YYYY-MM-DD HH:MM`. */
function localTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** `prove`, or `cache prune` for a nested command. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** --json anywhere before a `--`: usage errors must be JSON too, before commander knows the options. */
function argvWantsJson(argv: string[]): boolean {
  const args = argv.slice(2);
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).includes("--json");
}

/** Help marks the options a command cannot run without. */
function optionDescription(this: Help, option: Option): string {
  const d = Help.prototype.optionDescription.call(this, option);
  return option.mandatory ? `${d} (required)` : d;
}

/**
 * A usage error from commander (exitOverride): its text is on stderr already, or with --json one JSON
 * error object goes to stdout. --help and --version come here too and exit 0.
 */
function usageError(e: CommanderError, program: Command, argv: string[], json: boolean): number {
  if (e.exitCode === 0) return 0;
  if (json) {
    // The command the arguments name, as far as they name one: its --help is the hint.
    let cmd = program;
    for (const a of argv.slice(2)) {
      const sub = a.startsWith("-")
        ? undefined
        : cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
      if (sub) cmd = sub;
      else if (!a.startsWith("-")) break;
    }
    const path = commandPath(cmd);
    const message = e.code === "commander.help" ? "no command given" : e.message.replace(/^error: /, "");
    const err = new ZkmlError("usage", message, { hint: `see \`zkmlc ${path ? `${path} ` : ""}--help\`` });
    process.stdout.write(`${JSON.stringify({ ok: false, error: err.toJSON() })}\n`);
  }
  return 1;
}

async function main(argv: string[]): Promise<number> {
  let outcome: Outcome | undefined;
  let common: Common = {};
  let timingTable = false;
  const act =
    <A extends unknown[]>(f: (...a: A) => Promise<Outcome>) =>
    async (...a: A) => {
      const cmd = a[a.length - 1] as Command;
      common = cmd.optsWithGlobals() as Common;
      const name = commandPath(cmd);
      // bench draws its own progress; run prints its own timing table.
      progress = createProgress({ json: common.json, verbose: common.verbose, live: name !== "bench" });
      timingTable = name !== "run";
      progress.step(name);
      try {
        outcome = await f(...a);
      } finally {
        progress.finish();
      }
    };

  const json = argvWantsJson(argv);
  const program = new Command("zkmlc")
    .description("Compile ONNX models to Circom circuits and prove their inferences with Groth16")
    .version(VERSION)
    .option("--json", "print one machine-readable JSON result object")
    .option("-v, --verbose", "timestamped steps and sub-steps on stderr")
    .showHelpAfterError()
    // Set before any subcommand exists: each copies them when it is made.
    .exitOverride()
    .configureOutput({
      writeErr: (s) => {
        if (!json) process.stderr.write(s);
      },
    })
    .configureHelp({ showGlobalOptions: true, optionDescription });

  program
    .command("ops")
    .description("list the supported ONNX operators")
    .action(
      act(async () => {
        const { OPS } = await import("../3-lower/ops/registry.js");
        return {
          json: { ops: [...OPS.values()].map((o) => ({ op: o.opType, notes: o.summary })) },
          text: [
            table(
              ["op", "notes"],
              [...OPS.values()].map((o) => [o.opType, o.summary]),
            ),
          ],
        };
      }),
    );

  compileOptions(
    program
      .command("inspect <model>")
      .description("per-node shapes, scales, bit bounds and estimated constraints"),
  ).action(
    act(async (model: string, o: Record<string, unknown>) => {
      const { inspect } = await import("../steps/inspect.js");
      const r = await inspect(model, toCompileOptions(o));
      const rows = [
        ...r.inputs.map((i) => [
          "in",
          i.name,
          `(${i.kind}, ${i.visibility})`,
          "",
          `[${i.shape.join(",")}]`,
          i.scale,
          i.bits,
          i.constraints,
        ]),
        ...r.nodes.map((n) => [
          n.index,
          n.name,
          n.op,
          shapes(n.inputShapes),
          shapes(n.outputShapes),
          n.scale ?? "-",
          n.bits ?? "-",
          n.constraints,
        ]),
      ];
      return {
        json: r as unknown as Record<string, unknown>,
        text: [
          table(["#", "name", "op", "inputs", "outputs", "scale", "bits", "constraints"], rows),
          "",
          `${r.totals.nodes} nodes, ~${r.totals.constraints} constraints (Groth16, --O2), widest value ${r.totals.maxBits} bits`,
          ...(r.overLimit !== undefined
            ? [`above --max-constraints ${r.overLimit}: compile would refuse this circuit`]
            : []),
          ...r.outside.map(outsideLine),
          ...r.notes.map((n) => `note: ${n}`),
        ],
      };
    }),
  );

  compileOptions(program.command("compile <model>").description("quantize the model and compile its circuit"))
    .option("-o, --out <dir>", "build directory (default build/<model name>)")
    .action(
      act(async (model: string, o: Record<string, unknown>) => {
        const [{ compile }, { defaultBuildDir }, { visibilityWarnings }] = await Promise.all([
          import("../steps/compile.js"),
          import("../steps/run.js"),
          import("../steps/settings.js"),
        ]);
        const dir = (o.out as string | undefined) ?? defaultBuildDir(model);
        const { settings } = await compile(model, dir, toCompileOptions(o), logger());
        return {
          json: {
            buildDir: dir,
            constraints: settings.circuit.constraints,
            publicSignals: settings.circuit.publicSignals,
            settings,
            warnings: visibilityWarnings(settings),
          },
          text: [
            `compiled ${model} -> ${dir}`,
            `constraints: ${settings.circuit.constraints} (${visibilityText(settings.visibility)}; public signals: ${settings.circuit.publicSignals})`,
            `input: ${settings.inputs.map((i) => `${i.name} ${i.visibility}, scale 2^${i.scale}, range [${i.range}]`).join("; ")}`,
            ...settings.outputs.flatMap((o) =>
              o.postprocess ? [outsideLine({ output: o.name, ...o.postprocess })] : [],
            ),
            ...visibilityWarnings(settings).map((w) => `WARNING: ${w}`),
          ],
        };
      }),
    );

  program
    .command("setup <build>")
    .description("proving and verification keys (Groth16 by default; PLONK/FFLONK with --system)")
    .addOption(systemOption())
    .option("--ptau <file>", "a prepared powers-of-tau ceremony file (default: a local development one)")
    .option("--verify", "check the ptau transcript and the key against the r1cs with snarkjs")
    .option("--contribute", "add a phase-2 contribution to the Groth16 key")
    .option("--entropy <text>", "entropy for --contribute (default: 64 random bytes)")
    .option("--beacon <hex>", "finalize the Groth16 key with a public random beacon")
    .option("--beacon-iterations <n>", "2^n hash iterations of the beacon (default 10)", int)
    .action(
      act(async (dir: string, o: SetupFlags & { system?: ProofSystem }) => {
        const { contribute, devSetupWarning, setup, verifySetup } = await import("../steps/setup.js");
        const log = logger();
        const mode = setupMode(o);
        if (mode === "verify") {
          const r = await verifySetup(dir, { system: o.system, ptau: o.ptau, log });
          return {
            json: r as unknown as Record<string, unknown>,
            text: [
              ...r.checks.map((c) => `${c.ok ? "ok  " : "FAIL"} ${c.what}${c.detail ? `: ${c.detail}` : ""}`),
              r.ok ? "setup verified" : "setup NOT verified",
            ],
            exitCode: r.ok ? 0 : 1,
          };
        }
        if (mode === "contribute" || mode === "beacon") {
          const k = await contribute(dir, {
            system: o.system,
            entropy: o.entropy,
            beacon: o.beacon,
            beaconIterations: o.beaconIterations,
            log,
          });
          return {
            json: { keys: k },
            text: [
              `${mode === "beacon" ? "finalized with the beacon" : "contribution added"}: ${k.contributions} phase-2 contribution(s); zkey sha256 ${k.zkey.slice(0, 16)}…`,
              "proofs made with the previous key no longer verify: prove again",
            ],
          };
        }
        const r = await setup(dir, { system: o.system, ptau: o.ptau, log });
        const origin = r.keys.ptau.local
          ? r.system === "groth16"
            ? r.cached
              ? "development keys from the key cache (made earlier for this same circuit)"
              : "development keys from freshly sampled toxic waste"
            : `local powers of tau 2^${r.power}${r.cached ? "; keys from the key cache" : ""}`
          : `powers of tau 2^${r.power} from ${r.keys.ptau.file}${r.cached ? "; keys from the key cache" : ""}`;
        const warning = r.developmentOnly ? devSetupWarning(r.system) : undefined;
        return {
          json: { ...r, warning },
          text: [
            `${r.system} keys written to ${dir}/${r.system}/keys (${origin})`,
            ...(warning ? [`WARNING: ${warning}`] : []),
          ],
        };
      }),
    );

  const visibilityText = (v: { input: string; output: string; param: string }) =>
    `inputs ${v.input}, outputs ${v.output}, weights ${v.param}`;

  const signalLines = (xs: readonly NamedSignal[], max: number) => [
    ...xs.slice(0, max).map((x) => `  [${x.index}] ${x.signal}: ${x.what}`),
    ...(xs.length > max ? [`  ... ${xs.length - max} more (zkmlc calldata --signals lists them all)`] : []),
  ];

  const commitmentLines = (
    cs: readonly { role: string; signal: string; value: string; checked?: string }[],
  ) =>
    cs.map(
      (c) =>
        `${c.role} commitment (${c.signal}): ${c.value}${c.checked ? `, checked against ${c.checked}` : ""}`,
    );

  const outputLines = (out: OutputFile) => [
    ...out.outputs.map((o) =>
      o.float
        ? `${o.name}: circuit [${o.circuit.map(num).join(", ")}]\n${" ".repeat(o.name.length)}  float   [${o.float.map(num).join(", ")}]`
        : `${o.name}: circuit [${o.circuit.map(num).join(", ")}]`,
    ),
    out.maxAbsError === undefined
      ? `predicted class: ${out.predicted} (no onnxruntime reference: --no-reference)`
      : `predicted class: ${out.predicted}; max |circuit - float| = ${num(out.maxAbsError)} (proven bound ${num(out.outputs[0]?.errorBound ?? 0)})`,
  ];
  const noReference = "--no-reference";
  const noReferenceText =
    "skip the onnxruntime comparison (output.json then holds the circuit's outputs only)";

  program
    .command("witness <build>")
    .description("compute the witness and output.json without proving")
    .requiredOption("-i, --input <file>", "input JSON")
    .option(noReference, noReferenceText)
    .option(
      "--weights <model.onnx>",
      "prove with this model's weights (a build with --param-visibility hashed or private)",
    )
    .action(
      act(async (dir: string, o: { input: string; weights?: string; reference: boolean }) => {
        const { witness } = await import("../steps/prove.js");
        const r = await witness(dir, o.input, { weights: o.weights, reference: o.reference });
        return { json: { output: r.output }, text: outputLines(r.output) };
      }),
    );

  program
    .command("prove <build>")
    .description(
      "witness, proof.json, public.json and output.json; an array of inputs proves each (<build>/<system>/proofs/<i>/)",
    )
    .requiredOption("-i, --input <file>", "input JSON: one input, or a JSON array of inputs (a batch)")
    .addOption(systemOption())
    .option(
      "--weights <model.onnx>",
      "prove with this model's weights (a build with --param-visibility hashed or private)",
    )
    .option(noReference, noReferenceText)
    .action(
      act(
        async (
          dir: string,
          o: { input: string; system?: ProofSystem; weights?: string; reference: boolean },
        ) => {
          const { proveInputs } = await import("../steps/prove.js");
          const r = await proveInputs(dir, o.input, {
            system: o.system,
            log: logger(),
            weights: o.weights,
            reference: o.reference,
          });
          if ("count" in r) {
            const t = r.timings;
            return {
              json: r as unknown as Record<string, unknown>,
              text: [
                `${r.count} proofs in ${dir}/${r.system}/proofs/`,
                ...r.proofs.map(
                  (p) =>
                    `  [${p.index}] predicted class ${p.output.predicted}${p.output.maxAbsError === undefined ? "" : `, max |circuit - float| ${num(p.output.maxAbsError)}`}`,
                ),
                `${seconds(t.total)} in all: loading ${seconds(t.load)}, witnesses ${seconds(t.witness)}, proofs ${seconds(t.prove)}; ${t.proofsPerMinute.toFixed(1)} proofs/minute`,
              ],
            };
          }
          return {
            json: r as unknown as Record<string, unknown>,
            text: [
              ...outputLines(r.output),
              ...commitmentLines(r.output.commitments ?? []),
              `witness ${seconds(r.timings.witness)}, prove ${seconds(r.timings.prove)}`,
            ],
          };
        },
      ),
    );

  program
    .command("verify <build>")
    .description(
      "verify the proof (and every proof of a batch) against its public signals: exit 0 and 'valid', or exit 1",
    )
    .addOption(systemOption())
    .option("--weights <model.onnx>", "the weights the proof must be of (default: the compiled model's)")
    .action(
      act(async (dir: string, o: { system?: ProofSystem; weights?: string }) => {
        const { proofRecords, verify, verifyBatch } = await import("../steps/verify.js");
        const opts = { system: o.system, weights: o.weights };
        // Every proof record of the system: the single proof and a batch's; neither is a missing proof.
        const has = await proofRecords(dir, o.system);
        const r = has.single || !has.batch ? await verify(dir, opts) : undefined;
        const b = has.batch ? await verifyBatch(dir, opts) : undefined;
        const batchLines = b
          ? [
              `batch (${dir}/${b.system}/proofs/): ${b.valid ? `all ${b.count} proofs valid` : `${b.invalid} of ${b.count} proofs INVALID`}`,
              ...b.proofs.map(
                (p) =>
                  `  [${p.index}] ${p.valid ? "valid" : `invalid: ${p.reason}`}${p.outputs.length > 0 ? `; predicted class ${p.predicted}` : ""}`,
              ),
            ]
          : [];
        const valid = (r?.valid ?? true) && (b?.valid ?? true);
        return {
          json: { ...(r ?? { system: has.system }), valid, ...(b ? { batch: b } : {}) },
          text: [
            ...(r
              ? [
                  r.valid ? "valid" : `invalid: ${r.reason}`,
                  // What the verified public signals say (for an invalid proof: what it claims).
                  ...r.outputs.map((out) => `${out.name}: [${out.values.map(num).join(", ")}]`),
                  ...(r.outputs.length > 0 ? [`predicted class: ${r.predicted}`] : []),
                  ...commitmentLines(r.commitments),
                ]
              : []),
            ...batchLines,
          ],
          exitCode: valid ? 0 : 1,
        };
      }),
    );

  program
    .command("export-verifier <build>")
    .description("write the Solidity verifier of the build's key")
    .option("-o, --out <file>", "output file (default <build>/<system>/Verifier.sol)")
    .addOption(systemOption())
    .action(
      act(async (dir: string, o: { out?: string; system?: ProofSystem }) => {
        const { exportVerifier } = await import("../steps/verify.js");
        const r = await exportVerifier(dir, { out: o.out, system: o.system });
        return {
          json: r as unknown as Record<string, unknown>,
          text: [`wrote ${r.path} (${r.bytes} bytes)`],
        };
      }),
    );

  program
    .command("verify-evm <build>")
    .description(
      "deploy the Solidity verifier to an in-process EVM and call it with the proof: result and gas",
    )
    .addOption(systemOption())
    .action(
      act(async (dir: string, o: { system?: ProofSystem }) => {
        const { verifyEvm } = await import("../steps/evm.js");
        const r = await verifyEvm(dir, { system: o.system });
        return {
          json: r as unknown as Record<string, unknown>,
          text: [
            r.valid
              ? `${r.system} on the EVM: valid; verifyProof gas ${r.gasUsed} (whole transaction), deployment gas ${r.deployGas}`
              : `${r.system} on the EVM: INVALID: ${r.reason} (no gas figure: only a verified proof's cost is one)`,
            `public signals (${r.publicSignals.length}):`,
            ...signalLines(r.publicSignals, 12),
          ],
          exitCode: r.valid ? 0 : 1,
        };
      }),
    );

  program
    .command("calldata <build>")
    .description("print the verifyProof calldata of the build's proof")
    .addOption(systemOption())
    .option("--hex", "print the ABI-encoded call data (with selector) instead of the arguments")
    .option("--signals", "instead, what each public signal is (index, signal, meaning); needs no proof")
    .action(
      act(async (dir: string, o: { system?: ProofSystem; hex?: boolean; signals?: boolean }) => {
        // What the signals are needs only settings.json: a contract can be written before any proof.
        if (o.signals) {
          const [{ namePublicSignals }, { openBuild }] = await Promise.all([
            import("../steps/public-signals.js"),
            import("../steps/build.js"),
          ]);
          const publicSignals = namePublicSignals((await openBuild(dir)).settings);
          return { json: { publicSignals }, text: signalLines(publicSignals, Infinity) };
        }
        const { calldata } = await import("../steps/evm.js");
        const r = await calldata(dir, { system: o.system });
        return { json: r as unknown as Record<string, unknown>, text: [o.hex ? r.data : r.text] };
      }),
    );

  program
    .command("hash <build>")
    .description(
      "recompute the build's Poseidon commitments (docs/COMMITMENT.md) of an input, of outputs, or of weights",
    )
    .option("-i, --input <file>", "an input file: its commitment (--input-visibility hashed)")
    .option(
      "--outputs <file>",
      "output values (a proof's output.json, {name: values} or arrays): their commitment (--output-visibility hashed)",
    )
    .option("--weights <model.onnx>", "a model's weights at the build's scales (default the build's model)")
    .action(
      act(async (dir: string, o: HashOptions) => {
        const { hashCommitments } = await import("../steps/hash-command.js");
        const r = await hashCommitments(dir, o);
        return {
          json: { commitments: r },
          text: r.map((c) => `${c.role} commitment (${c.signal}) of ${c.of}: ${c.value}`),
        };
      }),
    );

  program
    .command("accuracy <build>")
    .description("circuit vs onnxruntime over a data set: argmax agreement, max and mean absolute error")
    .requiredOption("-d, --data <file>", "JSON array of input objects")
    .action(
      act(async (dir: string, o: { data: string }) => {
        const { accuracy } = await import("../steps/accuracy.js");
        const p = progress;
        const r = await accuracy(dir, o.data, p?.live ? (d, t) => p.status(`${d}/${t} samples`) : undefined);
        return {
          json: r as unknown as Record<string, unknown>,
          text: [
            `samples: ${r.samples}${r.outOfRange ? ` (${r.outOfRange} outside the calibrated range, skipped)` : ""}`,
            `argmax agreement: ${(r.argmaxAgreement * 100).toFixed(2)}% (${r.agreeing}/${r.samples - r.outOfRange})`,
            `max |circuit - float|: ${num(r.maxAbsError)}, mean: ${num(r.meanAbsError)} (proven bound ${num(r.errorBound)})`,
          ],
        };
      }),
    );

  compileOptions(
    program
      .command("run <model>")
      .description("compile, setup, prove, verify and export the verifier in one go"),
  )
    .requiredOption(
      "-i, --input <file>",
      "input JSON (also the calibration data unless --calibration or --input-range)",
    )
    .option("-o, --out <dir>", "build directory (default build/<model name>)")
    .option("--ptau <file>", "a prepared powers-of-tau ceremony file")
    .option("--force", "compile and set up again even if the build directory holds this build and its keys")
    .option(noReference, noReferenceText)
    .action(
      act(async (model: string, o: Record<string, unknown>) => {
        const [{ run }, { devSetupWarning }, { visibilityWarnings }] = await Promise.all([
          import("../steps/run.js"),
          import("../steps/setup.js"),
          import("../steps/settings.js"),
        ]);
        const r = await run(model, {
          ...toCompileOptions(o),
          input: o.input as string,
          outDir: o.out as string | undefined,
          ptau: o.ptau as string | undefined,
          force: o.force === true,
          reference: o.reference !== false,
          log: logger(),
          onStep: (step) => progress?.step(step),
        });
        const t = r.timings;
        return {
          json: {
            buildDir: r.buildDir,
            constraints: r.compile.settings.circuit.constraints,
            valid: r.verify.valid,
            predicted: r.prove.output.predicted,
            maxAbsError: r.prove.output.maxAbsError,
            output: r.prove.output,
            timings: t,
            developmentSetup: r.setup.developmentOnly,
            reused: r.reused,
          },
          text: [
            `build: ${r.buildDir}`,
            ...(r.reused.compile
              ? [
                  `reused: the compile${r.reused.setup ? " and the keys" : ""} already in ${r.buildDir} (same model and options; --force rebuilds)`,
                ]
              : []),
            `constraints: ${r.compile.settings.circuit.constraints} (${visibilityText(r.compile.settings.visibility)}; public signals: ${r.compile.settings.circuit.publicSignals})`,
            ...r.compile.settings.outputs.flatMap((o) =>
              o.postprocess ? [outsideLine({ output: o.name, ...o.postprocess })] : [],
            ),
            ...outputLines(r.prove.output),
            ...commitmentLines(r.verify.commitments),
            `proof: ${r.verify.valid ? "valid" : `INVALID (${r.verify.reason})`}; verifier: ${r.verifier}`,
            "",
            table(
              ["step", "time"],
              [
                [r.reused.compile ? "compile (reused)" : "compile", seconds(t.compile)],
                [r.reused.setup ? "setup (reused)" : "setup", seconds(t.setup)],
                ["witness", seconds(t.witness)],
                ["prove", seconds(t.prove)],
                ["verify", seconds(t.verify)],
                ["export-verifier", seconds(t.exportVerifier)],
              ],
            ),
            ...(r.setup.developmentOnly ? ["", `WARNING: ${devSetupWarning(r.setup.system)}`] : []),
            ...visibilityWarnings(r.compile.settings).map((w) => `WARNING: ${w}`),
          ],
          exitCode: r.verify.valid ? 0 : 1,
        };
      }),
    );

  const cache = program
    .command("cache")
    .description(
      "list or prune the cache of keys and local powers of tau ($ZKMLC_CACHE, default ~/.cache/zkmlc)",
    );
  const cacheRows = (es: readonly CacheEntry[], bytes: (n: number) => string) =>
    es.map((e) => [
      e.kind,
      e.kind === "keys" ? `${e.id.slice(0, 16)}…` : e.id,
      e.kind === "keys"
        ? e.complete
          ? (e.system ?? "?")
          : "incomplete"
        : e.kind === "ptau"
          ? `2^${e.power}`
          : "temporary",
      bytes(e.bytes),
      localTime(e.lastUsed),
    ]);
  const cacheHeader = ["kind", "id", "what", "size", "last used"];
  cache
    .command("list", { isDefault: true })
    .description("one row per entry (keys, ptau): id, system or power, size, last used; and the total")
    .action(
      act(async () => {
        const { bytesText, listCache } = await import("../steps/cache.js");
        const r = await listCache();
        return {
          json: r as unknown as Record<string, unknown>,
          text: [
            ...(r.entries.length > 0 ? [table(cacheHeader, cacheRows(r.entries, bytesText)), ""] : []),
            `${r.entries.length} entries, ${bytesText(r.totalBytes)} in ${r.dir}`,
          ],
        };
      }),
    );
  cache
    .command("prune")
    .description("remove entries not used for --older-than <days>, or --all of them")
    .option("--older-than <days>", "entries last used more than this many days ago", (v: string) => {
      const n = Number(v);
      if (v.trim() === "" || !Number.isFinite(n) || n < 0)
        throw new InvalidArgumentError("expected a number of days >= 0");
      return n;
    })
    .option("--all", "every entry (but files a setup running now may be writing)")
    .option("--keys", "only cached keys")
    .option("--ptau", "only local powers of tau")
    .action(
      act(async (o: { olderThan?: number; all?: boolean; keys?: boolean; ptau?: boolean }) => {
        const { bytesText, pruneCache } = await import("../steps/cache.js");
        const r = await pruneCache({ olderThanDays: o.olderThan, all: o.all, keys: o.keys, ptau: o.ptau });
        return {
          json: r as unknown as Record<string, unknown>,
          text: [
            ...(r.removed.length > 0 ? [table(cacheHeader, cacheRows(r.removed, bytesText)), ""] : []),
            `removed ${r.removed.length} entries, freed ${bytesText(r.freedBytes)}; ${r.kept} left in ${r.dir}`,
          ],
        };
      }),
    );

  compileOptions(
    program
      .command("bench <models...>")
      .description(
        "time every step N times per model against native inference; JSON, Markdown, SVG charts, baseline gate",
      ),
  )
    .option("--runs <n>", "runs per model (default 3)", int)
    .option(
      "-i, --input <file>",
      "input to prove (default: input.json beside each model, else a generated one)",
    )
    .option("-d, --data <file>", "data set for accuracy vs float (circuit vs onnxruntime argmax)")
    .option("--md <file>", "write the Markdown report")
    .option("--svg-dir <dir>", "write the SVG charts (default: the Markdown report's folder)")
    .option(
      "--compare <baseline.json>",
      "exit 1 if constraints grew or a time ratio regressed against this report",
    )
    .option(
      "--max-regression <pct>",
      "allowed growth of a step's time ratio to native inference (default 20%)",
    )
    .option("--batch <n>", "proofs per run proved by one call, for proofs/minute (default 3; 0: none)", int)
    .action(
      act(async (models: string[], o: Record<string, unknown>) => {
        // `--json out.json`: the global --json flag takes no value, so the file arrives as a model.
        const jsonFiles = models.filter((m) => m.toLowerCase().endsWith(".json"));
        if (jsonFiles.length > 1)
          fail("bad-input", `one --json output file at most, got ${jsonFiles.join(", ")}`);
        const paths = models.filter((m) => !jsonFiles.includes(m));
        if (paths.length === 0) fail("bad-input", "no model given");
        const [{ runBench }, { comparisonText, summaryText }, { defaultBuildDir }] = await Promise.all([
          import("../bench/run-bench.js"),
          import("../bench/text.js"),
          import("../steps/run.js"),
        ]);
        const r = await runBench(
          paths.map((m) => ({
            name: basename(defaultBuildDir(m)),
            model: m,
            input: o.input as string | undefined,
            data: o.data as string | undefined,
            compile: toCompileOptions(o),
          })),
          {
            runs: o.runs as number | undefined,
            batch: o.batch as number | undefined,
            system: o.system as ProofSystem | undefined,
            jsonOut: jsonFiles[0],
            mdOut: o.md as string | undefined,
            svgDir: o.svgDir as string | undefined,
            compare: o.compare as string | undefined,
            maxRegression:
              o.maxRegression === undefined ? undefined : parseMaxRegression(o.maxRegression as string),
            onProgress: process.stderr.isTTY && !common.json ? benchProgress() : undefined,
          },
        );
        const c = r.comparison;
        return {
          json: jsonFiles[0] ? { written: r.written, comparison: c } : { ...r.report, comparison: c },
          text: [
            ...summaryText(r.report),
            ...(r.written.length > 0 ? ["", `wrote ${r.written.join(", ")}`] : []),
            ...(c ? ["", ...comparisonText(c)] : []),
          ],
          exitCode: c && !c.ok ? 1 : 0,
        };
      }),
    );

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) return usageError(e, program, argv, json);
    const err =
      e instanceof ZkmlError
        ? e
        : new ZkmlError("bug", (e as Error)?.stack ?? String(e), {
            hint: "this is a zkmlc bug; please report it",
          });
    if (common.json) process.stdout.write(`${JSON.stringify({ ok: false, error: err.toJSON() })}\n`);
    else process.stderr.write(`${err.format()}\n`);
    return err.code === "bug" ? 2 : 1;
  }
  if (!outcome) return 0;
  if (common.json)
    process.stdout.write(
      `${JSON.stringify({ ok: (outcome.exitCode ?? 0) === 0, ...outcome.json }, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}\n`,
    );
  else process.stdout.write(`${outcome.text.join("\n")}\n`);
  const summary = timingTable ? progress?.summary() : undefined;
  if (summary) process.stderr.write(`\n${summary}\n`);
  return outcome.exitCode ?? 0;
}

const code = await main(process.argv);
// process.exit ends snarkjs's curve worker threads with the process: terminating them one by one first
// (releaseCurves, which library users need) costs a few hundred ms. Only the output must be flushed.
const flushed = (s: NodeJS.WriteStream) => new Promise<void>((done) => s.write("", () => done()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
