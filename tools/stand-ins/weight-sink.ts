import { closeSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { SeededRandom } from "../tiny-models/graph-builder.js";
import type { ExternalLocation } from "../tiny-models/onnx-writer.js";

/**
 * Tensors start on 4 KiB boundaries, as `onnx.external_data_helper` lays them out (align_offset: page
 * size), so that onnxruntime can memory-map them in place.
 */
const ALIGNMENT = 4096;

/** Bytes written per `writeSync` call: big enough to be fast, small enough to keep memory flat. */
const CHUNK_BYTES = 8 << 20;

/**
 * The values a stand-in's weights repeat. Only cost matters, so one 8 MiB block of random bytes and one
 * of small random floats are written over and over, from a different phase for each tensor; a 4-bit or
 * float kernel runs at the same speed whatever the values, as long as they are finite and not denormal.
 */
export class WeightPatterns {
  readonly bytes: Uint8Array;
  readonly floats: Uint8Array;

  constructor(seed: number) {
    const random = new SeededRandom(seed);
    const words = new Uint32Array(CHUNK_BYTES / 4);
    for (let index = 0; index < words.length; index++) words[index] = random.uniform() * 2 ** 32;
    this.bytes = new Uint8Array(words.buffer);
    // Uniform in ±0.04 (std 0.023, like a trained projection's initialiser): no denormals, no overflow.
    const floats = random.uniforms(CHUNK_BYTES / 4, -0.04, 0.04);
    this.floats = new Uint8Array(floats.buffer);
  }
}

/**
 * Appends tensors to one external data file (`<model>.onnx_data`) as they are made, so that a model of
 * several gigabytes is written without holding its weights in memory. Returns where each tensor went, for
 * the initializer's `external` field.
 */
export class ExternalDataWriter {
  private readonly fd: number;
  private offset = 0;
  private phase = 0;
  /** Total bytes written, padding included. */
  bytesWritten = 0;

  constructor(readonly filePath: string) {
    this.fd = openSync(filePath, "w");
  }

  /** The file name tensors record as their `location`: onnxruntime resolves it next to the .onnx file. */
  get location(): string {
    return path.basename(this.filePath);
  }

  /** Writes these exact bytes. */
  append(data: Uint8Array): ExternalLocation {
    const start = this.align();
    this.write(data);
    return { location: this.location, offset: start, length: data.byteLength };
  }

  /** Writes `length` bytes cut from `pattern`, starting at a phase that differs from tensor to tensor. */
  appendPattern(length: number, pattern: Uint8Array): ExternalLocation {
    const start = this.align();
    // Keep float patterns on 4-byte boundaries so every element stays one of the pattern's floats.
    this.phase = (this.phase + 1_048_573 * 4) % pattern.byteLength;
    let at = this.phase;
    for (let remaining = length; remaining > 0; ) {
      const piece = pattern.subarray(at, at + Math.min(remaining, pattern.byteLength - at));
      this.write(piece);
      remaining -= piece.byteLength;
      at = 0;
    }
    return { location: this.location, offset: start, length };
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.fd);
  }

  private align(): number {
    const padding = (ALIGNMENT - (this.offset % ALIGNMENT)) % ALIGNMENT;
    if (padding > 0) this.write(new Uint8Array(padding));
    return this.offset;
  }

  private write(data: Uint8Array): void {
    for (let done = 0; done < data.byteLength; ) {
      done += writeSync(
        this.fd,
        data,
        done,
        Math.min(CHUNK_BYTES, data.byteLength - done),
        this.offset + done,
      );
    }
    this.offset += data.byteLength;
    this.bytesWritten = this.offset;
  }
}
