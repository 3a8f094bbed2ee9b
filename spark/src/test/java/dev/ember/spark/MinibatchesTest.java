// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Minibatches depend on (seed, epoch, id) only and cover each epoch once. */
class MinibatchesTest {
  static final long[] IDS = {5, 91, 17, 3, 44, 28, 60, 12, 77, 8, 33};

  @Test
  void eachEpochVisitsDistinctIdsInBatchesOfExactlyB() {
    Minibatches mb = new Minibatches(IDS, 3, 7);
    assertEquals(3, mb.perEpoch()); // floor(11 / 3)
    for (long epoch = 0; epoch < 4; epoch++) {
      Set<Long> seen = new HashSet<>();
      for (int j = 0; j < 3; j++) {
        long[] b = mb.batch(epoch * 3 + j);
        assertEquals(3, b.length);
        for (long id : b) {
          assertTrue(seen.add(id), "id " + id + " twice in epoch " + epoch);
          assertTrue(Arrays.binarySearch(sorted(), id) >= 0);
        }
      }
      assertEquals(9, seen.size());
    }
  }

  @Test
  void batchesDependOnSeedEpochAndIdsOnly() {
    long[] shuffled = {33, 8, 77, 12, 60, 28, 44, 3, 17, 91, 5};
    Minibatches a = new Minibatches(IDS, 4, 7);
    Minibatches b = new Minibatches(shuffled, 4, 7);
    for (int s = 0; s < 10; s++) {
      assertArrayEquals(a.batch(s), b.batch(s), "step " + s);
    }
    Minibatches c = new Minibatches(IDS, 4, 8);
    boolean differs = false;
    for (int s = 0; s < 4; s++) {
      differs |= !Arrays.equals(a.batch(s), c.batch(s));
    }
    assertTrue(differs, "another seed, another order");
    assertFalse(Arrays.equals(a.batch(0), a.batch(2)), "another epoch, another order");
  }

  @Test
  void badArgumentsAreNamed() {
    assertThrows(IllegalArgumentException.class, () -> new Minibatches(new long[0], 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Minibatches(IDS, 12, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Minibatches(new long[] {4, 9, 4}, 1, 0));
    assertTrue(e.getMessage().contains("4"));
  }

  static long[] sorted() {
    long[] s = IDS.clone();
    Arrays.sort(s);
    return s;
  }
}
