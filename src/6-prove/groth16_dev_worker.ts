/**
 * Worker source for `groth16_dev.ts`: the fixed-base worker of `ptau_worker_source.ts` plus one
 * command that multiplies the generator by scalars given by the caller,
 *
 *   {cmd:"mul", group, count, scalars}  -> {bytes}: scalars[i]·G, affine LEM
 *
 * where `scalars` holds `count` field elements of 32 bytes each in Montgomery form (the layout the
 * curve's WebAssembly keeps them in). `geo` and `lag` compute their own scalars from a few
 * parameters; a Groth16 key's scalars (u_i(τ), v_i(τ), ...) come from the constraint system.
 *
 * The command is spliced into the ptau worker's dispatcher (at a fixed anchor, checked here) and
 * reuses its `multiply`; `ptau_worker_source.ts` itself stays unchanged.
 */
import { PTAU_WORKER_SOURCE } from "./ptau_worker_source.js";

const ANCHOR = 'else if (msg.cmd === "lag") bytes = lag(msg);';

const MUL_SOURCE = `
// Scalars (32-byte Montgomery field elements, caller-computed) -> affine points.
function mulScalars(msg) {
  const g = groups[msg.group];
  const n = msg.count;
  const src = msg.scalars;
  if (!g || !src || src.byteLength !== 32 * n) throw new Error("mul: bad group or scalars of the wrong size");
  const S = alloc(32 * n);
  views();
  u8.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), S);
  return multiply(g, S, n);
}
`;

function build(): string {
  const at = PTAU_WORKER_SOURCE.indexOf(ANCHOR);
  if (at < 0 || PTAU_WORKER_SOURCE.indexOf(ANCHOR, at + 1) >= 0) {
    throw new Error("groth16_dev_worker: the ptau worker's dispatcher changed; update the splice anchor");
  }
  const end = at + ANCHOR.length;
  return (
    PTAU_WORKER_SOURCE.slice(0, end) +
    '\n      else if (msg.cmd === "mul") bytes = mulScalars(msg);' +
    PTAU_WORKER_SOURCE.slice(end) +
    MUL_SOURCE
  );
}

export const DEV_WORKER_SOURCE = build();
