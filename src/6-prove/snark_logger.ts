import type { SnarkjsLogger } from "snarkjs";

/**
 * A snarkjs logger that forwards to zkmlc's optional line logger and records error-level messages:
 * snarkjs 0.7.6 reports several failures (unprepared ptau, ptau too small, curve mismatch) only
 * through `logger.error` and then returns normally.
 */
export interface CapturingLogger {
  logger: SnarkjsLogger;
  errors: string[];
}

export function captureSnarkjsLog(
  forward?: (line: string) => void,
  opts: { debug?: boolean } = {},
): CapturingLogger {
  const errors: string[] = [];
  const out = forward ?? (() => {});
  const logger: SnarkjsLogger = {
    debug: (m) => {
      if (opts.debug) out(`snarkjs: ${m}`);
    },
    info: (m) => out(`snarkjs: ${m}`),
    // powersOfTau.newAccumulator reports progress through logger.log.
    log: (m) => out(`snarkjs: ${m}`),
    warn: (m) => out(`snarkjs warning: ${m}`),
    error: (m) => {
      errors.push(String(m));
      out(`snarkjs error: ${m}`);
    },
  };
  return { logger, errors };
}
