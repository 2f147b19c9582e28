/**
 * The real engine, whose steppers throw "layer failed" when asked to go above a step (a layer that
 * throws while stepping): for the tests of what the host does with a step that fails.
 */
import { createEngine } from '../../../src/host/engineBinding';
import type { EnginePort } from '../../../src/host/ports';

/** `limit()` is read at every step, so a test can move it (Infinity: nothing fails). */
export function failingEngine(limit: () => number): EnginePort {
  const real = createEngine();
  return {
    ...real,
    createStepper: (g) => {
      const st = real.createStepper(g);
      return new Proxy(st, {
        get(target, prop, recv) {
          if (prop === 'goTo') {
            return (n: number) => {
              if (n > limit()) throw new Error('layer failed');
              target.goTo(n);
            };
          }
          const v = Reflect.get(target, prop, recv) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    },
  };
}
