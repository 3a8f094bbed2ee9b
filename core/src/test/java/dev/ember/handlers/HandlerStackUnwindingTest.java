// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.Normal;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A model that throws inside handlers leaves this thread's handler stack as it was before the
 * call, so a later, unrelated model on the same thread (a pooled Spark task thread) runs under
 * its own handlers only.
 */
@SuppressWarnings("try") // scoped handlers are entered for their effect
class HandlerStackUnwindingTest {
  /** A model that opens a plate without closing it and fails inside it. */
  static final Model<Void> FAILS_IN_AN_OPEN_PLATE = unused -> {
    plate("data", 3); // entered, never closed: the failure below skips any close
    throw new IllegalStateException("the model failed");
  };

  /** A scalar site: its value has shape [] unless a plate is (wrongly) still active. */
  static final Model<Void> SCALAR = unused -> sample("mu", Normal.standard());

  @AfterEach
  void theStackIsEmptyAfterEveryTest() {
    assertTrue(HandlerStack.isEmpty(), "handlers left on the stack: " + HandlerStack.active());
  }

  private static Shape scalarShapeOnThisThread() {
    return Handlers.trace(Handlers.seed(SCALAR, RngKey.of(1))).getTrace(null).get("mu").value()
        .shape();
  }

  /**
   * The reported case: the failure propagated through try-with-resources left the plate (and the
   * trace and seed, whose close threw before popping) on the stack, and the next scalar site came
   * out with shape [3].
   */
  @Test
  void aFailingModelUnderScopedHandlersLeavesNothingBehind() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
      try (Trace tr = Handlers.trace(); Seed s = Handlers.seed(RngKey.of(0))) {
        FAILS_IN_AN_OPEN_PLATE.run(null);
      }
    });
    assertEquals("the model failed", e.getMessage());
    assertEquals(1, e.getSuppressed().length, Arrays.toString(e.getSuppressed()));
    assertTrue(e.getSuppressed()[0].getMessage().startsWith("handlers must close in reverse order "
        + "of entering: Seed closed while Plate was still open above it (popped with it)"),
        e.getSuppressed()[0].getMessage());
    assertTrue(HandlerStack.isEmpty(), "left: " + HandlerStack.active());
    assertEquals(Shape.of(), scalarShapeOnThisThread());
  }

  /** The same under the model-wrapper forms, and under the expression form {@code run}. */
  @Test
  void wrappersAndTheExpressionFormUnwindToo() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () ->
        Handlers.trace(Handlers.seed(FAILS_IN_AN_OPEN_PLATE, RngKey.of(0))).getTrace(null));
    assertEquals("the model failed", e.getMessage());
    assertTrue(HandlerStack.isEmpty(), "left: " + HandlerStack.active());

    // the body's failure, not the complaint about the open plate, is what propagates
    e = assertThrows(IllegalStateException.class, () -> Handlers.mask(false).run(() -> {
      FAILS_IN_AN_OPEN_PLATE.run(null);
      return null;
    }));
    assertEquals("the model failed", e.getMessage());
    assertTrue(HandlerStack.isEmpty(), "left: " + HandlerStack.active());
    assertEquals(Shape.of(), scalarShapeOnThisThread());
  }

  /**
   * A scan body that fails with a plate open: the body's exception propagates (it used to be
   * replaced by the complaint of the scan's own handlers, which stayed on the stack).
   */
  @Test
  void aFailingScanBodyUnwindsTheScansHandlers() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
      try (Seed s = Handlers.seed(RngKey.of(0))) {
        scan((Tensor c, Tensor x) -> {
          if (x.item() == 2.0) {
            FAILS_IN_AN_OPEN_PLATE.run(null);
          }
          return ScanStep.of(c, sample("z", Normal.standard()));
        }, Tensor.scalar(0.0), Tensor.arange(4));
      }
    });
    assertEquals("the model failed", e.getMessage());
    assertTrue(HandlerStack.isEmpty(), "left: " + HandlerStack.active());
    assertEquals(Shape.of(), scalarShapeOnThisThread());
  }

  /**
   * Closing out of order without a failure still pops both and reports it; closing the one popped
   * with it afterwards does nothing.
   */
  @Test
  void anOutOfOrderClosePopsEverythingAboveThenReports() {
    Plate outer = plate("a", 2);
    Plate inner = plate("b", 3);
    IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
    assertTrue(e.getMessage().startsWith("handlers must close in reverse order of entering: Plate "
        + "closed while Plate was still open above it"), e.getMessage());
    assertTrue(HandlerStack.isEmpty(), "left: " + HandlerStack.active());
    inner.close();
    assertEquals(Shape.of(), scalarShapeOnThisThread());
  }

  /** A close complaint after a failure is attached to the failure, never replaces it. */
  @Test
  void closeAllKeepsTheFailureAndClosesEveryHandler() {
    RuntimeException failure = new RuntimeException("body failed");
    Trace tr = Handlers.trace();
    Seed s = Handlers.seed(RngKey.of(0));
    plate("left-open", 2);
    Messenger.closeAll(java.util.List.of(tr, s), failure);
    assertTrue(HandlerStack.isEmpty(), "left: " + HandlerStack.active());
    assertEquals(1, failure.getSuppressed().length);
    assertSame(IllegalStateException.class, failure.getSuppressed()[0].getClass());
  }
}
