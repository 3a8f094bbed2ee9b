// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-thread stack of active handlers and the function that sends a message through it.
 *
 * <p>Thread-local, never JVM-global: Spark runs several tasks in one executor JVM, each with its
 * own models and handlers.
 */
public final class HandlerStack {
  private HandlerStack() {}

  private static final ThreadLocal<List<Messenger>> STACK = ThreadLocal.withInitial(ArrayList::new);

  /**
   * Sends {@code msg} through the handlers, as NumPyro's {@code apply_stack}.
   *
   * <ol>
   *   <li>Process: from the innermost handler outwards, until one stops the message.
   *   <li>Default: if the message still has no value, the primitive's default gives one
   *       ({@link DefaultEffects#apply}): a draw, an initial value, the plate's indices, or the
   *       run of a control-flow body.
   *   <li>Postprocess: from the outermost handler reached back to the innermost.
   * </ol>
   */
  public static Message apply(Message msg) {
    return applyBelow(STACK.get().size(), msg);
  }

  /**
   * {@link #apply} through the handlers outside {@code handler} only: for a handler that splits a
   * site and sends the copy on, which the handlers inside it have already seen.
   */
  static Message applyOutside(Messenger handler, Message msg) {
    return applyBelow(STACK.get().lastIndexOf(handler), msg);
  }

  private static Message applyBelow(int top, Message msg) {
    List<Messenger> stack = STACK.get();
    int reached = 0;
    for (int i = top - 1; i >= 0; i--) {
      reached = i;
      stack.get(i).process(msg);
      if (msg.isStopped()) {
        break;
      }
    }
    DefaultEffects.apply(msg);
    for (int i = reached; i < top; i++) {
      stack.get(i).postprocess(msg);
    }
    return msg;
  }

  /** Whether no handler is active on this thread. */
  public static boolean isEmpty() {
    return STACK.get().isEmpty();
  }

  /** The dimensions occupied by the active plates, as a bit set (bit d-1 for dim -d). */
  static int plateDims() {
    int used = 0;
    for (Messenger m : STACK.get()) {
      if (m instanceof Plate p) {
        used |= 1 << (-p.dim() - 1);
      }
    }
    return used;
  }

  /** A snapshot of the active handlers, outermost first. */
  public static List<Messenger> active() {
    return List.copyOf(STACK.get());
  }

  static void push(Messenger m) {
    STACK.get().add(m);
  }

  /**
   * Pops {@code m} and every handler still above it, as NumPyro's {@code Messenger.__exit__} does
   * after an exception; then, if any was above it (closed out of order), reports them. The stack
   * is never left holding a handler whose scope has ended, whatever the report.
   */
  static void pop(Messenger m) {
    List<Messenger> stack = STACK.get();
    int at = stack.lastIndexOf(m);
    if (at < 0) {
      throw new IllegalStateException(
          m.getClass().getSimpleName() + " closed but not on this thread's handler stack");
    }
    List<String> above = new ArrayList<>();
    while (stack.size() > at + 1) {
      Messenger left = stack.remove(stack.size() - 1);
      left.popped();
      above.add(left.getClass().getSimpleName());
    }
    stack.remove(at);
    if (!above.isEmpty()) {
      throw new IllegalStateException("handlers must close in reverse order of entering: "
          + m.getClass().getSimpleName() + " closed while " + String.join(", ", above)
          + (above.size() == 1 ? " was" : " were") + " still open above it (popped with it); "
          + "enter handlers with try-with-resources");
    }
  }

  /** Runs {@code body} with {@code handler} entered, unwinding correctly if it throws. */
  static void runWith(Messenger handler, Runnable body) {
    handler.enter();
    try {
      body.run();
    } catch (Throwable e) {
      Messenger.closeAll(List.of(handler), e);
      throw e;
    }
    handler.close();
  }
}
