// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import java.lang.ref.SoftReference;
import java.util.Arrays;

/**
 * Arrays of one repeated value for {@link Tensor#zeros} and {@link Tensor#full}, shared between
 * tensors when large: tensors are never written, so every tensor of zeros of a size can read the
 * same array. A model or guide that builds its initial values at every call (as {@code param}
 * sites do, the value being used only at the first step) then fills them once. A few recent
 * arrays are kept per thread, softly.
 */
final class Filled {
  private Filled() {}

  /** Arrays of fewer elements are made anew (filling them costs less than looking them up). */
  static final int MIN_SIZE = 4096;

  private static final int KEPT = 4;

  private record Entry(long bits, SoftReference<double[]> values) {}

  private static final ThreadLocal<Entry[]> RECENT = ThreadLocal.withInitial(() -> new Entry[KEPT]);

  /** An array of {@code n} copies of {@code value}; shared (never to be written) when large. */
  static double[] of(double value, int n) {
    if (n < MIN_SIZE) {
      return filled(value, n);
    }
    long bits = Double.doubleToRawLongBits(value);
    Entry[] recent = RECENT.get();
    for (int i = 0; i < KEPT; i++) {
      Entry e = recent[i];
      double[] v = e == null || e.bits != bits ? null : e.values.get();
      if (v != null && v.length == n) {
        if (i > 0) { // most recent first
          System.arraycopy(recent, 0, recent, 1, i);
          recent[0] = e;
        }
        return v;
      }
    }
    double[] v = filled(value, n);
    System.arraycopy(recent, 0, recent, 1, KEPT - 1);
    recent[0] = new Entry(bits, new SoftReference<>(v));
    return v;
  }

  private static double[] filled(double value, int n) {
    double[] d = new double[n];
    if (Double.doubleToRawLongBits(value) != 0L) {
      Arrays.fill(d, value);
    }
    return d;
  }
}
