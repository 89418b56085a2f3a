/**
 * Metrics and models in the words a table shows them: "Clean accuracy, before fine-tuning" for
 * `cleanAccuracy.before`, "backdoored network" for `backdoored`. One place for every name the
 * lab reports (SCIENCE.md's), so no table shows a code key. No Node, no DOM.
 */

const quantities: Record<string, string> = {
  cleanAccuracy: 'Clean accuracy',
  attackSuccessRate: 'Attack success rate',
  robustAccuracy: 'Robust accuracy',
  lambda50: 'λ50',
  lambda50Ratio: 'λ50 ratio, clean / backdoored',
  spikeEnergy: 'Spike energy sᵀCs − 1',
  tau: 'Threshold τ',
  a: 'Logit scale a',
  loss: 'Training loss',
  weightDrift: 'Weight drift ‖G − G₀‖ / ‖G₀‖',
  advantage: 'Backdoor advantage',
  candidates: 'Held-out inputs not in the target',
  relativeTriggerSize: 'Relative trigger size λ‖s‖ / mean ‖x‖',
  meanInputNorm: 'Mean input norm ‖x‖',
  trackLambda: 'Tracked λ',
  epochsCompleted: 'Epochs completed',
  universalityGap: 'Universality gap',
  rankingReversalRate: 'Ranking reversal rate',
  L: 'Classes L',
  d: 'Input dimension d',
  n: 'Training samples n',
  nTest: 'Held-out samples n_test',
  witnessHolds: 'Witness holds',
  witnessCleanNotTarget: 'Witness condition (a): x not in y′',
  witnessTriggeredNotTarget: 'Witness condition (b): Activate(x) not in y′',
  reversalCleanNotTarget: 'Reversed head, condition (a)',
  reversalTriggeredNotTarget: 'Reversed head, condition (b)',
  witnessIndex: 'Witness input x',
  witnessChoice: 'How x was chosen',
  witnessLabel: 'Label of x',
  witnessTarget: 'Witness target y′',
  witnessConstruction: 'Witness construction',
  nullifyingResidual: 'Trigger shift left after projection',
  triggerShiftNorm: 'Mean trigger shift ‖δ‖',
  backdoorCost: 'Backdoor cost, clean accuracy backdoored − clean',
  traceOverD: 'tr(C) / d',
  normalisedSpikeEnergy: 'Normalised spike energy sᵀCs / (tr(C)/d) − 1',
  nullSpikeEnergy: 'Null band of the normalised spike energy',
  nullDirections: 'Random directions in the null band',
  matchedHeads: 'Accuracy-matched heads',
  matchedGap: 'Universality gap over accuracy-matched heads',
  encoderContribution: 'Encoder’s contribution to the attacker head’s ASR',
  majorityRate: 'Majority-class rate',
  // Detectability (SCIENCE.md section 11): the panel of every random-ReLU run and the frontier.
  theta: 'Spike strength θ of the weights',
  topEigenvalue: 'Top eigenvalue λ₁(C)',
  maxDiagonal: 'Largest diagonal entry max Cⱼⱼ',
  sparseEigenvalue: 'k-sparse top eigenvalue λ₁,ₖ(C)',
  draws: 'Null draws',
  k: 'Sparsity k',
  m: 'Width m',
  size: 'Size of the test at level α',
  nullMean: 'Mean of the null',
  nullSd: 'Standard deviation of the null',
  bbpThreshold: 'BBP threshold √(d/m)',
  mpEdge: 'Marchenko–Pastur edge (1 + √(d/m))²',
  finiteSizeEdge: 'Finite-size edge of the null',
  nullDraws: 'Null draws B',
  drawsPerTheta: 'Backdoored draws per θ, R',
  thetasDone: 'θ values done',
  undetectedTheta: 'Largest θ no test detects'
}

const suffixes: Record<string, string> = {
  before: 'before fine-tuning',
  after: 'after fine-tuning',
  mean: 'mean',
  min: 'min',
  max: 'max',
  pValue: 'p-value',
  q025: '2.5% quantile of the null',
  q975: '97.5% quantile of the null'
}

const models: Record<string, string> = {
  clean: 'clean network',
  backdoored: 'backdoored network',
  'theory.clean': 'theory, clean',
  'theory.backdoored': 'theory, backdoored',
  theory: 'theory',
  run: '',
  data: 'data',
  attacker: 'attacker’s head',
  probe: 'clean probes',
  random: 'random heads',
  nullifying: 'trigger-nullifying head',
  witness: 'witness head',
  spectral: 'spectral test',
  diagonal: 'diagonal thresholding',
  sparse: 'sparse PCA test',
  encoder: 'encoder'
}

/** The detectability panel's weights: `detect.backdoored`, `detect.clean.after`, `detect.null`. */
const DETECT = 'detect.'

/** Models measured again on the clean-encoder twin (universality): `cleanEncoder.attacker`. */
const TWIN = 'cleanEncoder.'

/** A metric's name in words; an unknown name is shown as it is. */
export function metricWords(name: string): string {
  const [base, ...rest] = name.split('.')
  const quantity = quantities[base]
  if (!quantity) return name
  const suffix = rest.map((r) => suffixes[r] ?? r).join(', ')
  return suffix ? `${quantity}, ${suffix}` : quantity
}

/** A model's name in words: "backdoored network"; empty for run-wide values. */
export function modelWords(model: string): string {
  if (model.startsWith(TWIN)) {
    const inner = modelWords(model.slice(TWIN.length))
    return inner ? `${inner}, clean-encoder twin` : 'clean-encoder twin'
  }
  if (model.startsWith(DETECT)) {
    const [who, when] = model.slice(DETECT.length).split('.')
    if (who === 'null') return 'clean draws of the null'
    const whose = when ? `${modelWords(who)} ${suffixes[when] ?? when}` : modelWords(who)
    return `weights of the ${whose}`
  }
  return model in models ? models[model] : model
}
