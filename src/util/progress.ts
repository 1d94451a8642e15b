// a one-line progress bar on stderr, drawn only when stderr is a terminal.

export interface Progress {
  tick(n?: number): void;
  done(): void;
}

/**
 * A progress bar for long runs; silent when stderr is not a terminal (pipes, CI).
 *
 * @example
 * import { progress } from "./progress.js";
 * const bar = progress("planning", 1000);
 * for (let i = 0; i < 1000; i++) bar.tick();
 * bar.done();
 */
export function progress(label: string, total?: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let count = 0;
  let last = 0;
  const start = Date.now();
  const draw = () => {
    const secs = (Date.now() - start) / 1000;
    const rate = secs > 0 ? Math.round(count / secs) : 0;
    let line: string;
    if (total !== undefined && total > 0) {
      const width = 24;
      const filled = Math.min(width, Math.round((count / total) * width));
      line = `${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${count}/${total} · ${rate}/s`;
    } else {
      line = `${label} ${count} · ${rate}/s`;
    }
    stream.write(`\r${line}\x1b[K`);
  };
  return {
    tick(n = 1) {
      count += n;
      if (!tty) return;
      const now = Date.now();
      if (now - last > 100) {
        last = now;
        draw();
      }
    },
    done() {
      if (!tty) return;
      draw();
      stream.write("\n");
    },
  };
}
