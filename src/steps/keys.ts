import { existsSync } from "node:fs";
import type { ProofSystem } from "../6-prove/systems.js";
import { keyPath, readJsonFile, requireFile } from "../artifacts.js";
import { fail } from "../errors.js";
import type { OpenBuild } from "./build.js";
import { sha256File } from "./hash.js";
import { type KeyRecord, KeyRecordSchema, parseRecord } from "./settings.js";

/** `zkmlc setup` as a user would type it for this build. */
export function setupCommand(dir: string, system: ProofSystem): string {
  return `zkmlc setup ${dir} --system ${system}`;
}

/**
 * The keys record of `system` (<build>/<system>/keys/keys.json), checked to belong to this build's
 * circuit; the key files in `which` are checked against the hashes it records.
 */
export async function readKeys(
  build: OpenBuild,
  system: ProofSystem,
  which: ("zkey" | "vkey")[],
): Promise<KeyRecord> {
  const rebuild = { hint: `run \`${setupCommand(build.dir, system)}\`` };
  const path = keyPath(build.dir, system, "record");
  if (!existsSync(path))
    fail("missing-artifact", `no ${system} keys have been set up for this circuit`, rebuild);
  const keys = parseRecord(
    KeyRecordSchema,
    await readJsonFile<unknown>(path, rebuild.hint),
    path,
    rebuild.hint,
  );
  if (keys.system !== system)
    fail("corrupt-artifact", `${path} records ${keys.system} keys in the ${system} folder`, rebuild);
  if (keys.r1cs !== build.settings.circuit.sha256.r1cs)
    fail(
      "mismatched-artifacts",
      `the ${system} keys were made for another circuit than this build's`,
      rebuild,
    );
  // Same circuit, other settings.json: a recompile with other decoding options, or an edited file.
  if (keys.settings !== build.settingsHash)
    fail(
      "mismatched-artifacts",
      `settings.json is not the one the ${system} keys were set up with (recompiled with other options, or edited)`,
      rebuild,
    );
  for (const w of which) {
    const file = requireFile(keyPath(build.dir, system, w), setupCommand(build.dir, system));
    if ((await sha256File(file)) !== keys[w])
      fail("mismatched-artifacts", `${file} is not the ${w} recorded in ${path}`, rebuild);
  }
  return keys;
}
