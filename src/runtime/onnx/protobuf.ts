// a minimal protobuf writer: enough wire format (varint, fixed32, length-delimited) to emit ONNX models.

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_BYTES = 2;

const encoder = new TextEncoder();

/**
 * Builds one protobuf message as a list of byte chunks; nested messages are written with `message()`.
 * Integers are written as varints (negative int64 values as ten-byte two's complement), repeated scalars unpacked.
 *
 * @example
 * import { ProtoWriter } from "./protobuf.js";
 * const w = new ProtoWriter().int(1, 8).string(2, "omnispec");
 * w.bytes(); // Uint8Array [8, 8, 18, 8, 111, ...]
 */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  private length = 0;

  /** a varint field (int32, int64, enum, bool) */
  int(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  /** a fixed32 float field */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.pushBytes(b);
    return this;
  }

  /** a UTF-8 string field */
  string(field: number, value: string): this {
    return this.raw(field, encoder.encode(value));
  }

  /** a length-delimited field holding raw bytes */
  raw(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_BYTES);
    this.varint(value.length);
    this.pushBytes(value);
    return this;
  }

  /** a nested message field */
  message(field: number, value: ProtoWriter): this {
    return this.raw(field, value.bytes());
  }

  /** the encoded message */
  bytes(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  private varint(value: number | bigint): void {
    let v = typeof value === "bigint" ? value : BigInt(value);
    if (v < 0n) v = BigInt.asUintN(64, v);
    while (v > 0x7fn) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
  }

  private pushBytes(b: Uint8Array): void {
    this.flush();
    this.chunks.push(b);
    this.length += b.length;
  }

  private flush(): void {
    if (this.scratch.length === 0) return;
    this.chunks.push(Uint8Array.from(this.scratch));
    this.length += this.scratch.length;
    this.scratch = [];
  }
}
