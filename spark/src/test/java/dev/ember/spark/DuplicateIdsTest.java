// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Runs of equal ids are counted, and counts of rows that share no id add up. */
class DuplicateIdsTest {

  @Test
  void runsOfEqualIdsAreCountedAndTheSmallestNamed() {
    assertEquals(new DuplicateIds(2, 5, 5, 3),
        DuplicateIds.inSorted(new long[] {3, 5, 5, 5, 8, 8}, 6));
    assertEquals(DuplicateIds.none(), DuplicateIds.inSorted(new long[] {-4, 1, 2}, 3));
    assertEquals(DuplicateIds.none(), DuplicateIds.inSorted(new long[0], 0));
    // only the first n are read
    assertEquals(DuplicateIds.none(), DuplicateIds.inSorted(new long[] {1, 2, 2}, 2));
    assertEquals(new DuplicateIds(1, 2, 7, 2), DuplicateIds.inSorted(new long[] {1, 7, 7}, 3));
  }

  @Test
  void countsOfRowsThatShareNoIdMergeKeepingTheSmallest() {
    DuplicateIds low = new DuplicateIds(1, 3, -10, 3);
    DuplicateIds high = new DuplicateIds(2, 4, 50, 2);
    assertEquals(new DuplicateIds(3, 7, -10, 3), low.merge(high));
    assertEquals(new DuplicateIds(3, 7, -10, 3), high.merge(low));
    assertEquals(high, DuplicateIds.none().merge(high));
    assertEquals(high, high.merge(DuplicateIds.none()));
  }
}
