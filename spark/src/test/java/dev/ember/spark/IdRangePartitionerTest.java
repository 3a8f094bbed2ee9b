// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing ids by the partitions' id ranges, against the ranges written out by hand. */
class IdRangePartitionerTest {

  @Test
  void eachIdGoesToThePartitionWhoseRangeHoldsIt() {
    // partition 3 holds [-50, -1], partition 0 [0, 99], partition 2 [200, 250]; 1 is empty
    IdRangePartitioner p = new IdRangePartitioner(4, new long[] {-50, 0, 200},
        new int[] {3, 0, 2});
    assertEquals(4, p.numPartitions());
    for (long id = -50; id <= -1; id++) {
      assertEquals(3, p.getPartition(id), "id " + id);
    }
    for (long id = 0; id <= 99; id++) {
      assertEquals(0, p.getPartition(id), "id " + id);
    }
    for (long id = 200; id <= 250; id++) {
      assertEquals(2, p.getPartition(id), "id " + id);
    }
    // ids the data do not hold: the range below, or the first one
    assertEquals(0, p.getPartition(150L));
    assertEquals(2, p.getPartition(Long.MAX_VALUE));
    assertEquals(3, p.getPartition(Long.MIN_VALUE));
  }

  @Test
  void theSetUpPassesBlocksGiveTheRanges() {
    DataPreparation.Block b0 = block(0, 10, 19);
    DataPreparation.Block empty = block(1, Long.MAX_VALUE, Long.MIN_VALUE);
    DataPreparation.Block b2 = block(2, 0, 9);
    IdRangePartitioner p = DataPreparation.ranges(List.of(b0, empty, b2), 3);
    assertEquals(new IdRangePartitioner(3, new long[] {0, 10}, new int[] {2, 0}), p);
    assertEquals(2, p.getPartition(9L));
    assertEquals(0, p.getPartition(10L));
  }

  @Test
  void equalPartitionersAreEqualAndBadRangesAreNamed() {
    IdRangePartitioner a = new IdRangePartitioner(2, new long[] {0, 10}, new int[] {0, 1});
    assertEquals(a, new IdRangePartitioner(2, new long[] {0, 10}, new int[] {0, 1}));
    assertEquals(a.hashCode(),
        new IdRangePartitioner(2, new long[] {0, 10}, new int[] {0, 1}).hashCode());
    assertNotEquals(a, new IdRangePartitioner(2, new long[] {0, 10}, new int[] {1, 0}));
    assertNotEquals(a, new org.apache.spark.HashPartitioner(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new IdRangePartitioner(2, new long[] {10, 0}, new int[] {0, 1}));
    assertTrue(e.getMessage().contains("ascend"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new IdRangePartitioner(2, new long[] {0}, new int[] {2}));
    assertTrue(e.getMessage().contains("partition 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new IdRangePartitioner(2, new long[] {0, 1}, new int[] {0}));
    assertTrue(e.getMessage().contains("one start per non-empty partition"), e.getMessage());
  }

  /** A block whose summary holds one valid row unless its range is empty. */
  private static DataPreparation.Block block(int partition, long min, long max) {
    DataSummary s = DataSummary.empty();
    if (min <= max) {
      s.add(new SequenceRow(min, new double[] {1.0}, Map.of()), List.of());
    }
    return new DataPreparation.Block(partition, null, s, min, max, DuplicateIds.none());
  }
}
