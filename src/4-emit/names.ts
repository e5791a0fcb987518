/** Circom identifiers for graph inputs/outputs: prefixed (so `input` and other keywords are safe) and unique. */
export function circuitNames(prefix: string, onnxNames: string[]): string[] {
  const used = new Set<string>();
  return onnxNames.map((n) => {
    const base = `${prefix}_${n.replace(/[^A-Za-z0-9_]/g, "_")}`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  });
}

/** The signal array that holds tensor `id` inside the model template. */
export function tensorSignal(id: number): string {
  return `t${id}`;
}
