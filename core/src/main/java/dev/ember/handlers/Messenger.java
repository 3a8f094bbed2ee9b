// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

/**
 * An effect handler: it sees every message sent while it is on this thread's handler stack.
 *
 * <p>Order of use: {@link #enter()} pushes it (the static factories in {@link Handlers} do this);
 * while entered, {@link #process} runs on the way out from the primitive (innermost handler
 * first) and {@link #postprocess} on the way back (outermost first); {@link #close()} pops it and
 * must be called in reverse order of entering, which try-with-resources guarantees. Closing out of
 * order throws; an exception inside the block unwinds the stack down to this handler, as
 * NumPyro's {@code Messenger.__exit__}.
 *
 * <pre>{@code
 * try (Trace tr = Handlers.trace(); Seed s = Handlers.seed(RngKey.of(0))) {
 *   model.run(data);
 *   tr.get("x").value();
 * }
 * }</pre>
 */
public abstract class Messenger implements AutoCloseable {
  private boolean entered;

  /** Called on the way out from the primitive; may edit the message or {@link Message#stop()} it. */
  protected void process(Message msg) {}

  /** Called on the way back, after the value is known. */
  protected void postprocess(Message msg) {}

  /** Pushes this handler on the current thread's stack. */
  public Messenger enter() {
    if (entered) {
      throw new IllegalStateException(getClass().getSimpleName() + " is already entered");
    }
    HandlerStack.push(this);
    entered = true;
    return this;
  }

  /**
   * Runs {@code body} inside this (entered) handler, then closes it: the expression form of a
   * try-with-resources block.
   *
   * <pre>{@code
   * Tensor x = Handlers.mask(false).run(() -> sample("x", Normal.standard()));
   * }</pre>
   */
  public <T> T run(java.util.function.Supplier<T> body) {
    try {
      return body.get();
    } finally {
      close();
    }
  }

  /** Pops this handler (and, after an exception, any handler left above it). */
  @Override
  public void close() {
    if (entered) {
      entered = false;
      HandlerStack.pop(this);
    }
  }
}
