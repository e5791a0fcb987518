/**
 * The Solidity verifier for a zkey (Groth16, PLONK or FFLONK), from snarkjs's own templates.
 *
 * snarkjs's CLI reads `templates/verifier_<protocol>.sol.ejs` next to its package and passes the texts
 * in (`zKey.exportSolidityVerifier(zkey, { groth16, plonk, fflonk })`); it picks the template by the
 * protocol in the zkey header. Called as a library it needs the same object, so we read the templates
 * from the installed snarkjs package.
 *
 * The generated contracts' `verifyProof` signatures are listed in calldata.ts.
 *
 * Public-signal range check. snarkjs 0.7.6's Groth16 verifier returns false unless every public signal
 * is < r, but its PLONK and FFLONK verifiers only range-check the proof's own values: the public
 * signals enter the arithmetic reduced mod r and the Fiat-Shamir transcript as raw 256-bit words. A
 * prover who hashes x + r instead of x into the transcript therefore gets a proof that those contracts
 * accept for the public signal x + r (and snarkjs's JS verifier rejects): two calldata encodings of one
 * statement, which breaks any contract that uses a signal as a nullifier, an id or an amount. So zkmlc
 * adds the same check Groth16's template has (`checkField` on every public signal, a few hundred gas)
 * to the PLONK and FFLONK contracts; evm.test.ts forges such a proof and shows the difference.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as snarkjs from "snarkjs";
import { fail, ZkmlError } from "../errors.js";
import { readZkeyHeader } from "./binfile.js";
import type { ProofSystem } from "./systems.js";
import "./curve.js";
import { captureSnarkjsLog } from "./snark_logger.js";

const require = createRequire(import.meta.url);

/** snarkjs's `templates/` folder (its package.json has no "exports" entry for it; locate via the CJS main). */
export function snarkjsTemplatesDir(): string {
  // require.resolve("snarkjs") gives <pkg>/build/main.cjs.
  return join(dirname(dirname(require.resolve("snarkjs"))), "templates");
}

/** The contract each template defines. */
export const VERIFIER_CONTRACT: Record<ProofSystem, string> = {
  groth16: "Groth16Verifier",
  plonk: "PlonkVerifier",
  fflonk: "FflonkVerifier",
};

const SYSTEMS = Object.keys(VERIFIER_CONTRACT) as ProofSystem[];

let templates: Promise<Record<ProofSystem, string>> | undefined;

async function readTemplates(): Promise<Record<ProofSystem, string>> {
  const out: Partial<Record<ProofSystem, string>> = {};
  for (const system of SYSTEMS) {
    const path = join(snarkjsTemplatesDir(), `verifier_${system}.sol.ejs`);
    try {
      out[system] = await readFile(path, "utf8");
    } catch (e) {
      return fail("bug", `snarkjs's Solidity template is missing at ${path}`, { cause: e });
    }
  }
  return out as Record<ProofSystem, string>;
}

function loadTemplates(): Promise<Record<ProofSystem, string>> {
  if (!templates) {
    templates = readTemplates();
    templates.catch(() => {
      templates = undefined;
    });
  }
  return templates;
}

/** The proof system of a zkey, from its header. */
export async function zkeyProofSystem(zkeyPath: string): Promise<ProofSystem> {
  const { protocol } = await readZkeyHeader(zkeyPath);
  if (protocol === "unknown") {
    fail("corrupt-artifact", `${zkeyPath} is a zkey of a protocol snarkjs cannot export a verifier for`, {
      hint: "the proving key must be a Groth16, PLONK or FFLONK zkey made by `zkmlc setup`",
    });
  }
  return protocol;
}

const PUB_ARRAY: Record<Exclude<ProofSystem, "groth16">, RegExp> = {
  plonk: /uint256\[(\d+)\] calldata (_pubSignals)\)/g,
  fflonk: /uint256\[(\d+)\] calldata (pubSignals)\)/g,
};

/**
 * Insert a `checkField` of every public signal after the proof-data checks of snarkjs's PLONK or FFLONK
 * verifier (see the module comment). Groth16's text is returned unchanged: its template already checks.
 */
export function addPublicSignalRangeCheck(system: ProofSystem, code: string): string {
  if (system === "groth16") return code;
  const arrays = [...code.matchAll(PUB_ARRAY[system])];
  const calls = [...code.matchAll(/^([ \t]*)checkProofData\(\)[ \t]*$/gm)];
  const n = arrays[0]?.[1];
  const name = arrays[0]?.[2];
  const call = calls[0];
  if (arrays.length !== 1 || calls.length !== 1 || !n || !name || !call || call.index === undefined) {
    return fail(
      "bug",
      `snarkjs's ${system} verifier template has changed: cannot add the public-signal range check`,
      {
        hint: "zkmlc supports the templates of snarkjs 0.7.x",
      },
    );
  }
  const indent = call[1] ?? "";
  const end = call.index + call[0].length;
  const check =
    `\n${indent}// zkmlc: every public signal must be < r (as in snarkjs's Groth16 verifier), or x and x + r` +
    `\n${indent}// would be two encodings of one statement.` +
    `\n${indent}for { let i := 0 } lt(i, ${n}) { i := add(i, 1) } { checkField(calldataload(add(${name}, mul(i, 32)))) }`;
  return code.slice(0, end) + check + code.slice(end);
}

export interface ExportVerifierOptions {
  /**
   * Return snarkjs's text as it is, without zkmlc's public-signal range check (for comparison with the
   * snarkjs CLI; such PLONK and FFLONK contracts accept public signals >= r).
   */
  unpatched?: boolean;
}

export async function exportSolidityVerifier(
  zkeyPath: string,
  opts: ExportVerifierOptions = {},
): Promise<string> {
  if (!existsSync(zkeyPath)) {
    fail("missing-artifact", `proving key ${zkeyPath} does not exist`, { hint: "run `zkmlc setup` first" });
  }
  const system = await zkeyProofSystem(zkeyPath);
  const hint = "the proving key must be a Groth16, PLONK or FFLONK zkey made by `zkmlc setup`";
  const tpl = await loadTemplates();
  const { logger, errors } = captureSnarkjsLog();
  try {
    const code = await snarkjs.zKey.exportSolidityVerifier(zkeyPath, { ...tpl }, logger);
    if (
      errors.length > 0 ||
      typeof code !== "string" ||
      !code.includes(`contract ${VERIFIER_CONTRACT[system]}`)
    ) {
      fail(
        "corrupt-artifact",
        `could not export a ${system} verifier from ${zkeyPath}: ${errors.join("; ")}`,
        {
          hint,
        },
      );
    }
    return opts.unpatched ? code : addPublicSignalRangeCheck(system, code);
  } catch (e) {
    if (e instanceof ZkmlError) throw e;
    return fail("corrupt-artifact", `could not read ${zkeyPath}: ${(e as Error).message}`, {
      hint,
      cause: e,
    });
  }
}
