/** numpy-style (ONNX multidirectional) broadcast of two shapes; undefined when incompatible. */
export function broadcastShapes(a: number[], b: number[]): number[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** For each flat index of `outShape`, the flat index of the broadcast source element of `inShape`. */
export function broadcastIndex(outShape: number[], inShape: number[]): Int32Array {
  const n = outShape.reduce((x, y) => x * y, 1);
  const rank = outShape.length;
  const inStrides: number[] = new Array(rank).fill(0);
  let s = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const r = rank - inShape.length + i;
    inStrides[r] = inShape[i] === 1 ? 0 : s;
    s *= inShape[i] as number;
  }
  const out = new Int32Array(n);
  const idx: number[] = new Array(rank).fill(0);
  for (let f = 0; f < n; f++) {
    let src = 0;
    for (let r = 0; r < rank; r++) src += (idx[r] as number) * (inStrides[r] as number);
    out[f] = src;
    for (let r = rank - 1; r >= 0; r--) {
      idx[r] = (idx[r] as number) + 1;
      if ((idx[r] as number) < (outShape[r] as number)) break;
      idx[r] = 0;
    }
  }
  return out;
}
