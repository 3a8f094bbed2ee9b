// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link Strided#gather} against the definition, element by element: the one-block copy (a row,
 * leading rows, size-1 axes with any stride, a scalar) and the general walk must agree.
 */
class StridedGatherTest {
  private static final double[] SRC = new double[60];

  static {
    for (int i = 0; i < SRC.length; i++) {
      SRC[i] = i * 1.5 - 7;
    }
  }

  /** Element {@code idx} of the result is {@code src[base + sum(idx[d] * strides[d])]}. */
  private static double[] definition(int base, int[] strides, int[] shape) {
    double[] out = new double[Strided.numel(shape)];
    int[] idx = new int[shape.length];
    for (int k = 0; k < out.length; k++) {
      int off = base;
      for (int d = 0; d < shape.length; d++) {
        off += idx[d] * strides[d];
      }
      out[k] = SRC[off];
      for (int d = shape.length - 1; d >= 0; d--) {
        if (++idx[d] < shape[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
    return out;
  }

  private static void check(int base, int[] strides, int[] shape) {
    double[] expected = definition(base, strides, shape);
    assertArrayEquals(expected, Strided.gather(SRC, base, strides, shape), 0.0);
  }

  @Test
  void oneBlockCopies() {
    check(12, new int[] {1}, new int[] {12}); // row 1 of [5, 12]
    check(24, new int[] {12, 1}, new int[] {3, 12}); // rows 2..4 of [5, 12]
    check(8, new int[] {12, 4, 1}, new int[] {2, 3, 4}); // rows of [.., 3, 4] from offset 8
    check(5, new int[] {99, 1}, new int[] {1, 7}); // a size-1 axis may have any stride
    check(5, new int[] {1, 0}, new int[] {7, 1});
    check(17, new int[0], new int[0]); // a scalar
    check(3, new int[] {1}, new int[] {0}); // empty
  }

  @Test
  void generalWalks() {
    check(0, new int[] {1, 12}, new int[] {12, 5}); // a transpose
    check(2, new int[] {12}, new int[] {5}); // a column
    check(0, new int[] {0, 1}, new int[] {3, 12}); // a broadcast over rows
    check(10, new int[] {1, 0}, new int[] {4, 3}); // a broadcast inside rows
    check(59, new int[] {-12, -1}, new int[] {4, 3}); // flipped
    check(0, new int[] {24, 1}, new int[] {2, 12}); // every other row
    check(0, new int[] {12, 2}, new int[] {3, 6}); // every other column
  }
}
