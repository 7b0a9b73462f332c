// Anything a peer sends that does not decode (truncated frame, impossible length or count, bad
// varint) is a ProtocolError: the connection layer closes that connection and the server keeps
// running. Never thrown for our own encoding bugs' sake alone: those are plain Errors.
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'
  constructor(message: string) {
    super(message)
  }
}
