/** Where in the ONNX graph an error applies. */
export interface NodeRef {
  index: number;
  name: string;
  opType: string;
}

/**
 * The error catalogue: every user-facing failure has a stable code. `bug` marks an internal invariant
 * violation (CLI exit code 2); every other code is a user error (exit code 1).
 */
export type ErrorCode =
  | "bad-onnx"
  | "unsupported-op"
  | "bad-attribute"
  | "bad-shape"
  | "bad-input"
  | "input-out-of-range"
  | "non-finite"
  | "field-overflow"
  | "too-large"
  | "missing-artifact"
  | "corrupt-artifact"
  | "mismatched-artifacts"
  | "circom-failed"
  | "setup-failed"
  | "prove-failed"
  | "invalid-proof"
  /** The command line itself: an unknown command or option, a bad choice, a missing argument. */
  | "usage"
  | "bug";

export interface ZkmlErrorOptions {
  node?: NodeRef;
  hint?: string;
  cause?: unknown;
}

export class ZkmlError extends Error {
  readonly code: ErrorCode;
  readonly node: NodeRef | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, opts: ZkmlErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "ZkmlError";
    this.code = code;
    this.node = opts.node;
    this.hint = opts.hint;
  }

  /** `error[code]: node #3 "fc1" (Gemm): message` followed by `hint: ...`. */
  format(): string {
    const where = this.node ? `node #${this.node.index} "${this.node.name}" (${this.node.opType}): ` : "";
    const hint = this.hint ? `\n  hint: ${this.hint}` : "";
    return `error[${this.code}]: ${where}${this.message}${hint}`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, node: this.node, hint: this.hint };
  }
}

export function fail(code: ErrorCode, message: string, opts?: ZkmlErrorOptions): never {
  throw new ZkmlError(code, message, opts);
}

/** An internal invariant; reaching it is a zkmlc bug, not a user error. */
export function bug(message: string): never {
  throw new ZkmlError("bug", message, { hint: "this is a zkmlc bug; please report it with the model" });
}
