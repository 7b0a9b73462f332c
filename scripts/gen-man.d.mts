// Types for scripts/gen-man.mjs, so that the man-page test can call it from TypeScript.
export interface CommandInfo {
  id: string
  summary?: string
  description?: string
  status?: string
  hiddenAliases?: string[]
  examples?: unknown[]
  args?: Record<string, {description?: string; required?: boolean}>
  flags?: Record<string, {char?: string; type: string; hidden?: boolean; aliases?: string[]; description?: string}>
}
export function loadCommands(dir: string, ext: string): Promise<CommandInfo[]>
export function renderAll(commands: CommandInfo[], version: string): Map<string, string>
export function renderReadmeTable(commands: CommandInfo[]): string
export function spliceReadme(readme: string, table: string): string
export const README_START: string
export const README_END: string
