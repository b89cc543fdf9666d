/**
 * Runs async tasks one after another. A PKCS#11 session carries one active
 * operation at a time (C_SignInit … C_Sign), and the binding runs C_Sign on a
 * worker thread, so two signatures on one session must not interleave.
 */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
