/**
 * A copy of an ONNX model whose symbolic batch dimension is fixed, made from the bytes at load time.
 *
 * Why: onnxruntime-web's WebGL backend cannot run a symbolic batch (its first run rejects any input shape) and ignores
 * the `freeDimensionOverrides` session option that wasm and WebGPU honour. Shipping a second, fixed-batch ONNX file
 * would double the download and the checksums to keep in step; rewriting one dimension in the protobuf costs a
 * copy of the bytes and nothing else. Only the declared shapes of the graph's inputs and outputs change, never a
 * weight or a node, so the numbers the model computes are the same.
 */

// Field numbers from onnx.proto: ModelProto.graph, GraphProto.input/output, ValueInfoProto.type,
// TypeProto.tensor_type, TypeProto.Tensor.shape, TensorShapeProto.dim, Dimension.dim_value/dim_param.
const MODEL_GRAPH = 7;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_SHAPE = 2;
const SHAPE_DIM = 1;
const DIM_VALUE = 1;
const DIM_PARAM = 2;

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

interface Field {
  readonly no: number;
  readonly wire: number;
  /** The whole field, tag included, as it stands in the message. */
  readonly raw: Uint8Array;
  /** The contents of a length-delimited field. */
  readonly payload?: Uint8Array;
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const byte = buf[pos++]!;
    value += (byte & 0x7f) * scale; // arithmetic, not bit operations: lengths and int64 values exceed 32 bits
    if (byte < 0x80) return [value, pos];
    scale *= 128;
  }
  throw new Error('varint longer than 10 bytes');
}

function writeVarint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function parseFields(msg: Uint8Array): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  while (pos < msg.length) {
    const start = pos;
    const [tag, afterTag] = readVarint(msg, pos);
    const no = Math.floor(tag / 8);
    const wire = tag % 8;
    pos = afterTag;
    let payload: Uint8Array | undefined;
    if (wire === VARINT) pos = readVarint(msg, pos)[1];
    else if (wire === FIXED64) pos += 8;
    else if (wire === FIXED32) pos += 4;
    else if (wire === LEN) {
      const [length, afterLength] = readVarint(msg, pos);
      pos = afterLength + length;
      payload = msg.subarray(afterLength, pos);
    } else throw new Error(`unsupported protobuf wire type ${wire} (field ${no})`);
    if (no === 0 || pos > msg.length) throw new Error('not a protobuf message (bad tag or truncated field)');
    fields.push({ no, wire, raw: msg.subarray(start, pos), ...(payload ? { payload } : {}) });
  }
  return fields;
}

function concat(parts: readonly (Uint8Array | number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Re-encodes `msg`, replacing the payload of every length-delimited field for which `edit` returns new bytes. */
function editMessage(msg: Uint8Array, edit: (field: Field, payload: Uint8Array) => Uint8Array | undefined): Uint8Array {
  const parts: (Uint8Array | number[])[] = [];
  let changed = false;
  for (const f of parseFields(msg)) {
    const replaced = f.payload ? edit(f, f.payload) : undefined;
    if (replaced === undefined || replaced === f.payload) parts.push(f.raw);
    else {
      changed = true;
      parts.push(writeVarint(f.no * 8 + LEN), writeVarint(replaced.length), replaced);
    }
  }
  return changed ? concat(parts) : msg;
}

const within = (no: number, inner: (payload: Uint8Array) => Uint8Array) => (f: Field, payload: Uint8Array) => (f.no === no ? inner(payload) : undefined);

/**
 * Returns the model bytes with `batch` as the first dimension of every graph input and output whose first dimension is
 * symbolic (dim_param), and how many it fixed. Throws an Error when the bytes are not an ONNX model.
 */
export function withFixedBatch(model: Uint8Array, batch: number): { model: Uint8Array; fixed: number } {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  let fixed = 0;
  const fixDim = (dim: Uint8Array): Uint8Array => {
    const fields = parseFields(dim);
    if (!fields.some((f) => f.no === DIM_PARAM) || fields.some((f) => f.no === DIM_VALUE)) return dim;
    fixed++;
    // dim_param and dim_value are a oneof: drop the name, keep anything else (a denotation).
    return concat([writeVarint(DIM_VALUE * 8 + VARINT), writeVarint(batch), ...fields.filter((f) => f.no !== DIM_PARAM).map((f) => f.raw)]);
  };
  const fixShape = (shape: Uint8Array): Uint8Array => {
    let first = true;
    return editMessage(shape, (f, payload) => {
      if (f.no !== SHAPE_DIM || !first) return undefined;
      first = false;
      return fixDim(payload);
    });
  };
  const fixValueInfo = within(VALUE_INFO_TYPE, (type) => editMessage(type, within(TYPE_TENSOR, (tensor) => editMessage(tensor, within(TENSOR_SHAPE, fixShape)))));
  const fixGraph = (graph: Uint8Array): Uint8Array =>
    editMessage(graph, (f, payload) => (f.no === GRAPH_INPUT || f.no === GRAPH_OUTPUT ? editMessage(payload, fixValueInfo) : undefined));
  let sawGraph = false;
  const out = editMessage(model, (f, payload) => {
    if (f.no !== MODEL_GRAPH) return undefined;
    sawGraph = true;
    return fixGraph(payload);
  });
  if (!sawGraph) throw new Error('not an ONNX model (no graph)');
  return { model: out, fixed };
}
