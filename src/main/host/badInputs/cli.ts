/** Bad command lines: each refused with exit code 2, naming the option or the field. */
import type { CliBadInput } from './types'

const config = JSON.stringify({ kind: 'effectiveness', d: 20, m: 200, k: 4 })

export const cliBadInputs: Omit<CliBadInput, 'channel'>[] = [
  {
    title: 'lab run --name of 201 characters',
    args: ['run', '--config', '{config}', '--name', 'n'.repeat(201)],
    files: { config },
    field: 'name',
    rule: 'name must be at most 200 characters'
  },
  {
    title: 'lab run --name with an escape sequence',
    args: ['run', '--config', '{config}', '--name', 'x\u001b[31m'],
    files: { config },
    field: 'name',
    rule: 'name must not contain control characters'
  },
  {
    title: 'lab run --seed that is not whole',
    args: ['run', '--config', '{config}', '--seed', '1.5'],
    files: { config },
    field: '--seed',
    rule: "--seed must be a whole number (got '1.5')"
  },
  {
    title: 'lab run --config that is not JSON',
    args: ['run', '--config', '{config}'],
    files: { config: '{ kind: effectiveness }' },
    field: '--config',
    rule: 'is not valid JSON'
  },
  {
    title: 'lab run --config with a byte-order mark and a bad k',
    args: ['run', '--config', '{config}'],
    files: { config: '\uFEFF' + JSON.stringify({ kind: 'effectiveness', d: 20, k: 500 }) },
    field: 'k',
    rule: 'k must be at most d (got k=500, d=20)'
  },
  {
    title: 'lab export --width of 30 inches',
    args: ['export', '--run', '1', '--chart', 'asr', '--format', 'png', '--width', '30'],
    field: '--width',
    rule: "--width must be 1.5 to 20 inches (got '30')"
  },
  {
    title: 'lab export --dpi 72',
    args: ['export', '--run', '1', '--chart', 'asr', '--format', 'png', '--dpi', '72'],
    field: '--dpi',
    rule: "--dpi must be 300 or 600 (got '72')"
  },
  {
    title: 'lab export --run of words',
    args: ['export', '--run', 'a,b', '--chart', 'asr', '--format', 'csv'],
    field: '--run',
    rule: "--run takes run ids separated by commas (got 'a,b')"
  },
  {
    title: 'lab import-bundle of a file that is not a bundle',
    args: ['import-bundle', '--in', '{bundle}'],
    files: { bundle: 'name,value\nx,1\n' },
    field: '--in',
    rule: 'this is not a Backdoor Lab bundle'
  }
]
