/** How input problems read (lambda/core/invalid-input.ts). */
import { formatProblem } from '../../../lambda/core/invalid-input';

describe('formatProblem', () => {
  it('names instance and field, the instance alone, or a column', () => {
    expect(formatProblem({ instance: 3, field: 'mean_radius', value: '"abc"', allowed: 'a finite number' })).toBe(
      'instances[3].mean_radius: "abc" is not allowed; expected a finite number',
    );
    expect(formatProblem({ instance: 0, field: '(instance)', value: '5', allowed: 'an object' })).toBe(
      'instances[0]: 5 is not allowed; expected an object',
    );
    expect(formatProblem({ instance: -1, field: 'x', value: 'missing', allowed: 'a column' })).toBe(
      'x: missing is not allowed; expected a column',
    );
  });
});
