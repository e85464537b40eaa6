/** The demo's step list: runs each step, prints one `ok` or `FAILED` line per step as it ends. */

import { describeError } from './cli-errors.js';
import type { Output } from './cli-io.js';

/** The result of one demo step. */
export interface DemoStepResult {
  /** The step's description. */
  step: string;
  ok: boolean;
  /** The step's finding, or the reason it failed. */
  detail: string;
}

/** Collects demo steps and prints them in text mode while they run. */
export class DemoReport {
  readonly results: DemoStepResult[] = [];
  readonly #out: Output;

  constructor(out: Output) {
    this.#out = out;
  }

  /**
   * Runs one step. It passes when `run` returns (its text is the detail) and fails when `run`
   * throws; a failed step never stops the demo.
   */
  async step(step: string, run: () => Promise<string>): Promise<boolean> {
    let result: DemoStepResult;
    try {
      result = { step, ok: true, detail: await run() };
    } catch (error) {
      result = { step, ok: false, detail: describeError(error) };
    }
    this.results.push(result);
    if (!this.#out.json) {
      const detail = result.detail ? `: ${result.detail}` : '';
      this.#out.line(`${result.ok ? 'ok    ' : 'FAILED'}  ${step}${detail}`);
    }
    return result.ok;
  }

  /** The number of failed steps. */
  get failed(): number {
    return this.results.filter((result) => !result.ok).length;
  }
}
