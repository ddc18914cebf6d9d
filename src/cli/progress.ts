/** A progress line on stderr: redrawn in place on a terminal, a line per tenth of the work otherwise. */

/** Reports progress of `total` units of work. */
export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

/** A progress reporter for `what` ("images", "MB"), writing to `stream` (stderr by default). */
export function createProgress(
  what: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const started = Date.now();
  let lastStep = -1;
  let drawn = false;
  const line = (done: number, count: number): string => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const percent = count > 0 ? Math.floor((done / count) * 100) : 100;
    return `${done}/${count} ${what} (${percent}%, ${seconds} s)`;
  };
  return {
    update(done, count = total) {
      if (stream.isTTY) {
        stream.write(`\r${line(done, count)}`);
        drawn = true;
        return;
      }
      const step = Math.floor((done / Math.max(count, 1)) * 10);
      if (step !== lastStep) {
        lastStep = step;
        stream.write(`${line(done, count)}\n`);
      }
    },
    finish() {
      if (drawn) stream.write("\n");
    },
  };
}
