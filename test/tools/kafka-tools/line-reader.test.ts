import {describe, expect, it} from 'vitest'
import {LineReader, LineSplitter, readerConfig} from '../../../src/tools/console-producer/line-reader.js'

const reader = (props: Record<string, string>) => new LineReader(readerConfig(new Map(Object.entries(props))))
const text = (b: Buffer | null) => (b === null ? null : b.toString())

describe('LineReader (kafka-console-producer line reader)', () => {
  it('parses headers, key and value with the defaults', () => {
    const r = reader({'parse.key': 'true', 'parse.headers': 'true'}).parse('h1:v1,h2:v2\tk\tv', 1)
    expect(r.headers!.map((h) => [h.key, text(h.value)])).toEqual([['h1', 'v1'], ['h2', 'v2']])
    expect(text(r.key)).toBe('k')
    expect(text(r.value)).toBe('v')
  })
  it("reads ':\\t\\t' as one empty header, empty key and empty value", () => {
    const r = reader({'parse.key': 'true', 'parse.headers': 'true'}).parse(':\t\t', 1)
    expect(r.headers!.map((h) => [h.key, text(h.value)])).toEqual([['', '']])
    expect(text(r.key)).toBe('')
    expect(text(r.value)).toBe('')
  })
  it('keeps an empty value after the key separator and honours multi-character separators', () => {
    expect(text(reader({'parse.key': 'true'}).parse('key\t', 1).value)).toBe('')
    const r = reader({'parse.key': 'true', 'key.separator': '::'}).parse('a::b::c', 1)
    expect([text(r.key), text(r.value)]).toEqual(['a', 'b::c'])
  })
  it("reports Kafka's errors with line numbers", () => {
    expect(() => reader({'parse.key': 'true'}).parse('nokey', 3)).toThrow("No key separator found on line number 3: 'nokey'")
    expect(() => reader({'parse.headers': 'true'}).parse('x', 2)).toThrow("No headers delimiter found on line number 2: 'x'")
    expect(() => reader({'parse.headers': 'true'}).parse('h1\tv', 1)).toThrow("No header key separator found in pair 'h1' on line number 1")
    expect(() => reader({'parse.headers': 'true', 'null.marker': 'N'}).parse('N:v\tv', 1)).toThrow("Header keys should not be equal to the null marker 'N' as they can't be null")
  })
  it('turns the null marker into null keys, values and header values', () => {
    const r = reader({'parse.key': 'true', 'parse.headers': 'true', 'null.marker': '<null>'}).parse('h:<null>\t<null>\t<null>', 1)
    expect([text(r.key), text(r.value), text(r.headers![0]!.value)]).toEqual([null, null, null])
  })
  it('with ignore.error keeps the rest of the line as the value', () => {
    const r = reader({'parse.key': 'true', 'ignore.error': 'true'}).parse('whole line', 1)
    expect([text(r.key), text(r.value)]).toEqual([null, 'whole line'])
    const h = reader({'parse.headers': 'true', 'ignore.error': 'true'}).parse('a,b:1\tv', 1)
    expect(h.headers!.map((x) => [x.key, text(x.value)])).toEqual([['a', null], ['b', '1']])
  })
  it('refuses conflicting separators at start-up', () => {
    expect(() => readerConfig(new Map([['parse.headers', 'true'], ['headers.delimiter', ','], ['headers.separator', ',']]))).toThrow('headers.delimiter and headers.separator may not be equal')
    expect(() => readerConfig(new Map([['parse.key', 'true'], ['null.marker', '\t']]))).toThrow('null.marker and key.separator may not be equal')
  })
})

describe('LineSplitter', () => {
  it("splits like Java's readLine across chunks, with CRLF and a last line without newline", () => {
    const s = new LineSplitter()
    const lines: string[] = []
    s.push(Buffer.from('a\r\nb'), (l) => lines.push(l.toString()))
    s.push(Buffer.from('c\n\nd'), (l) => lines.push(l.toString()))
    s.end((l) => lines.push(l.toString()))
    expect(lines).toEqual(['a', 'bc', '', 'd'])
  })
})
