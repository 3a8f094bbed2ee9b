// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import java.util.function.DoublePredicate;

/**
 * Whole-tensor predicates used for validation on hot paths ({@link Tensor#allFinite}, {@link
 * Tensor#allPositiveFinite}, ...). Each reads only the distinct elements of a view: one for a
 * constant fill or a broadcast of one value, the run in place for a contiguous tensor, and a
 * gather otherwise.
 */
final class ValueScans {
  private ValueScans() {}

  /** {@code t} with every axis that it reads with stride 0 cut to size 1: its distinct elements. */
  private static Tensor distinct(Tensor t) {
    if (t.contiguous) {
      return t;
    }
    int[] dims = t.shape.dims.clone();
    boolean repeated = false;
    for (int d = 0; d < dims.length; d++) {
      if (t.strides[d] == 0 && dims[d] > 1) {
        dims[d] = 1;
        repeated = true;
      }
    }
    return repeated ? t.view(t.offset, Shape.wrap(dims), t.strides) : t;
  }

  static boolean allFinite(Tensor all) {
    Tensor t = distinct(all);
    if (t.uniform) {
      return t.size() == 0 || Double.isFinite(t.array()[t.offset]);
    }
    double[] a = t.flat();
    int from = t.flatOffset();
    int end = from + t.size();
    // x * 0 is 0 for finite x and NaN otherwise. Four independent sums: one sum is a chain of
    // dependent adds (the JIT may not reorder floating-point adds), four keep the adder busy.
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    double a3 = 0;
    int i = from;
    for (; i + 3 < end; i += 4) {
      a0 += a[i] * 0.0;
      a1 += a[i + 1] * 0.0;
      a2 += a[i + 2] * 0.0;
      a3 += a[i + 3] * 0.0;
    }
    for (; i < end; i++) {
      a0 += a[i] * 0.0;
    }
    return a0 + a1 + a2 + a3 == 0;
  }

  static boolean allPositiveFinite(Tensor all) {
    Tensor t = distinct(all);
    if (t.uniform) {
      double v = t.size() == 0 ? 1.0 : t.array()[t.offset];
      return v > 0 && v < Double.POSITIVE_INFINITY;
    }
    double[] a = t.flat();
    int from = t.flatOffset();
    int end = from + t.size();
    // finite: x * 0 is 0 (NaN for infinities and NaN), summed in four lanes; positive: no x <= 0
    // (false for NaN, which the sum catches). No chain of dependent integer work per element.
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    double a3 = 0;
    boolean nonPositive = false;
    int i = from;
    for (; i + 3 < end; i += 4) {
      double x0 = a[i];
      double x1 = a[i + 1];
      double x2 = a[i + 2];
      double x3 = a[i + 3];
      a0 += x0 * 0.0;
      a1 += x1 * 0.0;
      a2 += x2 * 0.0;
      a3 += x3 * 0.0;
      nonPositive |= (x0 <= 0) | (x1 <= 0) | (x2 <= 0) | (x3 <= 0);
    }
    for (; i < end; i++) {
      a0 += a[i] * 0.0;
      nonPositive |= a[i] <= 0;
    }
    return !nonPositive && a0 + a1 + a2 + a3 == 0;
  }

  static double minValue(Tensor all) {
    Tensor t = distinct(all);
    if (t.size() == 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (t.uniform) {
      return t.array()[t.offset];
    }
    double[] a = t.flat();
    int from = t.flatOffset();
    int end = from + t.size();
    double m = Double.POSITIVE_INFINITY;
    for (int i = from; i < end; i++) {
      m = Math.min(m, a[i]);
    }
    return m;
  }

  static int firstViolation(Tensor t, DoublePredicate ok) {
    if (t.size() == 0) {
      return -1;
    }
    if (t.uniform) {
      return ok.test(t.array()[t.offset]) ? -1 : 0;
    }
    Tensor d = distinct(t);
    if (d != t && firstViolation(d, ok) < 0) {
      return -1; // every distinct element passes; else find the first position in t's order
    }
    double[] a = t.flat();
    int from = t.flatOffset();
    int n = t.size();
    for (int i = 0; i < n; i++) {
      if (!ok.test(a[from + i])) {
        return i;
      }
    }
    return -1;
  }
}
