// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import java.lang.ref.SoftReference;
import java.util.Arrays;

/**
 * The last few gathers (slices, selects, ...) of one untracked tensor, kept with it: a gather of
 * an immutable tensor is a pure function of it, so a model that slices its data the same way at
 * every step (its observations after the first, a row of them) copies them once. The results are
 * shared, which is safe because tensors are never written. Held softly, so that the memory they
 * take is given back under pressure; small gathers are not kept (copying them is cheaper than
 * looking them up), nor gathers made while recording is off (a first-order backward pass, whose
 * gathered gradients must be new arrays).
 */
final class GatherMemo {
  /** Gathers of fewer elements are not kept. */
  static final int MIN_SIZE = 256;

  private static final int ENTRIES = 4;

  private record Entry(int base, int[] strides, int[] shape, boolean row, Tensor out) {
    boolean matches(int b, int[] st, int[] sh, boolean r) {
      return base == b && row == r && Arrays.equals(strides, st) && Arrays.equals(shape, sh);
    }
  }

  private final Entry[] entries = new Entry[ENTRIES];
  private int next;

  /** The kept result of this gather of {@code a}, or null. */
  static Tensor get(Tensor a, int base, int[] strides, int[] shape, boolean row) {
    SoftReference<GatherMemo> ref = a.gathers;
    GatherMemo memo = ref == null ? null : ref.get();
    if (memo == null) {
      return null;
    }
    synchronized (memo) {
      for (Entry e : memo.entries) {
        if (e != null && e.matches(base, strides, shape, row)) {
          return e.out;
        }
      }
    }
    return null;
  }

  /** Keeps {@code out} as this gather of {@code a}, in place of the oldest kept one. */
  static void put(Tensor a, int base, int[] strides, int[] shape, boolean row, Tensor out) {
    SoftReference<GatherMemo> ref = a.gathers;
    GatherMemo memo = ref == null ? null : ref.get();
    if (memo == null) {
      memo = new GatherMemo();
      a.gathers = new SoftReference<>(memo); // a racing thread may replace it: only a lost entry
    }
    synchronized (memo) {
      memo.entries[memo.next] = new Entry(base, strides.clone(), shape.clone(), row, out);
      memo.next = (memo.next + 1) % ENTRIES;
    }
  }
}
