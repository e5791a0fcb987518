/**
 * The Solidity verifier for a zkey (Groth16, PLONK or FFLONK), from snarkjs's own templates.
 *
 * snarkjs's CLI reads `templates/verifier_<protocol>.sol.ejs` next to its package and passes the texts
 * in (`zKey.exportSolidityVerifier(zkey, { groth16, plonk, fflonk })`); it picks the template by the
 * protocol in the zkey header. Called as a library it needs the same object, so we read the templates
 * from the installed snarkjs package.
 *
 * The generated contracts' `verifyProof` signatures are listed in calldata.ts.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as snarkjs from "snarkjs";
import { fail, ZkmlError } from "../errors.js";
import { readZkeyHeader } from "./binfile.js";
import type { ProofSystem } from "./calldata.js";
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

export async function exportSolidityVerifier(zkeyPath: string): Promise<string> {
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
    return code;
  } catch (e) {
    if (e instanceof ZkmlError) throw e;
    return fail("corrupt-artifact", `could not read ${zkeyPath}: ${(e as Error).message}`, {
      hint,
      cause: e,
    });
  }
}
