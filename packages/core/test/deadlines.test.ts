import { describe, expect, it } from 'vitest';
import { DeadlineScheduler } from '../src/deadlines.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DeadlineScheduler', () => {
  it('fires deadlines in order', async () => {
    const scheduler = new DeadlineScheduler();
    const fired: string[] = [];
    scheduler.schedule(40, () => fired.push('c'));
    scheduler.schedule(10, () => fired.push('a'));
    scheduler.schedule(25, () => fired.push('b'));
    await sleep(80);
    expect(fired).toEqual(['a', 'b', 'c']);
  });

  it('skips cancelled deadlines', async () => {
    const scheduler = new DeadlineScheduler();
    const fired: string[] = [];
    const first = scheduler.schedule(10, () => fired.push('first'));
    scheduler.schedule(20, () => fired.push('second'));
    first.cancel();
    first.cancel();
    await sleep(50);
    expect(fired).toEqual(['second']);
  });

  it('re-arms after the head is cancelled', async () => {
    const scheduler = new DeadlineScheduler();
    const fired: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const deadline = scheduler.schedule(5, () => fired.push(i));
      if (i !== 999) deadline.cancel();
    }
    await sleep(40);
    expect(fired).toEqual([999]);
  });
});
