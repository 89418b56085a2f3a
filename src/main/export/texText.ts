/**
 * Text of a chart (labels, titles, notes) as LaTeX for pdflatex with its default fonts: TeX's
 * special characters escaped, and the few non-ASCII characters the lab's words use written as
 * math (λ as $\lambda$, − as $-$). A character without a LaTeX form is an error that names it,
 * never a figure that fails to compile or prints a wrong glyph.
 */

/** Each character the lab's chart words use beyond ASCII, as math (without the dollars). */
const math: Record<string, string> = {
  λ: '\\lambda',
  θ: '\\theta',
  τ: '\\tau',
  σ: '\\sigma',
  α: '\\alpha',
  β: '\\beta',
  μ: '\\mu',
  η: '\\eta',
  ℓ: '\\ell',
  Δ: '\\Delta',
  δ: '\\delta',
  '→': '\\to',
  '∞': '\\infty',
  '−': '-',
  '≥': '\\geq',
  '≤': '\\leq',
  '≈': '\\approx',
  '·': '\\cdot',
  '×': '\\times',
  '±': '\\pm',
  '‖': '\\|',
  ᵀ: '{}^{\\top}',
  '₀': '{}_{0}',
  '₁': '{}_{1}',
  '₂': '{}_{2}',
  '²': '{}^{2}',
  '′': '{}^{\\prime}',
  '√': '\\surd',
  '<': '<',
  '>': '>',
  '|': '|'
}

/** Characters TeX reads as commands, and the ASCII ones its default fonts print wrongly. */
const escaped: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '#': '\\#',
  $: '\\$',
  '%': '\\%',
  '&': '\\&',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '"': "''",
  '’': "'",
  '‘': '`',
  '“': '``',
  '”': "''",
  '–': '--',
  '—': '---',
  '…': '\\ldots{}',
  '\u00a0': '~'
}

/** `text` as LaTeX; adjacent math characters share one pair of dollars. */
export function texText(text: string): string {
  let out = ''
  let inMath = false
  for (const ch of text) {
    const m = math[ch]
    if (m !== undefined) {
      out += (inMath ? ' ' : '$') + m
      inMath = true
      continue
    }
    if (inMath) {
      out += '$'
      inMath = false
    }
    const e = escaped[ch]
    if (e !== undefined) out += e
    else if (/^[\x20-\x7e]$/.test(ch)) out += ch
    else {
      const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
      throw new Error(`no LaTeX for '${ch}' (U+${code}) in "${text}"`)
    }
  }
  return inMath ? `${out}$` : out
}

/** A tick label: a leading minus is math, so it prints as a minus, not a hyphen. */
export function texTick(label: string): string {
  return /^[-−]/.test(label) ? `$-$${texText(label.slice(1))}` : texText(label)
}
