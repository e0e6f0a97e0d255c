/** "Did you mean": edit distance and the closest known names, for real typos only. */
import { closestNames, didYouMean, editDistance } from '../../../lambda/core/suggest';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['kitten', 'sitting', 3],
    ['mean radius', 'mean raduis', 2],
    ['abc', 'abc', 0],
  ])('%p to %p is %p', (a, b, d) => expect(editDistance(a, b)).toBe(d));

  it('stops past the limit', () => expect(editDistance('aaaaaaaa', 'bbbbbbbb', 2)).toBe(3));
});

describe('closestNames and didYouMean', () => {
  const features = ['mean radius', 'mean texture', 'worst radius', 'alcohol'];

  it('suggests the nearest names, closest first', () => {
    expect(closestNames('mean radus', features)).toEqual(['mean radius']);
    expect(didYouMean('worst radis', features)).toBe('; did you mean "worst radius"?');
  });

  it('suggests nothing for a name that is not a typo of any', () => {
    expect(didYouMean('colour', features)).toBe('');
    expect(closestNames('c', ['a', 'b'])).toEqual([]);
    expect(closestNames('A', ['a', 'b'])).toEqual(['a']);
  });

  it('ignores letter case', () => expect(didYouMean('ALCOHOL', features)).toBe('; did you mean "alcohol"?'));
});
