// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import java.io.Serializable;

/**
 * The CPU storage: a {@code double[]} on the Java heap, read directly by the kernels of this
 * package. Its array is written only before the first tensor over it exists (by the kernel that
 * made it) or by the {@link OwnedBuffer} that holds it, which increases {@link #version} first.
 */
final class HeapStorage implements Storage, Serializable {
  private static final long serialVersionUID = 1L;

  final double[] values;

  /** Written only by {@link OwnedBuffer}. */
  int version;

  HeapStorage(double[] values) {
    this.values = values;
  }

  @Override
  public int length() {
    return values.length;
  }

  @Override
  public double get(int index) {
    return values[index];
  }

  @Override
  public void copyTo(int from, double[] dst, int dstOffset, int count) {
    System.arraycopy(values, from, dst, dstOffset, count);
  }

  @Override
  public int version() {
    return version;
  }
}
