import {
  type AttrValue,
  attr,
  buildModel,
  DataType,
  node,
  tensorProto,
  valueInfo,
} from "../../src/1-decode/onnx-builder.js";
import { rng, uniform } from "./op-check.js";

/** Gates per recurrent op: rows of W and R per direction are gates × hidden. */
const GATES = { RNN: 1, GRU: 3, LSTM: 4 } as const;

export interface RecurrentModel {
  op: keyof typeof GATES;
  seq: number;
  batch: number;
  input: number;
  hidden: number;
  directions?: 1 | 2;
  layout?: 0 | 1;
  attrs?: Record<string, AttrValue>;
  /** B (input 3), default true. */
  bias?: boolean;
  /** Constant sequence_lens (input 4). */
  seqLens?: number[];
  /** Initial states as constants (inputs 5 and, for LSTM, 6). */
  initial?: boolean;
  /** Peepholes (LSTM input 7). */
  peepholes?: boolean;
  /** Outputs in order Y, Y_h, Y_c; false leaves one out (an empty name). Default: all. */
  outputs?: boolean[];
  seed?: number;
}

/** One RNN/GRU/LSTM node with random constant weights; X (and nothing else) is the circuit input. */
export function recurrentModel(m: RecurrentModel): Uint8Array {
  const r = rng(m.seed ?? 1);
  const nd = m.directions ?? 1;
  const G = GATES[m.op];
  const { seq, batch, input, hidden: H } = m;
  const w = 1 / Math.sqrt(H + input);
  const init: ReturnType<typeof tensorProto>[] = [
    tensorProto("W", [nd, G * H, input], uniform(r, nd * G * H * input, -w, w)),
    tensorProto("R", [nd, G * H, H], uniform(r, nd * G * H * H, -w, w)),
  ];
  const inputs = ["X", "W", "R", "", "", "", "", ""];
  if (m.bias ?? true) {
    init.push(tensorProto("B", [nd, 2 * G * H], uniform(r, nd * 2 * G * H, -0.3, 0.3)));
    inputs[3] = "B";
  }
  if (m.seqLens) {
    init.push(tensorProto("lens", [batch], m.seqLens, "raw", DataType.INT32));
    inputs[4] = "lens";
  }
  const states = m.op === "LSTM" ? 2 : 1;
  if (m.initial)
    for (let k = 0; k < states; k++) {
      init.push(tensorProto(`init${k}`, [nd, batch, H], uniform(r, nd * batch * H, -0.5, 0.5)));
      inputs[5 + k] = `init${k}`;
    }
  if (m.peepholes) {
    init.push(tensorProto("P", [nd, 3 * H], uniform(r, nd * 3 * H, -0.5, 0.5)));
    inputs[7] = "P";
  }
  while (inputs.at(-1) === "") inputs.pop();

  const layout = m.layout ?? 0;
  const shapes = [
    layout ? [batch, seq, nd, H] : [seq, nd, batch, H],
    layout ? [batch, nd, H] : [nd, batch, H],
    layout ? [batch, nd, H] : [nd, batch, H],
  ].slice(0, 1 + states);
  const wanted = m.outputs ?? shapes.map(() => true);
  const names = shapes.map((_, k) => (wanted[k] ? `out${k}` : ""));
  while (names.at(-1) === "") names.pop();
  return buildModel({
    nodes: [
      node(
        m.op,
        inputs,
        names,
        {
          hidden_size: attr.int(H),
          ...(nd === 2 ? { direction: "bidirectional" } : {}),
          ...(layout ? { layout: attr.int(1) } : {}),
          ...m.attrs,
        },
        "rec",
      ),
    ],
    initializers: init,
    inputs: [valueInfo("X", DataType.FLOAT, layout ? [batch, seq, input] : [seq, batch, input])],
    outputs: names.flatMap((n, k) => (n ? [valueInfo(n, DataType.FLOAT, shapes[k])] : [])),
    opset: layout ? 14 : 13,
  });
}
