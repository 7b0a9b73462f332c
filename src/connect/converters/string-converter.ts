// org.apache.kafka.connect.storage.StringConverter: a value's string form as UTF-8, and back to an
// optional string. converter.encoding is accepted; UTF-8 is what this worker writes.
import {DataException, Schemas, connectToString, type Schema} from '../data.js'
import type {Converter, SchemaAndValue} from './converter.js'

export class StringConverter implements Converter {
  private encoding: BufferEncoding = 'utf8'

  configure(configs: Record<string, string>): void {
    const enc = (configs['converter.encoding'] ?? 'UTF-8').toLowerCase().replace('-', '')
    if (!['utf8', 'latin1', 'ascii', 'utf16le'].includes(enc)) throw new DataException(`Unsupported converter.encoding: ${configs['converter.encoding']}`)
    this.encoding = enc as BufferEncoding
  }

  fromConnectData(_topic: string, _schema: Schema | null, value: unknown): Buffer | null {
    return value === null || value === undefined ? null : Buffer.from(connectToString(value), this.encoding)
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return {schema: Schemas.OPTIONAL_STRING, value: bytes === null ? null : bytes.toString(this.encoding)}
  }
}
