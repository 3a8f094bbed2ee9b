// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.Normal;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Padding, masks and errors of sequence batches. */
class SequenceBatchTest {
  @Test
  void padsTimeMajorAndMasksThePadding() {
    SequenceBatch b = SequenceBatch.of(new long[] {7, 9},
        new double[][] {{0.1, 0.3, 0.2}, {1.0, 0.8}}, 10);
    assertEquals(Shape.of(3, 2), b.values().shape());
    assertArrayEquals(new double[] {0.1, 1.0, 0.3, 0.8, 0.2, 0.0}, b.values().toArray(), 0.0);
    assertArrayEquals(new double[] {1, 1, 1, 1, 1, 0}, b.observed().toArray(), 0.0);
    assertArrayEquals(new int[] {3, 2}, b.lengths());
    assertEquals(5.0, b.scale(), 0.0);
    assertEquals(2, b.size());
    assertEquals(3, b.steps());
  }

  @Test
  void padsAcrossBlocksOfSeries() {
    // 21 series of lengths 1..7: the layout copies 8 series at a time; every element as defined
    int b = 21;
    long[] ids = new long[b];
    double[][] rows = new double[b][];
    for (int i = 0; i < b; i++) {
      ids[i] = 100 + i;
      rows[i] = new double[1 + i % 7];
      for (int s = 0; s < rows[i].length; s++) {
        rows[i][s] = i + 0.01 * s;
      }
    }
    SequenceBatch batch = SequenceBatch.of(ids, rows, 1000);
    assertEquals(Shape.of(7, b), batch.values().shape());
    for (int s = 0; s < 7; s++) {
      for (int i = 0; i < b; i++) {
        boolean in = s < rows[i].length;
        assertEquals(in ? rows[i][s] : 0.0, batch.values().get(s, i), 0.0);
        assertEquals(in ? 1.0 : 0.0, batch.observed().get(s, i), 0.0);
      }
    }
  }

  @Test
  void theMaskOfSequencesThatFillTheirStepsIsAllTrueAndMasksAsAnExplicitOne() {
    // 80 series of 70 steps (5 600 elements): all fill the steps, then series 37 has 41
    int t = 70;
    int b = 80;
    int[] full = new int[b];
    Arrays.fill(full, t);
    Tensor all = SequenceBatch.observedMask(full, t);
    assertEquals(Shape.of(t, b), all.shape());
    assertTrue(all.isBool());
    double[] ones = new double[t * b];
    Arrays.fill(ones, 1.0);
    assertArrayEquals(ones, all.toArray(), 0.0);
    int[] ragged = full.clone();
    ragged[37] = 41;
    Tensor some = SequenceBatch.observedMask(ragged, t);
    assertTrue(some.isBool());
    for (int s = 0; s < t; s++) {
      for (int i = 0; i < b; i++) {
        assertEquals(s < ragged[i] ? 1.0 : 0.0, some.get(s, i), 0.0);
      }
    }
    // a standard Normal's log density at y = (k mod 7) / 2, summed where each mask is true:
    // every element, then all but the 29 steps past series 37's end (k = s * b + i)
    double[] y = new double[t * b];
    double sumAll = 0;
    double sumSome = 0;
    for (int k = 0; k < y.length; k++) {
      y[k] = (k % 7) / 2.0;
      double lp = -0.5 * y[k] * y[k] - 0.5 * Math.log(2 * Math.PI);
      sumAll += lp;
      sumSome += k % b == 37 && k / b >= 41 ? 0.0 : lp;
    }
    Tensor values = Tensor.of(y, Shape.of(t, b));
    assertEquals(sumAll, Normal.of(0.0, 1.0).mask(all).logProbSum(values).item(),
        1e-12 * Math.abs(sumAll));
    assertEquals(sumSome, Normal.of(0.0, 1.0).mask(some).logProbSum(values).item(),
        1e-12 * Math.abs(sumSome));
  }

  @Test
  void aHorizonAddsUnobservedStepsAndHistoryRemovesThem() {
    SequenceBatch b = SequenceBatch.of(new long[] {7, 9},
        new double[][] {{0.1, 0.3, 0.2}, {1.0, 0.8}}, 10);
    assertEquals(0, b.horizon());
    assertTrue(b.withHorizon(0) == b && b.history() == b);
    SequenceBatch f = b.withHorizon(2);
    assertEquals(Shape.of(5, 2), f.values().shape());
    assertEquals(2, f.horizon());
    assertArrayEquals(new double[] {0.1, 1.0, 0.3, 0.8, 0.2, 0.0, 0, 0, 0, 0},
        f.values().toArray(), 0.0);
    assertTrue(f.observed().isBool());
    assertArrayEquals(new double[] {1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, f.observed().toArray(), 0.0);
    assertArrayEquals(new int[] {3, 2}, f.lengths());
    assertArrayEquals(new long[] {7, 9}, f.ids());
    assertEquals(10, f.totalSeries());
    SequenceBatch h = f.history();
    assertEquals(0, h.horizon());
    assertArrayEquals(b.values().toArray(), h.values().toArray(), 0.0);
    assertArrayEquals(b.observed().toArray(), h.observed().toArray(), 0.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.withHorizon(-1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }

  @Test
  void badBatchesNameTheProblem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SequenceBatch.of(new long[] {4}, new double[][] {{}}, 10));
    assertTrue(e.getMessage().contains("id 4"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> SequenceBatch.of(new long[] {1, 2}, new double[][] {{1}}, 10));
    assertThrows(IllegalArgumentException.class,
        () -> SequenceBatch.of(new long[] {1, 2}, new double[][] {{1}, {2}}, 1));
    e = assertThrows(IllegalArgumentException.class,
        () -> SequenceBatch.of(new long[] {1}, new double[][] {{1}}, 5).covariate("x"));
    assertTrue(e.getMessage().contains("'x'"));
  }
}
