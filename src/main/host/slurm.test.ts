/**
 * The Slurm job's text, read by the tools that read it: bash parses the job script and gets back
 * exactly the paths written into it, and an --array list names the tasks Slurm reads from it.
 * (The job itself runs on a real cluster in cliSlurm.test.ts.)
 */
import { spawnSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectDir } from './paths'
import { arraySpec, jobScript, labProject, shellWord, taskIds } from './slurm'

const root = resolve(__dirname, '../../..')

describe('the Slurm job', () => {
  it('writes --array as ranges that read back as the same tasks', () => {
    expect(arraySpec([1, 2, 3, 5, 7, 8])).toBe('1-3,5,7-8')
    expect(arraySpec([4])).toBe('4')
    expect(arraySpec([3, 1, 2, 2])).toBe('1-3')
    for (const tasks of [
      [1],
      [2, 3],
      [1, 3, 4, 5, 9, 10, 12],
      Array.from({ length: 40 }, (_, i) => 2 * i + 1)
    ])
      expect(taskIds(arraySpec(tasks))).toEqual(tasks)
    // Slurm's own record of tasks that never ran: "1-3,5%2" (at most 2 at once).
    expect(taskIds('1-3,5%2')).toEqual([1, 2, 3, 5])
  })

  it('quotes words so that bash reads them back unchanged', () => {
    for (const word of [
      '/plain/path',
      "it's here",
      'a b',
      '$HOME',
      '`x`',
      '"q"',
      'x;rm -rf y',
      'é ü'
    ])
      expect(
        spawnSync('bash', ['-c', `printf %s ${shellWord(word)}`], { encoding: 'utf8' }).stdout
      ).toBe(word)
  })

  it('writes a script bash parses, that runs the lab on its shard with the folder given', () => {
    const dir = "/shared/it's a $folder/sweep-3"
    const script = jobScript({ dir, shards: 4, sweepId: 3, sweepName: 'θ\nsweep', db: '/x/lab.db' })
    const parsed = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' })
    expect(parsed.status, parsed.stderr).toBe(0)
    expect(script).toContain(`--dir ${shellWord(dir)} --shard "$task/4"`)
    expect(script).toContain(`\ncd ${shellWord(root)} || finish 1\n`)
    expect(script).toMatch(/^npm run -s lab -- sweep-shard /m)
    expect(script).toContain(
      `export PATH=${shellWord(process.execPath.replace(/\/node$/, ''))}:$PATH`
    )
    // A name on two lines stays in its comment.
    expect(script.split('\n').filter((line) => line.includes('sweep'))[0]).toMatch(
      /^# Sweep 3 \(θ sweep\)/
    )
  })

  it('runs from the project folder, found from the source and from the built bundle alike', () => {
    expect(labProject()).toBe(root)
    expect(projectDir(__dirname)).toBe(root)
    expect(projectDir(join(root, 'out', 'main'))).toBe(root)
    expect(projectDir(join(root, 'out', 'main', 'chunks'))).toBe(root)
    expect(projectDir('/')).toBeNull()
  })
})
