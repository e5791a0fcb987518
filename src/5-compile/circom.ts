/**
 * circom 2.2.3 (the `circom2` npm package: the Rust compiler built to WebAssembly/WASI), run in-process.
 *
 * Sandbox and include convention
 * -------------------------------
 * circom2's WASI layer only lets the compiler open files below its preopened directory and rejects
 * any path that resolves outside it. We preopen the build directory (`workDir`) as ".", so every
 * path circom sees is relative to `workDir` and everything it reads must live below it.
 * `copyCircuitLibrary(workDir)` lays the libraries out as
 *
 *     <workDir>/lib/zkmlc/*.circom        the project's circuits/ folder
 *     <workDir>/lib/circomlib/**          circomlib's circuits/ folder (bitify, comparators, poseidon, ...)
 *
 * and `compileCircom` passes `-l lib` by default. So:
 *   - the generated main file sits at the top of workDir (e.g. `circuit.circom`) and writes
 *       include "zkmlc/zkmlc.circom";            (or "zkmlc/<file>.circom")
 *       include "circomlib/poseidon.circom";     (if it needs circomlib directly)
 *   - a template in circuits/ includes circomlib as `include "../circomlib/bitify.circom";`
 *     (resolved relative to lib/zkmlc/, stays inside the sandbox) or as `include "circomlib/bitify.circom";`
 *     (resolved through -l lib); both work, and a file reached by two spellings is included once.
 *   - circuits/ files include each other by bare name: `include "rescale.circom";`.
 *
 * Outputs: circom writes into a fresh temporary directory below workDir; only after a successful
 * compile are `<name>.r1cs`, `<name>.sym` and `<name>_js/` (wasm + witness_calculator.js) renamed
 * into workDir, and any outputs of an earlier compile are removed first, so a failed compile never
 * leaves artifacts of a different circuit behind.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, extname, isAbsolute, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { fail } from "../errors.js";
import { readR1csInfo } from "./r1cs.js";

export interface CompileCircomOptions {
  /** Build directory; circom's sandbox root. */
  workDir: string;
  /** Main circuit file, relative to workDir. */
  mainFile: string;
  /**
   * 1 keeps linear constraints (use for PLONK/FFLONK), 2 substitutes them away (use for Groth16); 0 keeps
   * every signal a wire (tests read any signal's value from such a witness).
   */
  optimize: 0 | 1 | 2;
  /** Include directories (`-l`), relative to workDir. Default `["lib"]`. */
  includeDirs?: string[];
  /** Receives circom's output line by line (ANSI colours stripped). */
  logger?: (line: string) => void;
  /** Extra circom flags, e.g. `["--inspect"]`. */
  extraArgs?: string[];
}

export interface CompileCircomResult {
  nConstraints: number;
  r1csPath: string;
  symPath: string;
  wasmPath: string;
  witnessCalculatorPath: string;
  /** circom's stdout and stderr, interleaved, ANSI colours stripped. */
  stdout: string;
}

// The TypeScript config has no DOM lib, and @types/node 20 does not declare the WebAssembly global.
type WasmModule = object;
type WasmInstance = object;
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(mod: WasmModule, imports: object): Promise<WasmInstance>;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface WasiLike {
  FD_MAP?: Map<number, { real: number }>;
  getImports(mod: WasmModule): object;
  start(instance: WasmInstance): void;
}
interface Circom2Module {
  CircomRunner: new (opts: {
    args: string[];
    env: Record<string, string>;
    preopens: Record<string, string>;
    bindings: Record<string, unknown>;
  }) => { wasi: WasiLike };
  bindings: Record<string, unknown>;
}

const require = createRequire(import.meta.url);

let circomModule: Promise<WasmModule> | undefined;

/** circom.wasm (9 MB) compiled once per process. */
function loadCircomWasm(): Promise<WasmModule> {
  circomModule ??= readFile(require.resolve("circom2/circom.wasm")).then((b) => Wasm.compile(b));
  return circomModule;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

export function stripAnsi(s: string): string {
  return s.replace(ANSI, "");
}

function checkRelative(p: string, what: string): void {
  const n = normalize(p);
  if (isAbsolute(p) || n === ".." || n.startsWith(`..${sep}`)) {
    fail("circom-failed", `${what} "${p}" must be a path inside the build directory`, {
      hint: "circom2's sandbox cannot read files outside the build directory; copy them under it",
    });
  }
}

/** Run circom with the given arguments (paths relative to workDir); returns exit code and output. */
async function runCircom(
  workDir: string,
  args: string[],
  logger?: (line: string) => void,
  hideDir?: string,
): Promise<{ code: number; output: string }> {
  const circom2 = require("circom2") as Circom2Module;
  const root = await realpath(workDir); // the sandbox compares real paths
  let output = "";
  let pending = "";
  const emit = (text: string): void => {
    let clean = stripAnsi(text);
    if (hideDir) clean = clean.replaceAll(`${hideDir}/`, "");
    output += clean;
    if (!logger) return;
    pending += clean;
    let nl = pending.indexOf("\n");
    while (nl >= 0) {
      logger(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      nl = pending.indexOf("\n");
    }
  };
  // Route the compiler's fd 1 and 2 to `emit`; every other fd goes to the real file system.
  const sandboxFs = {
    ...fs,
    writeSync(fd: number, buf: Uint8Array, off?: number, len?: number, pos?: number | null): number {
      if (fd === 1 || fd === 2) {
        const o = off ?? 0;
        const n = len ?? buf.byteLength - o;
        emit(Buffer.from(buf.buffer, buf.byteOffset + o, n).toString("utf8"));
        return n;
      }
      return fs.writeSync(fd, buf, off, len, pos);
    },
  };
  class CircomExit extends Error {
    constructor(readonly code: number) {
      super(`circom exited with code ${code}`);
    }
  }
  const runner = new circom2.CircomRunner({
    args,
    env: {},
    preopens: { ".": root },
    bindings: {
      ...circom2.bindings,
      fs: sandboxFs,
      isTTY: () => false,
      exit(code: number) {
        throw new CircomExit(code);
      },
      kill(signal: string) {
        throw new Error(`circom raised signal ${signal}`);
      },
    },
  });
  const mod = await loadCircomWasm();
  const instance = await Wasm.instantiate(mod, runner.wasi.getImports(mod));
  let code = 0;
  try {
    runner.wasi.start(instance);
  } catch (e) {
    if (e instanceof CircomExit) code = e.code;
    else {
      // A WebAssembly trap (e.g. out of memory) or an error inside the WASI shim.
      emit(`\n${(e as Error).message}\n`);
      code = 70;
    }
  }
  // The shim never closes the preopened directory (nor files circom left open): close them here.
  for (const [fd, entry] of runner.wasi.FD_MAP ?? []) {
    if (fd > 2 && entry.real > 2) {
      try {
        fs.closeSync(entry.real);
      } catch {
        // already closed
      }
    }
  }
  if (pending !== "" && logger) logger(pending);
  return { code, output };
}

/** circom's version line, e.g. "circom compiler 2.2.3". */
export async function circomVersion(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "zkmlc-circom-"));
  try {
    const { output } = await runCircom(dir, ["--version"]);
    return output.trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Compile `workDir/mainFile` with circom (r1cs, wasm witness generator, symbols). */
export async function compileCircom(opts: CompileCircomOptions): Promise<CompileCircomResult> {
  const { workDir, mainFile, optimize } = opts;
  const includeDirs = opts.includeDirs ?? ["lib"];
  checkRelative(mainFile, "main circuit");
  for (const d of includeDirs) checkRelative(d, "include directory");
  const mainAbs = join(workDir, mainFile);
  if (!fs.existsSync(mainAbs)) {
    fail("missing-artifact", `${mainAbs} does not exist`, {
      hint: "run `zkmlc compile` to emit the circuit",
    });
  }
  const name = basename(mainFile, extname(mainFile));
  const r1csPath = join(workDir, `${name}.r1cs`);
  const symPath = join(workDir, `${name}.sym`);
  const jsDir = join(workDir, `${name}_js`);
  const wasmPath = join(jsDir, `${name}.wasm`);
  const witnessCalculatorPath = join(jsDir, "witness_calculator.js");

  // Outputs of an earlier compile would not match the new source: remove them first.
  await Promise.all([r1csPath, symPath, jsDir].map((p) => rm(p, { recursive: true, force: true })));

  const tmpName = `.circom-${randomBytes(6).toString("hex")}.tmp`;
  const tmpDir = join(workDir, tmpName);
  await mkdir(tmpDir);
  try {
    const args = [mainFile, "--r1cs", "--wasm", "--sym", `--O${optimize}`, "-o", tmpName];
    for (const d of includeDirs) args.push("-l", d);
    args.push(...(opts.extraArgs ?? []));
    const { code, output } = await runCircom(workDir, args, opts.logger, tmpName);
    const produced = await readdir(tmpDir);
    if (code !== 0 || !produced.includes(`${name}.r1cs`))
      circomFailure(output.trim() || `circom exited with code ${code} and printed nothing`, mainFile);
    for (const f of [`${name}.r1cs`, `${name}.sym`, `${name}_js`]) {
      if (!produced.includes(f)) fail("circom-failed", `circom reported success but did not write ${f}`);
    }
    await rename(join(tmpDir, `${name}.sym`), symPath);
    await rename(join(tmpDir, `${name}_js`), jsDir);
    await rename(join(tmpDir, `${name}.r1cs`), r1csPath); // last: its presence marks a complete compile
    const wasmStat = await stat(wasmPath).catch(() => undefined);
    if (!wasmStat || wasmStat.size === 0 || !fs.existsSync(witnessCalculatorPath)) {
      fail("circom-failed", `circom did not produce a witness generator in ${jsDir}`);
    }
    const { nConstraints } = await readR1csInfo(r1csPath);
    return { nConstraints, r1csPath, symPath, wasmPath, witnessCalculatorPath, stdout: output };
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/**
 * What circom's failure means. circom 2.2.3 runs as 32-bit WebAssembly: allocations past 4 GiB fail
 * ("memory allocation of … bytes failed"), and buffers past 2 GiB overflow its signed offsets while it
 * writes its outputs ("Start offset -2117383504 is outside the bounds of the buffer"). Those are limits
 * of circom (too-large, with the counts it printed), not errors in the generated circuit.
 */
export function circomFailure(text: string, mainFile: string): never {
  const counts = text.match(/(non-linear|linear) constraints: \d+/g)?.join(", ");
  if (
    /memory allocation of \d+ bytes failed|outside the bounds of the buffer|Array buffer allocation failed/.test(
      text,
    )
  )
    fail(
      "too-large",
      `circom ran out of memory compiling ${mainFile}${counts ? ` (${counts})` : ""}: its 32-bit WebAssembly build has 4 GiB of address space`,
      {
        hint: "the direct backend (the default for Groth16) writes the r1cs without circom and has no such limit: drop --backend circom; PLONK and FFLONK need circom, so use Groth16 for a circuit this size",
      },
    );
  fail("circom-failed", `circom could not compile ${mainFile}:\n${text}`, {
    hint: "this is an error in the generated circuit or the circuit library",
  });
}

/** The repository's `circuits/` folder: two levels above this file in both `src/5-compile` and `dist/5-compile`. */
export function circuitLibraryDir(): string {
  return fileURLToPath(new URL("../../circuits/", import.meta.url));
}

/** circomlib's `circuits/` folder in node_modules. */
export function circomlibDir(): string {
  return join(dirname(require.resolve("circomlib/package.json")), "circuits");
}

/**
 * Copy the circuit libraries under `workDir/lib/` (see the include convention at the top of this file):
 * the project's `circuits/*.circom` to `lib/zkmlc/` and circomlib's `circuits/` to `lib/circomlib/`.
 * Earlier copies are replaced, so a library change reaches the next compile.
 */
export async function copyCircuitLibrary(workDir: string): Promise<void> {
  const libDir = join(workDir, "lib");
  const ours = circuitLibraryDir();
  if (!fs.existsSync(ours)) {
    fail("bug", `the zkmlc circuit library is missing at ${ours}`, { hint: "reinstall zkmlc" });
  }
  const zkmlcDir = join(libDir, "zkmlc");
  const circomlib = join(libDir, "circomlib");
  await rm(zkmlcDir, { recursive: true, force: true });
  await rm(circomlib, { recursive: true, force: true });
  await mkdir(zkmlcDir, { recursive: true });
  for (const f of await readdir(ours)) {
    if (f.endsWith(".circom")) await cp(join(ours, f), join(zkmlcDir, f));
  }
  await cp(circomlibDir(), circomlib, {
    recursive: true,
    filter: (src) => !src.includes(`${sep}test${sep}`) && !src.endsWith(".md"),
  });
}
