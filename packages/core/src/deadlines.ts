/**
 * Deadlines for many concurrent calls with one timer. Pending deadlines form a list ordered by
 * time; the timer is armed for the earliest one and re-armed when it fires. Adding and cancelling
 * a deadline allocate one small node and no timer, which matters when a call takes microseconds.
 * The timer is unreferenced: a pending deadline does not keep the process alive, the call's own
 * I/O does.
 */

/** A pending deadline; `cancel` it when the call ends first. */
export interface Deadline {
  cancel(): void;
}

class DeadlineNode implements Deadline {
  previous: DeadlineNode | undefined;
  next: DeadlineNode | undefined;
  linked = true;

  constructor(
    readonly owner: DeadlineScheduler,
    readonly at: number,
    readonly onExpire: () => void,
  ) {}

  cancel(): void {
    this.owner.remove(this);
  }
}

/** Calls callbacks when their deadlines pass, unless they were cancelled first. */
export class DeadlineScheduler {
  #head: DeadlineNode | undefined;
  #tail: DeadlineNode | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  /** Calls `onExpire` once `delayMs` have passed, unless the returned deadline is cancelled. */
  schedule(delayMs: number, onExpire: () => void): Deadline {
    const node = new DeadlineNode(this, performance.now() + delayMs, onExpire);

    // Deadlines of one client usually arrive in order, so the walk ends at once.
    let after = this.#tail;
    while (after && after.at > node.at) after = after.previous;
    node.previous = after;
    node.next = after ? after.next : this.#head;
    if (node.next) node.next.previous = node;
    else this.#tail = node;
    if (after) after.next = node;
    else this.#head = node;

    if (node.at < this.#timerAt) this.#arm(node.at);
    return node;
  }

  /** Unlinks a node; the timer stays armed and re-arms itself for the next deadline. */
  remove(node: DeadlineNode): void {
    if (!node.linked) return;
    node.linked = false;
    if (node.previous) node.previous.next = node.next;
    else this.#head = node.next;
    if (node.next) node.next.previous = node.previous;
    else this.#tail = node.previous;
    node.previous = undefined;
    node.next = undefined;
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, at - performance.now()));
    this.#timer.unref?.();
  }

  #expire(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    while (this.#head && this.#head.at <= now) {
      const node = this.#head;
      this.remove(node);
      node.onExpire();
    }
    if (this.#head) this.#arm(this.#head.at);
  }
}
