// Sends one four-letter word on a fresh TCP connection and reads the reply until the server closes,
// as zktop.py does. The write side is half-closed after the word (zktop.py's default; --fix_330
// keeps it open for ZooKeeper 3.3.0, which closed early on a half-closed socket).
import {connect} from 'node:net'

export class FourLetterNetworkError extends Error {
  constructor(readonly host: string, readonly port: number, message: string, readonly code?: string) {
    super(message)
    this.name = 'FourLetterNetworkError'
  }
}

export interface FourLetterOptions {
  timeoutMs?: number
  halfClose?: boolean
  /** Replies larger than this are cut (mntr grows with the number of top-level znodes). */
  maxBytes?: number
}

export function sendFourLetterWord(host: string, port: number, word: string, opts: FourLetterOptions = {}): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 5000
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const socket = connect({host, port})
    const finish = (error?: Error): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      if (error) reject(error)
      else resolve(Buffer.concat(chunks).toString('utf8'))
    }
    const timer = setTimeout(() => {
      finish(new FourLetterNetworkError(host, port, `no answer to '${word}' within ${timeoutMs / 1000}s`, 'ETIMEDOUT'))
    }, timeoutMs)
    socket.on('connect', () => {
      socket.write(word)
      if (opts.halfClose !== false) socket.end()
    })
    socket.on('data', (chunk: Buffer) => {
      if (size >= maxBytes) return
      chunks.push(chunk)
      size += chunk.length
    })
    socket.on('end', () => finish())
    socket.on('close', () => finish())
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the whole reply arrived still leaves a usable reply.
      if (error.code === 'ECONNRESET' && size > 0) return finish()
      finish(new FourLetterNetworkError(host, port, describeNetworkError(error, host, port), error.code))
    })
  })
}

export function describeNetworkError(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case 'ECONNREFUSED': return `connection refused by ${host}:${port}`
    case 'ENOTFOUND': return `unknown host ${host}`
    case 'EAI_AGAIN': return `cannot resolve ${host} (temporary DNS failure)`
    case 'ECONNRESET': return `connection reset by ${host}:${port}`
    case 'EHOSTUNREACH': return `host ${host} unreachable`
    case 'ENETUNREACH': return `network unreachable for ${host}`
    case 'ETIMEDOUT': return `connection to ${host}:${port} timed out`
    default: return error.message
  }
}
