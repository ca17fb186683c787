import { describe, expect, it } from 'vitest';
import { deriveHer2Label, labelFromGiven } from './her2-label.ts';

// The rule (Frontiers in Oncology 2024, Introduction and Discussion; ASCO/CAP 2018):
// IHC 0 -> HER2-zero; IHC 1+, or 2+ with negative ISH -> HER2-low; IHC 3+ or positive ISH -> HER2-positive.
const POS = 1;
const NEG = 0;
const NOT_DONE = NaN;

describe('deriveHer2Label', () => {
  it.each([
    [0, NOT_DONE, 'HER2-zero', 0],
    [0, NEG, 'HER2-zero', 0],
    [0, POS, 'HER2-positive', null],
    [1, NOT_DONE, 'HER2-low', 1],
    [1, NEG, 'HER2-low', 1],
    [1, POS, 'HER2-positive', null],
    [2, NEG, 'HER2-low', 1],
    [2, POS, 'HER2-positive', null],
    [2, NOT_DONE, 'undetermined', null],
    [3, NOT_DONE, 'HER2-positive', null],
    [3, NEG, 'HER2-positive', null],
    [3, POS, 'HER2-positive', null],
  ] as const)('IHC %s, ISH %s -> %s', (ihc, ish, cls, label) => {
    const r = deriveHer2Label(ihc, ish);
    expect(r.class).toBe(cls);
    expect(r.label).toBe(label);
    expect(r.reason === null).toBe(label !== null);
  });

  it('states why a patient is excluded', () => {
    expect(deriveHer2Label(3, NaN).reason).toBe('HER2-positive (IHC 3+): outside the study');
    expect(deriveHer2Label(2, 1).reason).toBe('HER2-positive (IHC 2+, ISH positive): outside the study');
    expect(deriveHer2Label(2, NaN).reason).toMatch(/IHC 2\+ with ISH not done/);
    expect(deriveHer2Label(NaN, NaN).reason).toBe('no HER2 IHC score');
    expect(deriveHer2Label(NaN, 1).class).toBe('HER2-positive');
    expect(deriveHer2Label(4, NaN).reason).toMatch(/IHC score 4 is not/);
  });

  it('takes a given label when there is no IHC', () => {
    expect(labelFromGiven(1)).toEqual({ label: 1, class: 'HER2-low', reason: null });
    expect(labelFromGiven(0).class).toBe('HER2-zero');
    expect(labelFromGiven(null).label).toBeNull();
  });
});
