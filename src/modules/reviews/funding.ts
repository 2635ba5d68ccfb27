// Funding of reviews: a funding agreement's rules as data, and the contribution lines they
// give for one case's costs. Pure: no I/O. Money is integer pence throughout.
//
// A typical agreement: the Police and Crime Commissioner's office pays half the
// independent chair's costs up to a cap; everything else is shared by the other partners,
// equally or in agreed percentages. Pennies that do not divide go one each to the first
// payers in the agreement's order, so the lines always add up to the costs exactly.

export type CostKind = 'chair' | 'author' | 'other';
export const COST_KINDS: readonly { value: CostKind; text: string }[] = [
  { value: 'chair', text: 'Independent chair' },
  { value: 'author', text: 'Independent author' },
  { value: 'other', text: 'Other costs' },
];

export type Costs = Record<CostKind, number>;

/** A share of one kind of cost paid first by one payer: a percentage, up to a cap. */
export interface FirstCharge {
  payer: string;
  cost: CostKind;
  /** Basis points (5000 = 50%), so halves and thirds of a percent are exact. */
  basisPoints: number;
  capPence: number | null;
}

/** Who shares what is left: equally, or in percentages (basis points) that add up to 100%. */
export type Remainder =
  | { kind: 'equal'; payers: string[] }
  | { kind: 'shares'; shares: { payer: string; basisPoints: number }[] };

export interface FundingAgreement {
  firstCharges: FirstCharge[];
  remainder: Remainder;
}

export interface ContributionLine {
  payer: string;
  pence: number;
  /** How the line was worked out, as the invoice says it. */
  basis: string;
}

/** Problems with an agreement's rules, worded for the form that sets them. */
export function agreementProblems(a: FundingAgreement): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const [i, c] of a.firstCharges.entries()) {
    if (!c.payer) problems.push({ field: `first_charges.${i}.payer`, message: 'Select who pays the first charge' });
    if (!Number.isInteger(c.basisPoints) || c.basisPoints <= 0 || c.basisPoints > 10000) {
      problems.push({ field: `first_charges.${i}.percent`, message: 'The percentage must be more than 0 and at most 100' });
    }
    if (c.capPence !== null && (!Number.isInteger(c.capPence) || c.capPence < 0)) {
      problems.push({ field: `first_charges.${i}.cap`, message: 'The cap must be an amount in pounds and pence, 0 or more' });
    }
  }
  const perCost = new Map<CostKind, number>();
  for (const c of a.firstCharges) perCost.set(c.cost, (perCost.get(c.cost) ?? 0) + c.basisPoints);
  for (const [cost, total] of perCost) {
    if (total > 10000) problems.push({ field: 'first_charges', message: `The first charges on the ${cost} costs add up to more than 100%` });
  }
  if (a.remainder.kind === 'equal') {
    if (!a.remainder.payers.length) problems.push({ field: 'remainder', message: 'Select the partners who share the rest of the costs' });
    if (new Set(a.remainder.payers).size !== a.remainder.payers.length) problems.push({ field: 'remainder', message: 'Each partner shares the rest once' });
  } else {
    const total = a.remainder.shares.reduce((sum, s) => sum + s.basisPoints, 0);
    if (!a.remainder.shares.length) problems.push({ field: 'remainder', message: 'Select the partners who share the rest of the costs' });
    else if (total !== 10000) problems.push({ field: 'remainder', message: `The partners' shares must add up to 100%; they add up to ${formatBasisPoints(total)}` });
    if (a.remainder.shares.some((s) => !Number.isInteger(s.basisPoints) || s.basisPoints <= 0)) {
      problems.push({ field: 'remainder', message: 'Each share must be more than 0%' });
    }
  }
  return problems;
}

export const formatBasisPoints = (bp: number) => `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 2)}%`;
export const formatPence = (p: number) => `£${(p / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Splits `pence` by weights; the pennies left over go one each to the first in order. */
export function splitPence(pence: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (!total) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((pence * w) / total));
  let left = pence - shares.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % shares.length) {
    if (weights[i]! > 0) {
      shares[i]! += 1;
      left -= 1;
    }
  }
  return shares;
}

/** The contribution lines one case's costs give under the agreement: they add up to the costs exactly. */
export function contributionLines(a: FundingAgreement, costs: Costs): ContributionLine[] {
  const problems = agreementProblems(a);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  const left: Costs = { ...costs };
  const lines = new Map<string, { pence: number; basis: string[] }>();
  const add = (payer: string, pence: number, basis: string) => {
    const line = lines.get(payer) ?? { pence: 0, basis: [] };
    line.pence += pence;
    line.basis.push(basis);
    lines.set(payer, line);
  };
  for (const c of a.firstCharges) {
    const share = Math.floor((costs[c.cost] * c.basisPoints) / 10000);
    const pence = Math.min(share, c.capPence ?? Infinity, left[c.cost]);
    left[c.cost] -= pence;
    const capped = c.capPence !== null && share > c.capPence;
    add(c.payer, pence, `${formatBasisPoints(c.basisPoints)} of the ${c.cost} costs${capped ? `, capped at ${formatPence(c.capPence!)}` : ''}`);
  }
  const rest = left.chair + left.author + left.other;
  if (a.remainder.kind === 'equal') {
    const payers = a.remainder.payers;
    splitPence(rest, payers.map(() => 1)).forEach((p, i) => add(payers[i]!, p, `an equal share (1 of ${payers.length}) of the rest`));
  } else {
    const shares = a.remainder.shares;
    splitPence(rest, shares.map((s) => s.basisPoints)).forEach((p, i) => add(shares[i]!.payer, p, `${formatBasisPoints(shares[i]!.basisPoints)} of the rest`));
  }
  return [...lines].map(([payer, l]) => ({ payer, pence: l.pence, basis: l.basis.join(' and ') }));
}
