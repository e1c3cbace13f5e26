/** What a command may touch of the process: injected, so tests run the CLI in-process. */
import pc from 'picocolors';

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** stdout is a terminal: colour and live progress are allowed. */
  readonly isTTY: boolean;
  /** Where `.pipeform/` (ledger, embedded sandbox) lives and relative paths in plan files start. */
  readonly cwd: string;
  /** Asks a question on the terminal; resolves with the answer line (only called when isTTY). */
  ask(question: string): Promise<string>;
  /** Resolves on SIGINT or SIGTERM: long-running commands (the sandbox) stop cleanly then. */
  untilInterrupted(): Promise<void>;
}

export type Colors = ReturnType<typeof pc.createColors>;

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org). */
export function colorsFor(io: CliIo): Colors {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  return pc.createColors(io.isTTY && !noColor);
}
