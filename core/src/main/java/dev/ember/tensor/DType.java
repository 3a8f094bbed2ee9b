// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

/**
 * The element type of a {@link Tensor}. Storage is always {@code double[]}; the type records how
 * the values are meant.
 *
 * <ul>
 *   <li>{@link #FLOAT64}: real numbers (integers, such as counts or categories, are stored exactly
 *       up to 2^53);
 *   <li>{@link #BOOL}: 0 or 1, produced by comparisons and accepted by {@code where} and masks.
 * </ul>
 *
 * <pre>{@code
 * Tensor x = Tensor.of(1.0, -2.0, 3.0);
 * Tensor positive = x.gt(0.0);                  // dtype BOOL: [true, false, true]
 * Tensor y = Tensor.where(positive, x, Tensor.scalar(0.0)); // FLOAT64: [1, 0, 3]
 * }</pre>
 */
public enum DType {
  /** IEEE-754 double. */
  FLOAT64,
  /** Booleans stored as 0.0 / 1.0. */
  BOOL
}
