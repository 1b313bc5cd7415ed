import { describe, expect, it } from 'vitest';
import { isDrgradeError } from '../../../shared/errors.js';
import { CircuitBreaker } from '../../../shared/inference/CircuitBreaker.js';

describe('CircuitBreaker', () => {
  it('opens after consecutive failures, lets one trial through after the reset time, and closes on success', () => {
    let now = 1000;
    const breaker = new CircuitBreaker({ failureThreshold: 3, resetAfterMs: 500, now: () => now });
    for (let i = 0; i < 3; i++) {
      breaker.acquire();
      breaker.onFailure();
    }
    expect(breaker.state).toBe('open');
    let error: unknown;
    try {
      breaker.acquire();
    } catch (e) {
      error = e;
    }
    expect(isDrgradeError(error, 'CIRCUIT_OPEN') && error.transient).toBe(true);
    now += 500;
    expect(breaker.state).toBe('half-open');
    breaker.acquire();
    expect(() => breaker.acquire()).toThrow(/circuit open/);
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
  });

  it('reopens when the trial fails', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, resetAfterMs: 100, now: () => now });
    breaker.onFailure();
    now = 100;
    breaker.acquire();
    breaker.onFailure();
    expect(breaker.state).toBe('open');
  });

  it('a success resets the failure count', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2 });
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
  });
});
