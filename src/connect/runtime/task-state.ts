// The states of a connector or a task, as the REST status shows them, and where each may go:
//   UNASSIGNED -> RUNNING | PAUSED | FAILED | STOPPED   (created, not started yet)
//   RUNNING    -> PAUSED | FAILED | RESTARTING | STOPPED | UNASSIGNED
//   PAUSED     -> RUNNING | FAILED | RESTARTING | STOPPED | UNASSIGNED
//   FAILED     -> RESTARTING | RUNNING | STOPPED | UNASSIGNED (restart brings it back)
//   RESTARTING -> RUNNING | PAUSED | FAILED | STOPPED
//   STOPPED    -> RUNNING | PAUSED | UNASSIGNED (connector only: tasks are removed when stopped)
export type InstanceState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING' | 'STOPPED'

const ALLOWED: Record<InstanceState, InstanceState[]> = {
  UNASSIGNED: ['RUNNING', 'PAUSED', 'FAILED', 'STOPPED'],
  RUNNING: ['PAUSED', 'FAILED', 'RESTARTING', 'STOPPED', 'UNASSIGNED'],
  PAUSED: ['RUNNING', 'FAILED', 'RESTARTING', 'STOPPED', 'UNASSIGNED'],
  FAILED: ['RESTARTING', 'RUNNING', 'STOPPED', 'UNASSIGNED'],
  RESTARTING: ['RUNNING', 'PAUSED', 'FAILED', 'STOPPED'],
  STOPPED: ['RUNNING', 'PAUSED', 'UNASSIGNED'],
}

export class StateHolder {
  state: InstanceState = 'UNASSIGNED'
  trace: string | undefined

  transition(to: InstanceState, error?: unknown): void {
    if (to !== this.state && !ALLOWED[this.state].includes(to)) throw new Error(`illegal state transition ${this.state} -> ${to}`)
    this.state = to
    this.trace = to === 'FAILED' ? (error instanceof Error ? error.stack ?? error.message : String(error)) : undefined
  }
}
