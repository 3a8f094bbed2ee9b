// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import java.util.Arrays;

/**
 * Order statistics of timed samples, as the benchmarks that are plain programs report them.
 *
 * <pre>{@code
 * double[] ms = {3.1, 2.9, 4.0, 3.0};
 * SampleStats.median(ms);          // 3.05
 * SampleStats.quantile(ms, 0.1);   // 2.93
 * }</pre>
 */
final class SampleStats {
  private SampleStats() {}

  /** The median, linear between the two middle order statistics; NaN for no samples. */
  static double median(double[] v) {
    return quantile(v, 0.5);
  }

  /** The {@code q} quantile, linear between order statistics; NaN for no samples. */
  static double quantile(double[] v, double q) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    double h = (s.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (h - lo) * (s[hi] - s[lo]);
  }
}
