/**
 * One ONNX backend node test (`<test>/model.onnx`, `test_data_set_0/input_N.pb`, `output_N.pb`), read
 * with onnx-proto, and the model rewrite the harness applies before compiling it: inputs the op needs at
 * compile time become initializers holding the test's own data (CONFORMANCE.md, "Harness policy").
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { onnx } from "../src/1-decode/onnx-builder.js";

export type ModelProto = InstanceType<typeof onnx.ModelProto>;
export type TensorProto = InstanceType<typeof onnx.TensorProto>;

export interface NodeTest {
  name: string;
  dir: string;
  model: ModelProto;
  /** Graph inputs that are not initializers, in order, with the test's tensor for each. */
  inputs: { name: string; tensor: TensorProto }[];
  /** Expected value of every graph output, in order. */
  outputs: { name: string; tensor: TensorProto }[];
}

export function readModelProto(path: string): ModelProto {
  return onnx.ModelProto.decode(readFileSync(path));
}

function readPbs(dir: string, prefix: "input" | "output"): TensorProto[] {
  const out: TensorProto[] = [];
  for (let i = 0; existsSync(join(dir, `${prefix}_${i}.pb`)); i++)
    out.push(onnx.TensorProto.decode(readFileSync(join(dir, `${prefix}_${i}.pb`))));
  return out;
}

/** Read a test folder; throws (a plain Error) when the folder is not a well-formed test. */
export function readNodeTest(dir: string, name: string): NodeTest {
  const model = readModelProto(join(dir, "model.onnx"));
  const g = model.graph;
  if (!g) throw new Error("model.onnx has no graph");
  const data = join(dir, "test_data_set_0");
  const ins = readPbs(data, "input");
  const outs = readPbs(data, "output");
  const inits = new Set((g.initializer ?? []).map((t) => t.name));
  const graphInputs = (g.input ?? []).filter((v) => !inits.has(v.name));
  // Optional trailing inputs may have no data: the backend runner feeds inputs by position.
  if (ins.length > graphInputs.length)
    throw new Error(`${ins.length} input_N.pb files for ${graphInputs.length} graph inputs`);
  if (outs.length !== (g.output ?? []).length)
    throw new Error(`${outs.length} output_N.pb files for ${(g.output ?? []).length} graph outputs`);
  return {
    name,
    dir,
    model,
    inputs: ins.map((tensor, i) => ({ name: graphInputs[i]?.name ?? "", tensor })),
    outputs: outs.map((tensor, i) => ({ name: g.output?.[i]?.name ?? "", tensor })),
  };
}

/**
 * The model with the inputs in `bind` moved to initializers (the test's data), the inputs without data
 * dropped (optional), and every remaining input's shape set to its test tensor's dims (so symbolic dims
 * do not fall back to 1).
 */
export function bindInputs(t: NodeTest, bind: ReadonlySet<string>): Uint8Array {
  const model = onnx.ModelProto.decode(onnx.ModelProto.encode(t.model).finish());
  const g = model.graph as InstanceType<typeof onnx.GraphProto>;
  const byName = new Map(t.inputs.map((i) => [i.name, i.tensor]));
  const inits = new Set(g.initializer.map((x) => x.name));
  g.input = g.input.filter((v) => {
    const name = v.name ?? "";
    if (inits.has(name)) return true;
    const data = byName.get(name);
    if (!data) return false;
    if (bind.has(name)) {
      const init = onnx.TensorProto.decode(onnx.TensorProto.encode(data).finish());
      init.name = name;
      g.initializer.push(init);
      return false;
    }
    const tt = v.type?.tensorType;
    if (tt) tt.shape = { dim: data.dims.map((d) => ({ dimValue: d })) };
    return true;
  });
  // Nodes may name optional inputs that no longer exist: an empty name means "absent" in ONNX.
  const known = new Set([...g.input.map((v) => v.name), ...g.initializer.map((x) => x.name)]);
  for (const n of g.node) for (const o of n.output ?? []) known.add(o);
  for (const n of g.node) n.input = (n.input ?? []).map((i) => (known.has(i) ? i : ""));
  return onnx.ModelProto.encode(model).finish();
}
