// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The aggregator's algebra: identity, associativity, commutativity, order-independent sums. */
class ShardResultTest {
  static ShardResult.Part part(int p, double loss, double g0, double g1) {
    return new ShardResult.Part(p, p + 1, loss, new double[] {g0, g1}, List.of("problem " + p));
  }

  static final ShardResult.Part A = part(0, 0.1, 1e16, 1.0);
  static final ShardResult.Part B = part(1, 0.2, -1e16, 2.0);
  static final ShardResult.Part C = part(2, 0.3, 1.0, 3.0);

  static void assertSame(ShardResult x, ShardResult y) {
    assertEquals(x.parts().keySet(), y.parts().keySet());
    assertEquals(x.loss(), y.loss(), 0.0);
    assertArrayEquals(x.gradient(2), y.gradient(2), 0.0);
    assertEquals(x.rows(), y.rows());
    assertEquals(x.problems(), y.problems());
  }

  @Test
  void mergeIsAssociativeAndCommutativeWithTheEmptyResultAsIdentity() {
    ShardResult a = ShardResult.empty().add(A);
    ShardResult b = ShardResult.empty().add(B);
    ShardResult c = ShardResult.empty().add(C);
    assertSame(a.merge(b).merge(c), a.merge(b.merge(c)));
    assertSame(a.merge(b).merge(c), c.merge(a).merge(b));
    assertSame(a, a.merge(ShardResult.empty()));
    assertSame(a, ShardResult.empty().merge(a));
    // sums run in partition order whatever the merge order: (1e16 - 1e16) + 1 = 1 exactly
    assertEquals(1.0, c.merge(b).merge(a).gradient(2)[0], 0.0);
    assertEquals(6, a.merge(b).merge(c).rows());
    assertEquals(List.of("problem 0", "problem 1", "problem 2"), c.merge(b).merge(a).problems());
  }

  @Test
  void emptyResultsAndDuplicatesAreHandled() {
    assertEquals(0, ShardResult.empty().rows());
    assertEquals(0.0, ShardResult.empty().loss(), 0.0);
    assertArrayEquals(new double[2], ShardResult.empty().gradient(2), 0.0);
    assertTrue(ShardResult.empty().problems().isEmpty());
    assertThrows(IllegalStateException.class, () -> ShardResult.empty().add(A).add(A));
    ShardResult ac = ShardResult.empty().add(C).add(A);
    assertEquals(0.1 + 0.3, ac.loss(), 0.0);
    assertArrayEquals(new double[] {1e16 + 1.0, 4.0}, ac.gradient(2), 0.0);
    assertEquals(4, ac.rows());
  }
}
