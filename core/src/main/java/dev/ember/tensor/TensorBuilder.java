// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

/**
 * Fills a new tensor element by element, or block by block, and then hands its array to the
 * tensor without a copy: the way code outside this package (samplers, data generators) makes a
 * fresh tensor at the cost of writing it once. The array never leaves the builder, and after
 * {@link #build()} the builder writes no more, so the tensor's values cannot change.
 *
 * <pre>{@code
 * TensorBuilder b = Tensor.builder(Shape.of(3));
 * for (int i = 0; i < 3; i++) {
 *   b.set(i, i * i);
 * }
 * Tensor squares = b.build(); // [0, 1, 4]
 * b.set(0, 7.0);              // throws IllegalStateException: already built
 * }</pre>
 */
public final class TensorBuilder {
  private final Shape shape;
  private double[] values;

  TensorBuilder(Shape shape) {
    this.shape = shape;
    this.values = new double[shape.numel()];
  }

  /** The shape of the tensor being built. */
  public Shape shape() {
    return shape;
  }

  /** Sets element {@code i} (row-major) to {@code v}. */
  public void set(int i, double v) {
    open()[i] = v;
  }

  /** Copies {@code src[from .. from + count)} into elements {@code at .. at + count)}. */
  public void put(int at, double[] src, int from, int count) {
    System.arraycopy(src, from, open(), at, count);
  }

  /** Element {@code i} as set so far (0 if not set). */
  public double get(int i) {
    return open()[i];
  }

  /** The tensor; the builder cannot be written afterwards. */
  public Tensor build() {
    double[] v = open();
    values = null;
    return new Tensor(v, shape);
  }

  private double[] open() {
    double[] v = values;
    if (v == null) {
      throw new IllegalStateException(
          "TensorBuilder: the tensor of shape " + shape + " was built already; a built tensor "
              + "is never written, so start a new builder");
    }
    return v;
  }
}
