/**
 * The Lambda function's capture sink: one captured prediction, one line on stdout. The function's log group ships
 * the lines (and only them: its subscription filter matches {@link CAPTURE_LOG_FILTER}) to a Firehose stream that
 * unpacks them into `capture/<function>/live/<hour>/` of the records bucket (`lib/lambda-capture.ts`). Writing a line
 * is all the request pays: no network call, no buffer to lose when the execution environment is frozen or ends.
 */
import type { CaptureSink, CapturedLine } from '../serving/prediction-capture';

/**
 * Longest line written: CloudWatch Logs' event limit (256 KiB, of which 26 bytes are overhead) with room to spare.
 * Lambda would cut a longer line into pieces, none of them JSON; such a record is dropped and reported.
 */
export const MAX_CAPTURE_LINE_BYTES = 256 * 1024 - 1024;

/**
 * The filter pattern of the subscription that selects captured predictions among the function's log lines (logs
 * and EMF lines carry no `eventVersion`): written once, used by the construct and checked by the tests.
 */
export const CAPTURE_LOG_FILTER = '{ ($.eventVersion = "0") && ($.eventMetadata.eventId = "*") }';

export interface LogLineSinkOptions {
  /** Writes one line (with its newline). @default process.stdout.write */
  readonly write?: (text: string) => void;
  /** Told once, at the first record too large to be one log event. @default console.error */
  readonly onDropped?: (message: string) => void;
}

/** A sink writing each record as one line. */
export function logLineSink(options: LogLineSinkOptions = {}): CaptureSink {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const onDropped = options.onDropped ?? ((message: string) => console.error(message));
  let warned = false;
  return {
    write({ line }: CapturedLine): void {
      // Characters are at most 3 bytes in UTF-16-to-UTF-8 terms; count exactly only when it could matter.
      if (line.length * 3 > MAX_CAPTURE_LINE_BYTES && Buffer.byteLength(line) > MAX_CAPTURE_LINE_BYTES) {
        if (!warned) {
          warned = true;
          onDropped(
            `modelstack: a captured prediction of ${Buffer.byteLength(line)} bytes was not captured: a log event holds at most ${MAX_CAPTURE_LINE_BYTES} bytes; ` +
              'smaller batches are captured (this is reported once per execution environment)',
          );
        }
        return;
      }
      write(`${line}\n`);
    },
  };
}
