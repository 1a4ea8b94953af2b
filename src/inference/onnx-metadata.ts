/**
 * Reads `metadata_props` (the key/value pairs training/export_onnx.py writes: patchSize, levels, inFocusMaxLevel,
 * scaling, version …) from ONNX bytes. onnxruntime-web has no API for them, so this walks the top level of the
 * ModelProto protobuf: it decodes only field 14 (repeated StringStringEntryProto {1: key, 2: value}) and skips every
 * other field by its wire type, without looking inside the graph. Read-only; it never rewrites a model.
 * Wire format: https://protobuf.dev/programming-guides/encoding/ ; field numbers: onnx/onnx.proto (ModelProto).
 */

const METADATA_PROPS = 14;

class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  /** A varint as a JS number (exact up to 2^53; longer values are only ever skipped here). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.bytes[this.pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  /** The [start, end) of a length-delimited field's payload; moves past it. */
  span(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw new Error(`field of ${length} bytes runs past the end`);
    this.pos = start + length;
    return [start, this.pos];
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.advance(8);
    else if (wireType === 2) this.span();
    else if (wireType === 5) this.advance(4);
    else throw new Error(`unsupported protobuf wire type ${wireType}`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new Error('truncated fixed-size field');
    this.pos += n;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function readEntry(bytes: Uint8Array, start: number, end: number): [string, string] {
  const r = new Reader(bytes, start, end);
  let key = '';
  let value = '';
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    if ((field === 1 || field === 2) && tag % 8 === 2) {
      const [s, e] = r.span();
      const text = utf8.decode(bytes.subarray(s, e));
      if (field === 1) key = text;
      else value = text;
    } else r.skip(tag % 8);
  }
  return [key, value];
}

/**
 * The model's metadata_props as a plain record (later duplicates win, as in protobuf). Throws an Error saying what is
 * wrong when the bytes are not a well-formed protobuf message at the top level.
 */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const r = new Reader(bytes);
  const props: Record<string, string> = {};
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag < 8) throw new Error(`invalid protobuf tag ${tag} at byte ${r.pos}`);
    if (Math.floor(tag / 8) === METADATA_PROPS && tag % 8 === 2) {
      const [key, value] = readEntry(bytes, ...r.span());
      props[key] = value;
    } else r.skip(tag % 8);
  }
  return props;
}
