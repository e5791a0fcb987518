import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * The node arguments that run the CLI from source: tsx as a loader in one process (tsx's own CLI would
 * start a second node process to run it, which costs each call about 0.3 s more).
 */
export const CLI_ARGS = [
  "--import",
  pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href,
  join(ROOT, "src/cli/main.ts"),
];

/** The commands that run a snarkjs setup or prove: never in `npm run test:fast` (see fast-tier.ts). */
const PROVING_COMMANDS = new Set(["setup", "prove", "run", "bench"]);

/** Run the CLI from source (tsx), as a user would run `zkmlc ...`. */
export function zkmlc(...args: string[]): { code: number; stdout: string; stderr: string } {
  const command = args.find((a) => !a.startsWith("-"));
  if (
    process.env.ZKMLC_TEST_TIER === "fast" &&
    command !== undefined &&
    PROVING_COMMANDS.has(command) &&
    !args.includes("--help") &&
    !args.includes("-h")
  ) {
    throw new Error(
      `\`zkmlc ${command}\` runs a snarkjs setup or prove, which \`npm run test:fast\` does not: ` +
        'tag the test { tags: ["heavy"] } or list its file in HEAVY_FILES (vitest.fast.config.ts)',
    );
  }
  const r = spawnSync(process.execPath, [...CLI_ARGS, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
