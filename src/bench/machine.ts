import os from "node:os";
import ort from "onnxruntime-node";
import type { Machine } from "./types.js";

/** The machine a run measured on, for the report (times only compare on the same machine). */
export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    mhz: cpus[0]?.speed ?? 0,
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.arch()}`,
    release: os.release(),
    node: process.version,
    onnxruntime: ort.env.versions.node ?? ort.env.versions.common,
  };
}

export function machineLine(m: Machine): string {
  const gib = (m.memoryBytes / 2 ** 30).toFixed(1);
  return `${m.cpu} (${m.cores} logical core${m.cores === 1 ? "" : "s"}${m.mhz ? `, ${m.mhz} MHz` : ""}), ${gib} GiB RAM, ${m.platform} ${m.release}, Node ${m.node}, onnxruntime-node ${m.onnxruntime}`;
}
