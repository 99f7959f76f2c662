/**
 * An output file fed line by line: lines are joined into ~1 MB strings before they reach the stream,
 * and the producer awaits `settle()` between batches so a scale-250 world never queues gigabytes.
 */
import fs from 'node:fs';
import { once } from 'node:events';

const CHUNK_CHARS = 1 << 20;

export class ChunkedFile {
  private parts: string[] = [];
  private size = 0;
  private readonly stream: fs.WriteStream;
  // Registered when a write is refused, so a 'drain' that fires before settle() is not missed.
  private drained: Promise<unknown> | null = null;
  lines = 0;

  constructor(readonly filePath: string) {
    this.stream = fs.createWriteStream(filePath);
  }

  /** Appends one line (the newline is added here). */
  pushLine(line: string): void {
    this.parts.push(line, '\n');
    this.size += line.length + 1;
    this.lines++;
    if (this.size >= CHUNK_CHARS) this.spill();
  }

  /** Waits until the stream has room again. */
  async settle(): Promise<void> {
    if (this.drained) {
      const waiting = this.drained;
      this.drained = null;
      await waiting;
    }
  }

  async close(): Promise<void> {
    this.spill();
    await this.settle();
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
  }

  private spill(): void {
    if (this.size === 0) return;
    const accepted = this.stream.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
    if (!accepted && !this.drained) this.drained = once(this.stream, 'drain');
  }
}

/** One RFC 4180 cell: quoted only when it holds a comma, quote or line break. */
export function formatCsvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
