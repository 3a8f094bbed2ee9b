// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The aggregator's algebra: identity, associativity, commutativity, order-independent sums. */
class ShardResultTest {
  static ShardResult.Part part(int p, double loss, double g0, double g1) {
    return new ShardResult.Part(p, p + 1, loss, new double[] {g0, g1}, 10.0, new double[] {1, 2});
  }

  static final ShardResult.Part A = part(0, 0.1, 1e16, 1.0);
  static final ShardResult.Part B = part(1, 0.2, -1e16, 2.0);
  static final ShardResult.Part C = part(2, 0.3, 1.0, 3.0);

  static void assertSame(ShardResult x, ShardResult y) {
    assertEquals(x.parts().keySet(), y.parts().keySet());
    assertEquals(x.localLoss(), y.localLoss(), 0.0);
    assertArrayEquals(x.localGradient(2), y.localGradient(2), 0.0);
    assertEquals(x.rows(), y.rows());
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
    assertEquals(1.0, c.merge(b).merge(a).localGradient(2)[0], 0.0);
    assertEquals(6, a.merge(b).merge(c).rows());
  }

  @Test
  void emptyResultsAndDuplicatesAreHandled() {
    assertNull(ShardResult.empty().global());
    assertEquals(0, ShardResult.empty().rows());
    assertArrayEquals(new double[2], ShardResult.empty().localGradient(2), 0.0);
    assertThrows(IllegalStateException.class, () -> ShardResult.empty().add(A).add(A));
    assertThrows(IllegalStateException.class,
        () -> ShardEngine.combine(ShardResult.empty(), 10, 2));
    ShardEngine.Combined c = ShardEngine.combine(ShardResult.empty().add(A).add(C), 12, 2);
    // global 10 + (N / B) * local, B = 1 + 3 rows
    assertEquals(10.0 + 3.0 * (0.1 + 0.3), c.loss(), 1e-15);
    assertEquals(1 + 3.0 * (1e16 + 1.0), c.gradient()[0], 0.0);
    assertEquals(4, c.rows());
  }
}
