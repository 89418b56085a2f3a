/**
 * The LaTeX export compiles and says what the CSV says: every chart of every kind, alone and
 * four runs compared, is compiled with pdflatex at a column's and a page's width (no error, no
 * line wider than the text, the axis titles in the PDF), and the numbers of its `\addplot`
 * tables are the CSV export's, row by row.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { figureCases, type FigureCase } from '../testing/figureCases'
import { plottedCsv } from './data'
import { paperFigure } from './layout'
import { renderTex } from './tex'
import { texText, texTick } from './texText'
import { labWithRuns, type LabWithRuns } from '../testing/labWithRuns'

let fixture: LabWithRuns
let cases: FigureCase[]
let dir: string

beforeAll(async () => {
  fixture = await labWithRuns()
  cases = figureCases(fixture)
  dir = mkdtempSync(join(os.tmpdir(), 'lab-tex-'))
})
afterAll(() => {
  fixture?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const has = (command: string, args: string[]) => spawnSync(command, args).error === undefined
const pdflatex = has('pdflatex', ['--version'])
const pdftotext = has('pdftotext', ['-v'])

/** One document with every figure on a page of its own, the text as wide as the figures. */
function document(widthInches: number, files: string[]): string {
  return [
    '\\documentclass{article}',
    '\\usepackage[utf8]{inputenc}',
    '\\usepackage{pgfplots}',
    '\\usepgfplotslibrary{fillbetween}',
    '\\pgfplotsset{compat=1.18}',
    `\\setlength{\\textwidth}{${widthInches}in}`,
    '\\setlength{\\oddsidemargin}{0in}',
    '\\setlength{\\paperwidth}{10in}',
    '\\setlength{\\textheight}{9in}',
    '\\pagestyle{empty}',
    '\\begin{document}',
    ...files.map(
      (file) =>
        `\\begin{figure}[p]\\centering\\input{${file}}\\caption{${file}}\\end{figure}\\clearpage`
    ),
    '\\end{document}',
    ''
  ].join('\n')
}

/** The words of an axis title that any PDF text extraction keeps: Latin words and Greek letters. */
function titleWords(title: string[]): string[] {
  return title.join(' ').match(/[A-Za-z]{2,}|[λθτ]/g) ?? []
}

describe('LaTeX export', () => {
  it.skipIf((!pdflatex || !pdftotext) && !process.env.CI)(
    'every chart of every kind compiles with pdflatex, fits the text width and shows its axis titles',
    () => {
      // On CI, .ci/run installs TeX Live and poppler-utils: a missing pdflatex fails there.
      expect(
        pdflatex,
        'pdflatex (apt-get install texlive-latex-base texlive-pictures texlive-latex-extra) must be installed'
      ).toBe(true)
      expect(pdftotext, 'pdftotext (apt-get install poppler-utils) must be installed').toBe(true)
      expect(cases.length).toBeGreaterThanOrEqual(20)
      // Every chart at a column's width; at a page's, one compared chart of each kind.
      const pageCases = cases.filter(
        (c, i) =>
          c.runs.length === 4 &&
          cases.findIndex((o) => o.runs[0].kind === c.runs[0].kind && o.runs.length === 4) === i
      )
      for (const [widthInches, chosen] of [
        [3.25, cases],
        [6.75, pageCases]
      ] as const) {
        const files = chosen.map((c, i) => {
          const file = `figure-${widthInches}-${i}.tex`
          writeFileSync(join(dir, file), renderTex(c.spec, { widthInches, title: c.name }))
          return file
        })
        const main = `figures-${widthInches}`
        writeFileSync(join(dir, `${main}.tex`), document(widthInches, files))
        const result = spawnSync(
          'pdflatex',
          ['-interaction=nonstopmode', '-halt-on-error', `${main}.tex`],
          { cwd: dir, encoding: 'utf8', timeout: 300_000 }
        )
        expect(result.status, result.stdout.split('\n').slice(-30).join('\n')).toBe(0)
        // A figure wider than the text would be reported as an overfull box.
        expect(result.stdout).not.toMatch(/Overfull \\hbox/)
        const pages = /Output written on .* \((\d+) pages?/.exec(result.stdout)?.[1]
        expect(Number(pages)).toBe(chosen.length)

        const text = spawnSync('pdftotext', ['-layout', `${main}.pdf`, '-'], {
          cwd: dir,
          encoding: 'utf8'
        })
        expect(text.status, text.stderr).toBe(0)
        const perPage = text.stdout.split('\f')
        chosen.forEach((c, i) => {
          const { axes } = paperFigure(c.spec, widthInches)
          for (const word of [...titleWords(axes.x.title), ...titleWords(axes.y.title)]) {
            expect(perPage[i], `${c.name} at ${widthInches} in: "${word}"`).toContain(word)
          }
        })
      }
    }
  )

  it('writes the numbers of the CSV export, row by row, in its \\addplot tables', () => {
    for (const c of cases) {
      const tex = renderTex(c.spec, { widthInches: 3.25 })
      const csv = parse(plottedCsv(c.spec), { columns: true }) as Record<string, string>[]
      const fromTex = texRows(tex)
      const cell = (v: string) => (v === '' ? null : Number(v))
      const expected = csv.map((r) => ({
        series: r.series,
        x: Number(r.x),
        y: cell(r.y),
        lower: cell(r.lower),
        upper: cell(r.upper)
      }))
      // The .tex draws in chart.js's order (bands under curves); the CSV lists in the spec's.
      expect(bySeries(fromTex), c.name).toEqual(bySeries(expected))
      expect(fromTex.length, c.name).toBe(expected.length)
    }
  })

  it('draws bands with fill between, and a note where the numbers cannot say it all', () => {
    const asr = cases.find((c) => c.chart === 'asr' && c.runs.length === 4)!
    const tex = renderTex(asr.spec, { widthInches: 3.25 })
    expect(tex).toMatch(
      /\\addplot\[fill=bdl0072B2, fill opacity=0\.18, [^\]]*\] fill between\[of=bdlpath\d+ and bdlpath\d+\];/
    )
    // Four copies of one run: identical curves, said under the key.
    expect(tex).toContain('Clean network of \\#')
    expect(tex).toContain('identical, drawn over each other.')
  })
})

describe('LaTeX export: TikZ commands', () => {
  it('draws the stronger grid line at 0 of an advantage axis with \\draw', () => {
    const withZeroLine = cases.filter((c) =>
      renderTex(c.spec, { widthInches: 3.25 }).includes('% grid:')
    )
    expect(withZeroLine.map((c) => c.chart)).toContain('advantage')
    for (const c of withZeroLine) {
      const tex = renderTex(c.spec, { widthInches: 3.25 })
      for (const line of tex.split('\n').filter((l) => l.includes('% grid:'))) {
        expect(line.trimStart(), c.name).toMatch(/^\\draw\[draw=/)
      }
    }
  })

  it('never writes a TikZ command without its backslash', () => {
    for (const c of cases) {
      const tex = renderTex(c.spec, { widthInches: 3.25 })
      expect(tex, c.name).not.toMatch(/(^|[^\\a-z])(draw|filldraw|addplot|node|path)\[/m)
    }
  })
})

function bySeries(rows: TexRow[]): Record<string, Omit<TexRow, 'series'>[]> {
  const out: Record<string, Omit<TexRow, 'series'>[]> = {}
  for (const { series, ...row } of rows) (out[series] ??= []).push(row)
  return out
}

interface TexRow {
  series: string
  x: number
  y: number | null
  lower: number | null
  upper: number | null
}

/** The inline table of an `\addplot ... table[row sep=\\] {...}` line, as numbers by column. */
function tableOf(line: string): Record<string, number | null>[] {
  const body = /table\[row sep=\\\\\] \{(.*)\}/.exec(line)?.[1]
  if (!body) return []
  const [header, ...rows] = body
    .split('\\\\')
    .map((r) => r.trim())
    .filter(Boolean)
  const columns = header.split(' ')
  return rows.map((row) => {
    const cells = row.split(' ')
    return Object.fromEntries(
      columns.map((c, i) => [c, cells[i] === 'nan' ? null : Number(cells[i])])
    )
  })
}

/**
 * The rows the .tex plots, as the CSV has them: each series' points (a curve, or the invisible
 * values of bars) with the band's edges or the whiskers' ends at the same x.
 */
function texRows(tex: string): TexRow[] {
  const lines = tex.split('\n')
  const series: { label: string; rows: Record<string, number | null>[] }[] = []
  const lower = new Map<string, Map<number, number | null>>()
  const upper = new Map<string, Map<number, number | null>>()
  const whiskers = new Map<string, Map<number, number[]>>()
  let role = ''
  let label = ''
  const edge = (
    map: Map<string, Map<number, number | null>>,
    rows: Record<string, number | null>[],
    column: string
  ) => {
    const at = map.get(label) ?? new Map()
    for (const r of rows) at.set(r.x!, r[column])
    map.set(label, at)
  }
  for (const line of lines) {
    const comment = /^% (curve|values|bars|region|whiskers|band lower|band upper): (.*)$/.exec(line)
    if (comment) {
      ;[, role, label] = comment
      continue
    }
    if (!line.startsWith('\\addplot')) continue
    const rows = tableOf(line)
    if (role === 'curve' || role === 'values') series.push({ label, rows })
    else if (role === 'band upper' && /table\[row sep=\\\\\] \{x lower/.test(line))
      edge(lower, rows, 'lower')
    else if (role === 'band upper' && /table\[row sep=\\\\\] \{x upper/.test(line))
      edge(upper, rows, 'upper')
    else if (role === 'whiskers') {
      const at = whiskers.get(label) ?? new Map<number, number[]>()
      for (const r of rows) if (r.y != null) at.set(r.x!, [...(at.get(r.x!) ?? []), r.y])
      whiskers.set(label, at)
    }
  }
  return series.flatMap(({ label: name, rows }) =>
    rows.map((r) => {
      const ends = whiskers.get(name)?.get(r.x!)
      return {
        series: name,
        x: r.at ?? r.x!,
        y: r.y,
        lower: lower.get(name)?.get(r.x!) ?? (ends ? Math.min(...ends) : null),
        upper: upper.get(name)?.get(r.x!) ?? (ends ? Math.max(...ends) : null)
      }
    })
  )
}

describe('chart words as LaTeX', () => {
  it('escapes what TeX reads as commands and writes the lab’s symbols as math', () => {
    expect(texText('Trigger scale λ')).toBe('Trigger scale $\\lambda$')
    expect(texText('Theory, clean (m → ∞)')).toBe('Theory, clean (m $\\to$ $\\infty$)')
    expect(texText('Spike energy sᵀCs − 1')).toBe('Spike energy s${}^{\\top}$Cs $-$ 1')
    expect(texText('‖G − G₀‖')).toBe('$\\|$G $-$ G${}_{0} \\|$')
    expect(texText("#3 · Attacker's head: 50% & more_{x}")).toBe(
      "\\#3 $\\cdot$ Attacker's head: 50\\% \\& more\\_\\{x\\}"
    )
    expect(texTick('-0.2')).toBe('$-$0.2')
  })

  it('refuses a character it has no LaTeX for, naming it', () => {
    expect(() => texText('ASR ≠ 1')).toThrow('no LaTeX for \'≠\' (U+2260) in "ASR ≠ 1"')
  })
})
