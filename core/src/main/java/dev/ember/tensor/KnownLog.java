// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

/**
 * The elementwise logarithm of a tensor, known from how the tensor was made: {@code exp(x)} has
 * log {@code x}, and a gather (slice, select, broadcast, ...) of it has the same gather of
 * {@code x} as its log. A log-density of a scale that a positive constraint made with {@code exp}
 * then reads the log instead of computing it, which is both cheaper and exact.
 *
 * <p>Only exps whose every result is a normal, finite double carry one (so that the log of the
 * stored value is the input up to rounding). Gathers are not composed: a gather of a gathered log
 * has none. Values are gathered when asked for, so an unused log costs nothing.
 */
final class KnownLog {
  /** The log values of the tensor this was read from ({@link #base} etc. null: of this one). */
  private final double[] source;

  private final int base;
  private final int[] strides;
  private final int[] shape;

  private KnownLog(double[] source, int base, int[] strides, int[] shape) {
    this.source = source;
    this.base = base;
    this.strides = strides;
    this.shape = shape;
  }

  /** Smallest and largest x whose exp is a normal, finite double. */
  static final double MIN_ARG = -708.0;

  static final double MAX_ARG = 709.0;

  /** The log of a tensor whose values are {@code exp(x)} for these {@code x}, row-major. */
  static KnownLog of(double[] x) {
    return new KnownLog(x, 0, null, null);
  }

  /** The log of {@code Strided.gather(this tensor's values, base, strides, shape)}, or null. */
  KnownLog gather(int gatherBase, int[] gatherStrides, int[] gatherShape) {
    return strides != null ? null : new KnownLog(source, gatherBase, gatherStrides, gatherShape);
  }

  /** The log values, row-major (shared: must not be written). */
  double[] values() {
    return strides == null ? source : Strided.gather(source, base, strides, shape);
  }

  /** Log values read in place: element {@code i} is {@code array[offset + i]}. */
  record Block(double[] array, int offset) {}

  /**
   * {@code t}'s log values if known and {@code t} is one value or of shape {@code s}, else null;
   * read in place when they are one block of the source (a slice of leading rows, a select of
   * the first axis), gathered otherwise.
   */
  static Block operand(Tensor t, Shape s) {
    KnownLog k = t.knownLog;
    if (k == null || (t.data.length != 1 && !t.shape.equals(s))) {
      return null;
    }
    if (k.strides == null) {
      return new Block(k.source, 0);
    }
    return Strided.contiguous(k.strides, k.shape)
        ? new Block(k.source, k.base) : new Block(k.values(), 0);
  }
}
