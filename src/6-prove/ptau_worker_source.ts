/**
 * Source of the worker threads that `ptau_fast.ts` and `groth16_dev.ts` start (the pool in
 * fixed_base.ts runs it with `new Worker(src, { eval: true })`).
 *
 * It is plain JavaScript in a string, not a TypeScript module, so that it runs the same under tsc's
 * output, tsx and vitest (a function serialised with `toString()` can pick up transpiler helpers such
 * as esbuild's `__name`, which do not exist inside the worker).
 *
 * Each worker instantiates the BN254 WebAssembly module that ffjavascript builds for snarkjs (the bytes
 * come from the main thread) in its own memory, and computes fixed-base scalar multiplications s·G of
 * the G1 and G2 generators with signed-digit windowed tables: with window width w the scalar is split
 * into K = ceil(255 / w) signed digits d_k in (-2^(w-1), 2^(w-1)], and
 *   s·G = Σ_k d_k · (2^(w·k) · G),
 * one addition per non-zero digit of ±(|d_k| · 2^(w·k) · G), read from a table of K · 2^(w-1) affine
 * points. A job's points advance one window at a time, and each window's additions are done in affine
 * coordinates with a single field inversion for the whole batch (Montgomery's trick): about 6 field
 * multiplications per addition instead of 11 for a mixed Jacobian one, and the results are affine
 * already. They are returned in ffjavascript's LEM layout (affine, little-endian Montgomery), the
 * layout of a .ptau file.
 *
 * Messages (field elements as 32-byte little-endian normal-form integers, except `mul`'s):
 *   {cmd:"init", code, g1, g2}                      g1/g2: the generators, affine LEM
 *   {cmd:"buildTable", group, w, kFrom, kTo}        -> {bytes}: table windows kFrom..kTo-1
 *   {cmd:"setTable", group, w, bytes}               the whole table (all K windows)
 *   {cmd:"geo", group, count, first, inc}           -> {bytes}: s_i = first · inc^i
 *   {cmd:"lag", group, count, w0, omega, tau, k, k2}
 *        -> {bytes}: s_i = ω_i · (k / (tau - ω_i) - k2) with ω_i = w0 · omega^i
 *   {cmd:"mul", group, count, scalars}              -> {bytes}: s_i = scalars[i]
 *        where `scalars` holds `count` field elements of 32 bytes each in Montgomery form (the layout
 *        the curve's WebAssembly keeps them in), computed by the caller: `geo` and `lag` compute their
 *        own scalars from a few parameters, a Groth16 key's (u_i(τ), v_i(τ), ...) come from the
 *        constraint system (groth16_dev.ts).
 * Errors are answered as {error: message}.
 */
export const PTAU_WORKER_SOURCE = `"use strict";
const { parentPort } = require("node:worker_threads");
const MAXPAGES = 32767;
let ex, mem, u8, u32, scratch;
const groups = {};

function views() {
  if (u8 === undefined || u8.buffer !== mem.buffer) {
    u8 = new Uint8Array(mem.buffer);
    u32 = new Uint32Array(mem.buffer);
  }
}
function alloc(n) {
  views();
  const p = (u32[0] + 63) & ~63;
  const end = p + n;
  if (end + 65536 > mem.buffer.byteLength) {
    const pages = Math.ceil((end + 65536 - mem.buffer.byteLength) / 65536);
    if (mem.buffer.byteLength / 65536 + pages > MAXPAGES) throw new Error("out of WebAssembly memory");
    mem.grow(pages);
    views();
  }
  u32[0] = end;
  return p;
}
// Make sure n bytes past the free pointer exist: wasm batch functions use them as scratch space.
function reserve(n) {
  const p = alloc(n);
  u32[0] = p;
}
function setFr(p, bytes) {
  views();
  u8.set(bytes, p);
  ex.frm_toMontgomery(p, p);
}

async function init(msg) {
  const module = await WebAssembly.compile(msg.code);
  mem = new WebAssembly.Memory({ initial: 25, maximum: MAXPAGES });
  const instance = await WebAssembly.instantiate(module, { env: { memory: mem } });
  ex = instance.exports;
  views();
  const mk = (name, p, f, sA, gen) => {
    const pGen = alloc(sA);
    u8.set(gen, pGen);
    groups[name] = {
      sA, sJ: (sA * 3) / 2, sF: sA / 2, gen: pGen,
      addMixed: ex[p + "_addMixed"], double: ex[p + "_double"], toJacobian: ex[p + "_toJacobian"],
      toAffine: ex[p + "_toAffine"], batchToAffine: ex[p + "_batchToAffine"],
      copyAffine: ex[p + "_copyAffine"], negAffine: ex[p + "_negAffine"],
      zeroAffine: ex[p + "_zeroAffine"], isZeroAffine: ex[p + "_isZeroAffine"],
      fAdd: ex[f + "_add"], fSub: ex[f + "_sub"], fNeg: ex[f + "_neg"], fMul: ex[f + "_mul"],
      fSquare: ex[f + "_square"], fCopy: ex[f + "_copy"], fIsZero: ex[f + "_isZero"],
      fBatchInverse: ex[f + "_batchInverse"],
      tmp: 0,
      table: undefined,
    };
  };
  mk("G1", "g1m", "f1m", 64, msg.g1);
  mk("G2", "g2m", "f2m", 128, msg.g2);
  for (const g of Object.values(groups)) g.tmp = alloc(2 * g.sJ + 4 * g.sF);
  scratch = u32[0];
}

function windows(w) {
  return Math.ceil(255 / w);
}

// Affine additions O[j] = P[j] + (neg[j] ? -Q[j] : Q[j]) for j < m, with one field inversion for all
// of them (Montgomery's trick). O[j] may be P[j]. An addition whose x coordinates coincide (a doubling,
// or a sum that is zero) goes through the Jacobian formulas instead; its index is put in fb, and the
// number of those is returned. D and Dinv: scratch space for m field elements each, and (m + 1) more
// field elements must be free past the allocation pointer (batchInverse uses them).
function batchAdd(g, m, P, Q, neg, O, D, Dinv, fb) {
  const sF = g.sF;
  const fSub = g.fSub, fAdd = g.fAdd, fNeg = g.fNeg, fMul = g.fMul, fSquare = g.fSquare;
  for (let j = 0; j < m; j++) fSub(Q[j], P[j], D + j * sF);
  g.fBatchInverse(D, sF, m, Dinv, sF);
  const t = g.tmp + 2 * g.sJ, lam = t + sF, x3 = lam + sF, qa = t;
  let nfb = 0;
  for (let j = 0; j < m; j++) {
    const inv = Dinv + j * sF;
    const p = P[j], q = Q[j], o = O[j];
    if (g.fIsZero(inv)) {
      const J = g.tmp;
      g.toJacobian(p, J);
      if (neg[j]) {
        g.negAffine(q, qa);
        g.addMixed(J, qa, J);
      } else {
        g.addMixed(J, q, J);
      }
      g.toAffine(J, o);
      fb[nfb++] = j;
      continue;
    }
    if (neg[j]) {
      fAdd(q + sF, p + sF, t);
      fNeg(t, t);
    } else {
      fSub(q + sF, p + sF, t);
    }
    fMul(t, inv, lam);
    fSquare(lam, x3);
    fSub(x3, p, x3);
    fSub(x3, q, x3);
    fSub(p, x3, t);
    fMul(lam, t, t);
    fSub(t, p + sF, o + sF);
    g.fCopy(x3, o);
  }
  return nfb;
}

const TABLE_SEQ = 256;

// Table windows kFrom..kTo-1: entry (k, j) = j · 2^(w·k) · G for j = 1..2^(w-1). The first c entries
// of each window are computed one after the other; after that entry j = entry (j - c) + entry c, so
// each block of c entries of every window is one batch of affine additions.
function buildTable(msg) {
  const g = groups[msg.group];
  const half = 2 ** (msg.w - 1);
  const nk = msg.kTo - msg.kFrom;
  const c = Math.min(half, TABLE_SEQ);
  const sA = g.sA, sJ = g.sJ, sF = g.sF;
  const base = alloc(sJ);
  const baseAff = alloc(sA);
  const tmp = alloc(c * sJ);
  const out = alloc(nk * half * sA);
  const mMax = nk * c;
  const D = alloc(mMax * sF), Dinv = alloc(mMax * sF);
  reserve((mMax + 1) * sF + (c + 1) * sA);
  const P = new Int32Array(mMax), Q = new Int32Array(mMax), O = new Int32Array(mMax);
  const neg = new Uint8Array(mMax), fb = new Int32Array(mMax);
  const entry = (k, j) => out + (k * half + j - 1) * sA;
  g.toJacobian(g.gen, base);
  for (let i = 0; i < msg.w * msg.kFrom; i++) g.double(base, base);
  for (let k = 0; k < nk; k++) {
    g.toAffine(base, baseAff);
    g.toJacobian(baseAff, tmp);
    for (let j = 1; j < c; j++) g.addMixed(tmp + (j - 1) * sJ, baseAff, tmp + j * sJ);
    g.batchToAffine(tmp, c, entry(k, 1));
    for (let i = 0; i < msg.w; i++) g.double(base, base);
  }
  for (let j0 = c + 1; j0 <= half; j0 += c) {
    let m = 0;
    for (let k = 0; k < nk; k++) {
      for (let j = j0; j < Math.min(j0 + c, half + 1); j++) {
        P[m] = entry(k, j - c);
        Q[m] = entry(k, c);
        O[m] = entry(k, j);
        m++;
      }
    }
    batchAdd(g, m, P, Q, neg, O, D, Dinv, fb);
  }
  views();
  return u8.slice(out, out + nk * half * sA);
}

function setTable(msg) {
  const g = groups[msg.group];
  const half = 2 ** (msg.w - 1);
  const K = windows(msg.w);
  if (msg.bytes.byteLength !== K * half * g.sA) throw new Error("table of the wrong size");
  if (u32[0] !== scratch) throw new Error("tables must be set before any job");
  const p = alloc(K * half * g.sA);
  u8.set(new Uint8Array(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength), p);
  g.table = { w: msg.w, K, half, p };
  scratch = u32[0];
}

// Scalars (Montgomery) at S, n of them, -> affine points, returned as bytes. All n accumulators
// advance one window at a time, so that each window's additions form one batch.
function multiply(g, S, n) {
  const t = g.table;
  if (!t) throw new Error("no table");
  const sA = g.sA, sF = g.sF;
  ex.frm_batchFromMontgomery(S, n, S);
  const A = alloc(n * sA);
  const D = alloc(n * sF), Dinv = alloc(n * sF);
  reserve((n + 1) * sF);
  views();
  const P = new Int32Array(n), Q = new Int32Array(n), idx = new Int32Array(n), fb = new Int32Array(n);
  const neg = new Uint8Array(n), has = new Uint8Array(n), carry = new Uint8Array(n);
  const w = t.w, K = t.K, half = t.half, full = 2 * half, mask = full - 1, T = t.p;
  for (let k = 0; k < K; k++) {
    const bit = k * w;
    const wd = bit >>> 5;
    const off = bit & 31;
    const two = off + w > 32 && wd < 7;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const s = ((S + 32 * i) >>> 2) + wd;
      let v = u32[s] >>> off;
      if (two) v |= u32[s + 1] << (32 - off);
      v = (v & mask) + carry[i];
      if (v > half) {
        v -= full;
        carry[i] = 1;
      } else {
        carry[i] = 0;
      }
      if (v === 0) continue;
      const a = A + i * sA;
      const e = T + (k * half + (v > 0 ? v : -v) - 1) * sA;
      if (!has[i]) {
        if (v > 0) g.copyAffine(e, a);
        else g.negAffine(e, a);
        has[i] = 1;
        continue;
      }
      P[m] = a;
      Q[m] = e;
      neg[m] = v < 0 ? 1 : 0;
      idx[m] = i;
      m++;
    }
    if (m === 0) continue;
    const nfb = batchAdd(g, m, P, Q, neg, P, D, Dinv, fb);
    for (let j = 0; j < nfb; j++) {
      const i = idx[fb[j]];
      if (g.isZeroAffine(A + i * sA)) has[i] = 0;
    }
  }
  for (let i = 0; i < n; i++) {
    if (carry[i] !== 0) throw new Error("scalar out of range");
    if (!has[i]) g.zeroAffine(A + i * sA);
  }
  views();
  return u8.slice(A, A + n * sA);
}

function geo(msg) {
  const g = groups[msg.group];
  const n = msg.count;
  const t = alloc(32), inc = alloc(32), S = alloc(32 * n);
  setFr(t, msg.first);
  setFr(inc, msg.inc);
  for (let i = 0; i < n; i++) {
    ex.frm_copy(t, S + 32 * i);
    ex.frm_mul(t, inc, t);
  }
  return multiply(g, S, n);
}

function lag(msg) {
  const g = groups[msg.group];
  const n = msg.count;
  const wi = alloc(32), omega = alloc(32), tau = alloc(32), k = alloc(32), k2 = alloc(32), tmp = alloc(32);
  const W = alloc(32 * n), D = alloc(32 * n), S = alloc(32 * n);
  setFr(wi, msg.w0);
  setFr(omega, msg.omega);
  setFr(tau, msg.tau);
  setFr(k, msg.k);
  setFr(k2, msg.k2);
  for (let i = 0; i < n; i++) {
    ex.frm_copy(wi, W + 32 * i);
    ex.frm_sub(tau, wi, D + 32 * i);
    ex.frm_mul(wi, omega, wi);
  }
  reserve(32 * (n + 1));
  ex.frm_batchInverse(D, 32, n, S, 32);
  for (let i = 0; i < n; i++) {
    const si = S + 32 * i;
    ex.frm_mul(k, si, tmp);
    ex.frm_sub(tmp, k2, tmp);
    ex.frm_mul(tmp, W + 32 * i, si);
  }
  return multiply(g, S, n);
}

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

parentPort.on("message", async (msg) => {
  try {
    if (msg.cmd === "init") {
      await init(msg);
      parentPort.postMessage({});
      return;
    }
    if (msg.cmd === "setTable") {
      setTable(msg);
      parentPort.postMessage({});
      return;
    }
    const mark = u32[0];
    let bytes;
    try {
      if (msg.cmd === "buildTable") bytes = buildTable(msg);
      else if (msg.cmd === "geo") bytes = geo(msg);
      else if (msg.cmd === "lag") bytes = lag(msg);
      else if (msg.cmd === "mul") bytes = mulScalars(msg);
      else throw new Error("unknown command " + msg.cmd);
    } finally {
      views();
      u32[0] = mark;
    }
    parentPort.postMessage({ bytes: bytes.buffer }, [bytes.buffer]);
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.stack) || e) });
  }
});
`;
