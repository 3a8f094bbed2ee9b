// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.ember.random.RngKey;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The radix order against a comparison sort of boxed positions by (key, position). */
class RadixOrderTest {

  static int[] reference(long[] keys) {
    return IntStream.range(0, keys.length).boxed()
        .sorted(Comparator.<Integer>comparingLong(i -> keys[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
  }

  @Test
  void ordersSignedKeysStablyLikeAComparisonSort() {
    RngKey key = RngKey.of(11);
    for (int n : new int[] {0, 1, 2, 31, 1000, 5000}) {
      long[] wide = new long[n];
      long[] few = new long[n];
      long[] sameHighBits = new long[n];
      for (int i = 0; i < n; i++) {
        wide[i] = key.bits(i); // any sign, any magnitude
        few[i] = (key.bits(n + i) & 3) - 1; // ties: stability matters
        sameHighBits[i] = Long.MIN_VALUE + (key.bits(2L * n + i) & 0xFF); // passes skipped
      }
      assertArrayEquals(reference(wide), RadixOrder.byKey(wide, n), "wide, n " + n);
      assertArrayEquals(reference(few), RadixOrder.byKey(few, n), "ties, n " + n);
      assertArrayEquals(reference(sameHighBits), RadixOrder.byKey(sameHighBits, n),
          "one high digit, n " + n);
    }
    long[] extremes = {Long.MAX_VALUE, 0, Long.MIN_VALUE, -1, 1, Long.MIN_VALUE};
    assertArrayEquals(reference(extremes), RadixOrder.byKey(extremes, extremes.length));
  }
}
