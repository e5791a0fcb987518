import { ratio, secs } from "../bench/format.js";
import type { ProgressEvent } from "../bench/model.js";

/**
 * Progress of `zkmlc bench` on a terminal: an activity that has lasted more than a second gets a live
 * line with its elapsed time, finished when the activity ends; each model ends with a one-line summary.
 */
export function benchProgress(out: NodeJS.WriteStream = process.stderr): (e: ProgressEvent) => void {
  let label = "";
  let started = 0;
  let shown = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const draw = () => {
    shown = true;
    out.write(`\x1b[2K\r  ${label} ${secs((performance.now() - started) / 1000)}`);
  };
  const end = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (shown) {
      draw();
      out.write("\n");
    }
    shown = false;
  };
  const begin = (l: string) => {
    end();
    label = l;
    started = performance.now();
    timer = setTimeout(() => {
      draw();
      timer = setInterval(draw, 250);
    }, 1000);
  };
  return (e) => {
    switch (e.type) {
      case "model-start":
        end();
        out.write(`${e.name} (${e.index + 1}/${e.total})\n`);
        break;
      case "step-start":
        begin(`run ${e.run}/${e.runs} ${e.step}`);
        break;
      case "step-end":
        end();
        break;
      case "phase":
        begin(e.phase);
        break;
      case "model-end": {
        end();
        const r = e.result;
        out.write(
          r.status === "ok"
            ? `  ${r.constraints} constraints, prove ${secs(r.time?.prove.median)}, ${ratio(r.proveOverNative)} native inference\n`
            : `  skipped: ${r.skipped?.message}\n`,
        );
        break;
      }
    }
  };
}
