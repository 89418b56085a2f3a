/**
 * What a run found, in words and headline numbers, built by pure code from its stored metrics and
 * series so that the run page, the runs list and any export say the same thing. No Node, no DOM.
 */
import type { Estimate, RunDetail, SeriesPoint } from './results'
import { findMetric, findSeries } from './results'

type FinetuneRun = Pick<RunDetail, 'status' | 'config' | 'metrics' | 'series' | 'progress'>

/** A number with up to `digits` significant digits, trailing zeros trimmed. */
function sig(value: number, digits = 3): string {
  if (value === 0) return '0'
  const abs = Math.abs(value)
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(digits - 1)
  if (abs >= 10 ** digits) return Math.round(value).toLocaleString('en-US')
  return String(Number(value.toPrecision(digits)))
}

/** Two decimals for rates, advantages and energies of ordinary size ("0.41", "1.20"). */
function fixed(value: number): string {
  return Math.abs(value) < 1000 ? value.toFixed(2) : sig(value)
}

/** A share as a percentage: "38%", "4.2%", "0.03%". */
export function sharePercent(value: number): string {
  const p = value * 100
  if (p === 0) return '0%'
  if (Math.abs(p) >= 10) return `${p.toFixed(0)}%`
  if (Math.abs(p) >= 1) return `${p.toFixed(1)}%`
  return `${Number(p.toPrecision(1))}%`
}

/** "0.41 [0.37, 0.45]", or "0.41" when the interval is not known. */
export function withInterval(e: Estimate, format: (v: number) => string = fixed): string {
  if (e.value == null) return '—'
  const interval =
    e.lower != null && e.upper != null ? ` [${format(e.lower)}, ${format(e.upper)}]` : ''
  return `${format(e.value)}${interval}`
}

const known = (e: Estimate | undefined): e is Estimate & { value: number } =>
  e != null && typeof e.value === 'number' && Number.isFinite(e.value)

function pointEstimate(point: SeriesPoint | undefined): Estimate | undefined {
  return point ? { value: point.value, lower: point.lower, upper: point.upper } : undefined
}

/** The last point of an epoch series after epoch 0, i.e. after at least one epoch. */
function lastEpoch(run: FinetuneRun, model: string, name: string): SeriesPoint | undefined {
  const points = findSeries(run, model, name)?.points ?? []
  return points
    .filter((p) => p.x > 0)
    .reduce<SeriesPoint | undefined>((last, p) => (!last || p.x >= last.x ? p : last), undefined)
}

function epochZero(run: FinetuneRun, model: string, name: string): SeriesPoint | undefined {
  return findSeries(run, model, name)?.points.find((p) => p.x === 0)
}

/**
 * A quantity before and after fine-tuning: the `<name>.before` / `<name>.after` metrics, or, for a
 * run that stopped before writing them, epoch 0 and the last finished epoch of `epoch.<name>`.
 */
export function beforeAfter(
  run: FinetuneRun,
  model: string,
  name: string
): { before: Estimate | undefined; after: Estimate | undefined } {
  const before = findMetric(run, model, `${name}.before`)
  const after = findMetric(run, model, `${name}.after`)
  return {
    before: known(before) ? before : pointEstimate(epochZero(run, model, `epoch.${name}`)),
    after: known(after) ? after : pointEstimate(lastEpoch(run, model, `epoch.${name}`))
  }
}

/** Epochs the run was configured for (0 for other kinds). */
export function totalEpochs(run: Pick<RunDetail, 'config'>): number {
  return run.config.kind === 'finetune' ? run.config.train.epochs : 0
}

/**
 * Epochs finished: the lab's `epochsCompleted`, else the last epoch recorded in a series, else
 * the step of a live fine-tuning progress report.
 */
export function epochsCompleted(run: FinetuneRun): number {
  const metric = findMetric(run, 'run', 'epochsCompleted')
  if (known(metric)) return metric.value
  const last = Math.max(
    0,
    ...run.series
      .filter((s) => s.name.startsWith('epoch.'))
      .flatMap((s) => s.points.filter((p) => p.value != null).map((p) => p.x))
  )
  const live = run.progress?.phase === 'fine-tuning' ? run.progress.step : 0
  return Math.max(last, live)
}

export function trackLambdaOf(run: Pick<RunDetail, 'config' | 'metrics'>): number | null {
  const metric = findMetric(run, 'run', 'trackLambda')
  if (known(metric)) return metric.value
  return run.config.kind === 'finetune' ? run.config.trackLambda : null
}

/** The headline numbers of a fine-tuning run, each undefined until the run has measured it. */
export function finetuneFacts(run: FinetuneRun) {
  const advantage = beforeAfter(run, 'run', 'advantage')
  const spike = beforeAfter(run, 'backdoored', 'spikeEnergy')
  const driftMetric = findMetric(run, 'backdoored', 'weightDrift.after')
  const drift = known(driftMetric)
    ? driftMetric
    : pointEstimate(lastEpoch(run, 'backdoored', 'epoch.weightDrift'))
  return {
    total: totalEpochs(run),
    done: epochsCompleted(run),
    lambda: trackLambdaOf(run),
    theta: run.config.theta,
    advantage,
    spike,
    drift
  }
}

const stoppedWord: Partial<Record<RunDetail['status'], string>> = {
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  failed: 'Failed'
}

/**
 * One sentence saying what happened to the backdoor during fine-tuning, in numbers: e.g.
 * "Advantage at λ=2 went from 0.41 [0.37, 0.45] to 0.12 [0.09, 0.15] while the backdoored
 * weights moved 38%; its spike energy went from 3.98 to 1.20 (θ = 4)."
 * Runs that stopped early say after how many epochs; runs still going say how far they are.
 */
export function finetuneSentence(run: FinetuneRun): string {
  const f = finetuneFacts(run)
  const at = f.lambda == null ? '' : ` at λ=${sig(f.lambda)}`
  const theta = `(θ = ${sig(f.theta)})`
  const advBefore = known(f.advantage.before) ? f.advantage.before : undefined
  const advAfter = known(f.advantage.after) ? f.advantage.after : undefined
  const spikeBefore = known(f.spike.before) ? f.spike.before.value : undefined
  const spikeAfter = known(f.spike.after) ? f.spike.after.value : undefined
  const drift = known(f.drift) ? f.drift.value : undefined

  /** "advantage at λ=2 went from … to … while …; its spike energy went from … to … (θ = 4)" */
  const change = (): string | null => {
    if (!advBefore || !advAfter) return null
    let text = `advantage${at} went from ${withInterval(advBefore)} to ${withInterval(advAfter)}`
    if (drift != null) text += ` while the backdoored weights moved ${sharePercent(drift)}`
    if (spikeBefore != null && spikeAfter != null) {
      text += `; its spike energy went from ${fixed(spikeBefore)} to ${fixed(spikeAfter)} ${theta}`
    }
    return text
  }
  /** "the advantage at λ=2 before fine-tuning was …, the backdoored spike energy … (θ = 4)" */
  const start = (verb: 'is' | 'was'): string | null => {
    if (!advBefore) return null
    let text = `the advantage${at} before fine-tuning ${verb} ${withInterval(advBefore)}`
    if (spikeBefore != null) {
      text += ` and the backdoored network's spike energy ${fixed(spikeBefore)} ${theta}`
    }
    return text
  }
  const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
  const of = `${f.done} of ${f.total} epochs`

  if (run.status === 'queued') {
    return `Waiting for a free worker: ${f.total} epochs of fine-tuning, ASR tracked${at}.`
  }
  if (run.status === 'running') {
    if (f.done > 0) {
      const so = change()
      return so ? `${of} done so far; ${so}.` : `${of} done so far.`
    }
    const before = start('is')
    return before
      ? `Fine-tuning has not finished an epoch yet; ${before}.`
      : 'Measuring both networks before fine-tuning…'
  }

  const stopped = stoppedWord[run.status]
  if (stopped) {
    if (f.done === 0) {
      const before = start('was')
      return before
        ? `${stopped} before the first of ${f.total} epochs finished; ${before}.`
        : `${stopped} before anything was measured.`
    }
    const so = change()
    return so ? `${stopped} after ${of}; ${so}.` : `${stopped} after ${of}.`
  }

  // Done.
  if (f.total === 0) {
    const before = start('was')
    return before
      ? `No fine-tuning epochs were configured, so the weights did not move; ${before}.`
      : 'No fine-tuning epochs were configured, so the weights did not move.'
  }
  const all = change()
  if (all) return `${capitalised(all)}.`
  return `Fine-tuned for ${of}; the run recorded no advantage to compare.`
}

/** The one number the runs list shows for a run, by kind; null until the run has it. */
export function keyMetric(run: FinetuneRun): { label: string; value: string } | null {
  if (run.config.kind === 'effectiveness') {
    const ratio = findMetric(run, 'run', 'lambda50Ratio')
    return known(ratio) ? { label: 'λ50 ratio', value: sig(ratio.value) } : null
  }
  if (run.config.kind === 'finetune') {
    const { before, after } = beforeAfter(run, 'run', 'advantage')
    if (!known(before)) return null
    const lambda = trackLambdaOf(run)
    const label = lambda == null ? 'advantage' : `advantage at λ=${sig(lambda)}`
    return {
      label,
      value: known(after) ? `${fixed(before.value)} → ${fixed(after.value)}` : fixed(before.value)
    }
  }
  return null
}
