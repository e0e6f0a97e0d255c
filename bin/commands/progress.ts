/**
 * Progress of long work on standard error: a bar that redraws itself on a terminal, plain lines otherwise (a CI
 * log), at most one line per 10 % then.
 */
import type { CliContext } from '../cli-contract';

export interface ProgressUpdate {
  readonly done: number;
  readonly total: number;
  /** E.g. `1,024 rows`. */
  readonly detail: string;
}

const BAR_WIDTH = 30;

/** A progress reporter for `label`; call `finish()` when the work is done. */
export function progressReporter(context: CliContext, label: string, write: (text: string) => void = (t) => process.stderr.write(t)): {
  update: (update: ProgressUpdate) => void;
  finish: () => void;
} {
  let lastTenth = -1;
  let drawn = false;
  return {
    update({ done, total, detail }: ProgressUpdate): void {
      const share = total === 0 ? 1 : Math.min(1, done / total);
      if (context.interactive) {
        const filled = Math.round(share * BAR_WIDTH);
        write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(share * 100).toFixed(0).padStart(3)} % ${detail}`);
        drawn = true;
        return;
      }
      const tenth = Math.floor(share * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        context.stderr(`${label}: ${(share * 100).toFixed(0)} % (${detail})`);
      }
    },
    finish(): void {
      if (drawn) write('\n');
    },
  };
}
