// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Counts of keys in parts add up the same whether sparse, dense or mixed, in any grouping. */
class PartCountsTest {

  @Test
  void anyGroupingOfKeysGivesTheCountsOfAllOfThem() {
    Random random = new Random(4);
    int parts = 64;
    for (int trial = 0; trial < 50; trial++) {
      long[] want = new long[parts];
      PartCounts sum = null;
      int groups = 1 + random.nextInt(6);
      for (int g = 0; g < groups; g++) {
        // groups of 0 to 80 keys: below and above half the parts, so both forms meet
        int[] keys = new int[random.nextInt(81)];
        for (int i = 0; i < keys.length; i++) {
          keys[i] = random.nextInt(parts);
          want[keys[i]]++;
        }
        PartCounts c = PartCounts.of(parts, keys);
        sum = sum == null ? c : random.nextBoolean() ? sum.merge(c) : c.merge(sum);
      }
      assertArrayEquals(want, sum.counts(), "trial " + trial);
    }
  }

  @Test
  void fewKeysStayAListAndManyBecomeCounts() {
    PartCounts few = PartCounts.of(8, new int[] {3, 3, 7, 0});
    assertNull(few.dense());
    assertArrayEquals(new long[] {1, 0, 0, 2, 0, 0, 0, 1}, few.counts());
    PartCounts many = few.merge(PartCounts.of(8, new int[] {1}));
    assertNotNull(many.dense());
    assertArrayEquals(new long[] {1, 1, 0, 2, 0, 0, 0, 1}, many.counts());
    assertThrows(IllegalArgumentException.class, () -> few.merge(PartCounts.of(4, new int[0])));
  }
}
