// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Count, mean and sd against the two-pass formulas over all values at once, whatever the grouping
 * into sequences and partitions; and the warning for data far from the unit scale.
 */
class ValueStatsTest {
  static final double[][] SEQUENCES = {{1.0, 2.5, -0.5}, {4.0}, {0.25, 0.75, 3.0, -2.0}, {1e-3}};

  /** mean and sd (n - 1) of all values, two passes. */
  static double[] twoPass(double[][] seqs, double shift) {
    double[] all = Arrays.stream(seqs).flatMapToDouble(Arrays::stream).map(v -> v + shift)
        .toArray();
    double mean = Arrays.stream(all).sum() / all.length;
    double ss = Arrays.stream(all).map(v -> (v - mean) * (v - mean)).sum();
    return new double[] {all.length, mean, Math.sqrt(ss / (all.length - 1))};
  }

  static double[][] shifted(double shift) {
    return Arrays.stream(SEQUENCES).map(s -> Arrays.stream(s).map(v -> v + shift).toArray())
        .toArray(double[][]::new);
  }

  @Test
  void anyGroupingGivesTheTwoPassMeanAndSd() {
    for (double shift : new double[] {0.0, 1e6, -3e8}) {
      double[][] seqs = shifted(shift);
      double[] want = twoPass(SEQUENCES, shift);
      ValueStats oneByOne = ValueStats.empty();
      for (double[] s : seqs) {
        oneByOne = oneByOne.add(s);
      }
      // two partitions, merged in either order, and the empty summary on either side
      ValueStats left = ValueStats.empty().add(seqs[0]).add(seqs[1]);
      ValueStats right = ValueStats.empty().add(seqs[2]).add(seqs[3]);
      for (ValueStats v : new ValueStats[] {oneByOne, left.merge(right), right.merge(left),
          ValueStats.empty().merge(left.merge(right)), left.merge(right).merge(ValueStats.empty())}) {
        assertEquals((long) want[0], v.count());
        assertEquals(want[1], v.mean(), 1e-12 * Math.max(1, Math.abs(want[1])), "mean");
        // relative to the sd: the shift of 3e8 costs digits of the squares' sum
        assertEquals(want[2], v.sd(), 1e-8 * want[2], "sd, shift " + shift);
      }
    }
  }

  /** A range of an array, at any offset and of any length mod 4, has its values' statistics. */
  @Test
  void aRangeOfAnArrayHasItsValuesStatistics() {
    double[] all = new double[40];
    for (int i = 0; i < all.length; i++) {
      all[i] = 1e5 + Math.sin(i) * (i % 7);
    }
    for (int from = 0; from < 5; from++) {
      for (int to = from + 1; to <= all.length; to += 3) {
        double[] part = Arrays.copyOfRange(all, from, to);
        double[] want = twoPass(new double[][] {part}, 0.0);
        ValueStats got = ValueStats.of(all, from, to);
        assertEquals(to - from, got.count());
        assertEquals(want[1], got.mean(), 1e-12 * Math.abs(want[1]));
        if (to - from > 1) {
          // the squares' sum of values near 1e5: digits lost to the mean's rounding
          assertEquals(want[2], got.sd(), 1e-9 * Math.max(1.0, want[2]), from + ".." + to);
        }
      }
    }
    assertEquals(0, ValueStats.of(all, 3, 3).count());
  }

  @Test
  void dataFarFromTheUnitScaleAreWarnedAboutByMeanAndSd() {
    ValueStats unit = ValueStats.empty();
    ValueStats far = ValueStats.empty();
    ValueStats wide = ValueStats.empty().add(new double[] {-5e3, 5e3, 0});
    for (double[] s : SEQUENCES) {
      unit = unit.add(s);
    }
    for (double[] s : shifted(1e6)) {
      far = far.add(s);
    }
    assertTrue(unit.scaleWarning().isEmpty());
    String w = far.scaleWarning().orElseThrow();
    double[] want = twoPass(SEQUENCES, 1e6);
    assertTrue(w.contains(String.format(Locale.ROOT, "mean %.6g", want[1]))
        && w.contains(String.format(Locale.ROOT, "sd %.6g", want[2]))
        && w.contains("standardize"), w);
    assertTrue(wide.scaleWarning().orElseThrow().contains("sd 5000.00"), "a large sd alone");
    assertTrue(ValueStats.empty().add(new double[] {1e300, 0}).scaleWarning().isPresent());
  }
}
