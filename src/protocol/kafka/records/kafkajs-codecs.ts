// Plugs our snappy, lz4 and zstd codecs into kafkajs, which ships only gzip. The tools call this
// once before creating producers and consumers; kafkajs then reads and writes batches with the
// same framing as compression.ts (snappy: raw out, raw or xerial in; lz4: frames with independent
// blocks; zstd: frames with or without a content size).
// kafkajs is CJS: CompressionCodecs is only reachable through the default import.
import kafkajs from 'kafkajs'
import {CompressionType, compress, decompress} from './compression.js'

type KafkajsCodec = () => {compress(encoder: {buffer: Buffer}): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer>}

function codec(type: number): KafkajsCodec {
  const impl = {
    compress: (encoder: {buffer: Buffer}) => compress(type, encoder.buffer),
    decompress: (buffer: Buffer) => decompress(type, buffer),
  }
  return () => impl
}

let registered = false

/** Registers snappy, lz4 and zstd with kafkajs's CompressionCodecs (idempotent). */
export function registerKafkajsCodecs(): void {
  if (registered) return
  const {CompressionCodecs, CompressionTypes} = kafkajs as unknown as {
    CompressionCodecs: Record<number, KafkajsCodec>
    CompressionTypes: {Snappy: number; LZ4: number; ZSTD: number}
  }
  CompressionCodecs[CompressionTypes.Snappy] = codec(CompressionType.SNAPPY)
  CompressionCodecs[CompressionTypes.LZ4] = codec(CompressionType.LZ4)
  CompressionCodecs[CompressionTypes.ZSTD] = codec(CompressionType.ZSTD)
  registered = true
}
