// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Arrays;

/**
 * Packing of the lower triangle of {@code n x n} matrices into vectors, row by row ({@code (1,0),
 * (2,0), (2,1), ...} for the strictly lower part, as {@code numpy.tril_indices}), with tensor
 * gathers so gradients flow both ways.
 */
final class TrilVectors {
  private TrilVectors() {}

  /** Flat positions {@code i * n + j} of the entries with {@code j - i <= offset}, row-major. */
  static int[] positions(int n, int offset) {
    int count = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (j - i <= offset) {
          count++;
        }
      }
    }
    int[] p = new int[count];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (j - i <= offset) {
          p[k++] = i * n + j;
        }
      }
    }
    return p;
  }

  /** {@code [..., n, n] -> [..., m]}: the entries with {@code j - i <= offset}. */
  static Tensor toVector(Tensor matrix, int offset) {
    int n = matrix.dim(-1);
    Shape batch = matrix.shape().sub(0, matrix.rank() - 2);
    return matrix.reshape(batch.concat(Shape.of(n * n))).index(-1, positions(n, offset));
  }

  /** {@code [..., m] -> [..., n, n]}: the vector placed at the strictly lower entries, zeros elsewhere. */
  static Tensor strictLowerMatrix(Tensor vector, int n) {
    int m = n * (n - 1) / 2;
    if (vector.dim(-1) != m) {
      throw new IllegalArgumentException(
          "expected " + m + " values for the strictly lower triangle of " + n + " x " + n
              + ", got shape " + vector.shape());
    }
    Shape batch = vector.shape().sub(0, vector.rank() - 1);
    Tensor padded = Tensor.concat(-1, vector, Tensor.zeros(batch.concat(Shape.of(1)))); // [..., m + 1]
    int[] map = new int[n * n];
    Arrays.fill(map, m); // the zero slot
    int[] pos = positions(n, -1);
    for (int k = 0; k < pos.length; k++) {
      map[pos[k]] = k;
    }
    return padded.index(-1, map).reshape(batch.concat(Shape.of(n, n)));
  }

  /** The {@code n} with {@code n (n + 1) / 2 = length} (or {@code n (n - 1) / 2} if strict). */
  static int order(int length, boolean strict, String who) {
    int n = (int) Math.round((Math.sqrt(8.0 * length + 1) + (strict ? 1 : -1)) / 2);
    int expect = strict ? n * (n - 1) / 2 : n * (n + 1) / 2;
    if (expect != length) {
      throw new IllegalArgumentException(
          who + ": a vector of length " + length + " is not the " + (strict ? "strictly " : "")
              + "lower triangle of any square matrix");
    }
    return n;
  }

  /** {@code [..., m] -> [..., n, n]} for the (strictly, if {@code strict}) lower triangle. */
  static Shape matrixShape(Shape vectorShape, boolean strict, String who) {
    if (vectorShape.rank() < 1) {
      throw new IllegalArgumentException(who + ": expected a vector [..., m], got shape []");
    }
    int n = order(vectorShape.dim(-1), strict, who);
    return vectorShape.sub(0, vectorShape.rank() - 1).concat(Shape.of(n, n));
  }

  /** {@code [..., n, n] -> [..., m]} for the (strictly, if {@code strict}) lower triangle. */
  static Shape vectorShape(Shape matrixShape, boolean strict) {
    int n = matrixShape.dim(-1);
    int m = strict ? n * (n - 1) / 2 : n * (n + 1) / 2;
    return matrixShape.sub(0, matrixShape.rank() - 2).concat(Shape.of(m));
  }
}
