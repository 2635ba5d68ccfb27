// The arithmetic of the analysis pages on figures worked by hand, and the file formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addMonths, categoryOf, compareYears, districtOf, kindOfHeader, monthsBetween, parseFileName, populationFor, publishedNamesOf, ratePer1000, rolling12, COLUMNS } from './domain.ts';

const repeat = (xs: number[], n: number) => Array.from({ length: n }, () => xs).flat();

test('this year against last: a steady rise well beyond the months\' own variation is large', () => {
  // This year 10,12,11,13 three times = 138 (mean 11.5, squares about the mean 15);
  // last year 8,10,9,11 three times = 114 (mean 9.5, squares 15).
  // s² = (15 + 15) / 22 = 1.3636; SE = √1.3636 × √24 = 5.72; t = 24 / 5.72 = 4.20 > 2.074.
  const c = compareYears(repeat([10, 12, 11, 13], 3), repeat([8, 10, 9, 11], 3));
  assert.deepEqual(c, { thisYear: 138, lastYear: 114, change: 24, changePercent: 21.1, standardError: 5.7, t: 4.2, large: true });
});

test('this year against last: the same change in months that swing widely is not large', () => {
  // 5,20 six times = 150 (mean 12.5, squares 12 × 56.25 = 675); 4,19 six times = 138 (675).
  // s² = 1350 / 22 = 61.36; SE = 7.834 × 4.899 = 38.4; t = 12 / 38.4 = 0.31.
  const c = compareYears(repeat([5, 20], 6), repeat([4, 19], 6));
  assert.deepEqual(c, { thisYear: 150, lastYear: 138, change: 12, changePercent: 8.7, standardError: 38.4, t: 0.31, large: false });
  assert.equal(compareYears(repeat([3], 12), repeat([0], 12)).changePercent, null);
  assert.equal(compareYears(repeat([3], 12), repeat([3], 12)).large, false);
  assert.throws(() => compareYears([1], [1]));
});

test('rates per 1,000 residents to one decimal place, and the population year set beside them', () => {
  assert.equal(ratePer1000(1234, 56789), 21.7); // 1234 / 56789 × 1000 = 21.73
  assert.equal(ratePer1000(45, 1500), 30); // 30.0 exactly
  assert.throws(() => ratePer1000(1, 0));
  const pops = [{ year: 2021, n: 1 }, { year: 2023, n: 2 }];
  assert.equal(populationFor(pops, 2024)?.year, 2023);
  assert.equal(populationFor(pops, 2022)?.year, 2021);
  assert.equal(populationFor(pops, 2019)?.year, 2021);
  assert.equal(populationFor([], 2019), null);
});

test('a 12-month rolling total starts at the twelfth month', () => {
  const r = rolling12(Array.from({ length: 13 }, (_, i) => i + 1));
  assert.equal(r[10], null);
  assert.equal(r[11], 78); // 1 + ... + 12
  assert.equal(r[12], 90); // 78 - 1 + 13
});

test('months, file names, headers, districts and categories as police.uk writes them', () => {
  assert.equal(addMonths('2024-11', 3), '2025-02');
  assert.equal(addMonths('2024-01', -1), '2023-12');
  assert.deepEqual(monthsBetween('2023-11', '2024-02'), ['2023-11', '2023-12', '2024-01', '2024-02']);
  assert.deepEqual(parseFileName('2024-03/2024-03-northshire-street.csv'), { month: '2024-03', force: 'northshire', kind: 'street' });
  assert.deepEqual(parseFileName('2024-03-northshire-stop-and-search.csv'), { month: '2024-03', force: 'northshire', kind: 'stop-and-search' });
  assert.equal(parseFileName('2024-13-northshire-street.csv'), null);
  assert.equal(parseFileName('notes.txt'), null);
  assert.equal(kindOfHeader(['\uFEFFCrime ID', ...COLUMNS.street.slice(1)]), 'street');
  assert.equal(kindOfHeader(COLUMNS.outcomes), 'outcomes');
  assert.equal(kindOfHeader(['Date', 'Amount']), null);
  assert.equal(districtOf('Corran Heath 014C'), 'Corran Heath');
  assert.equal(districtOf('Somewhere'), null);
  assert.equal(categoryOf('Violent crime'), 'Violence and sexual offences');
  assert.equal(categoryOf('criminal-damage-arson'), 'Criminal damage and arson');
  assert.equal(categoryOf('Burglary'), 'Burglary');
  assert.ok(publishedNamesOf('Violence and sexual offences').includes('violent-crime'));
});
