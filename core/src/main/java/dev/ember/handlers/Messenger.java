// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

/**
 * An effect handler: it sees every message sent while it is on this thread's handler stack.
 *
 * <p>Order of use: {@link #enter()} pushes it (the static factories in {@link Handlers} do this);
 * while entered, {@link #process} runs on the way out from the primitive (innermost handler
 * first) and {@link #postprocess} on the way back (outermost first); {@link #close()} pops it and
 * must be called in reverse order of entering, which try-with-resources guarantees. Closing pops
 * this handler and any handler still entered above it (one a failed block left open), as NumPyro's
 * {@code Messenger.__exit__} does after an exception, and then, if there was one, throws to report
 * the out-of-order close: the thread's stack is always as it was before this handler was entered.
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
    T value;
    try {
      value = body.get();
    } catch (Throwable e) {
      closeAll(java.util.List.of(this), e);
      throw e;
    }
    close();
    return value;
  }

  /**
   * Closes {@code entered} innermost (last) first, every one of them. After a failure of the block
   * they scoped ({@code failure} non-null) a complaint from a close is attached to the failure as
   * suppressed, so the failure itself propagates; otherwise the first complaint is thrown once all
   * are closed.
   *
   * <pre>{@code
   * List<Messenger> entered = new ArrayList<>();
   * try {
   *   entered.add(Handlers.block());
   *   entered.add(Handlers.seed(key));
   *   body.run();
   * } catch (Throwable e) {
   *   Messenger.closeAll(entered, e);
   *   throw e;
   * }
   * Messenger.closeAll(entered, null);
   * }</pre>
   */
  public static void closeAll(java.util.List<? extends Messenger> entered, Throwable failure) {
    RuntimeException complaint = null;
    for (int i = entered.size() - 1; i >= 0; i--) {
      try {
        entered.get(i).close();
      } catch (RuntimeException e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else if (complaint == null) {
          complaint = e;
        } else {
          complaint.addSuppressed(e);
        }
      }
    }
    if (complaint != null) {
      throw complaint;
    }
  }

  /**
   * Pops this handler and any handler left open above it; throws after popping if there was one.
   * Closing a handler that is not entered (never, or already popped with one below it) does
   * nothing.
   */
  @Override
  public void close() {
    if (entered) {
      entered = false;
      HandlerStack.pop(this);
    }
  }

  /** Marks this handler closed: it was popped with a handler below it. */
  void popped() {
    entered = false;
  }
}
