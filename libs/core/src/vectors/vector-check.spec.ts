import { vectorProblem } from './vector-check.js';

describe('vectorProblem', () => {
  it('accepts an ordinary embedding, as a list or a Float32Array', () => {
    expect(vectorProblem([0.6, 0.8, 0])).toBeUndefined();
    expect(vectorProblem(new Float32Array([0.6, 0.8]))).toBeUndefined();
  });

  it('refuses values float32 cannot hold, or not numbers at all', () => {
    expect(vectorProblem([1e308, 0])).toMatch(/past float32's range/);
    expect(vectorProblem([NaN, 1])).toMatch(/not a finite number/);
    expect(vectorProblem([null, 1])).toMatch(/not a finite number/);
    expect(vectorProblem('0.1,0.2')).toMatch(/not a list/);
    expect(vectorProblem([])).toMatch(/empty/);
  });

  it('refuses a length whose square overflows float32 (3e38 is finite even as float32) or vanishes', () => {
    expect(vectorProblem([3e38, 3e38])).toMatch(/has length 4.24e\+38/);
    expect(vectorProblem([0, 0, 0])).toMatch(/has length 0/);
    expect(vectorProblem([1e-30, 0])).toMatch(/has length/);
  });
});
