// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The shape of a {@link Tensor}: an immutable list of non-negative dimension sizes.
 *
 * <p>A scalar has the empty shape {@code []}. Negative axis arguments count from the right, as in
 * NumPy ({@code -1} is the last axis). Broadcasting follows NumPy: shapes are aligned on the right
 * and each pair of dimensions must be equal or one of them 1.
 *
 * <pre>{@code
 * Shape s = Shape.of(3, 4);
 * s.numel();                                   // 12
 * Shape.broadcast(s, Shape.of(4), "add");      // [3, 4]
 * }</pre>
 */
public final class Shape implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The shape of a scalar, {@code []}. */
  public static final Shape SCALAR = new Shape(new int[0]);

  final int[] dims;
  private final int numel;
  /** The strides of a row-major layout of this shape (never written; rebuilt when read back). */
  final transient int[] rowMajor;

  private Shape(int[] dims) {
    this.dims = dims;
    long n = 1;
    for (int d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "Shape: dimensions must be >= 0, but got " + Arrays.toString(dims));
      }
      n *= d;
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "Shape: " + Arrays.toString(dims) + " has more than 2^31-1 elements");
      }
    }
    this.numel = (int) n;
    this.rowMajor = Strided.rowMajor(dims);
  }

  /** A shape read back from bytes is built again, which derives its row-major strides. */
  private Object readResolve() {
    return dims.length == 0 ? SCALAR : new Shape(dims.clone());
  }

  /** A shape with the given dimensions (copied). */
  public static Shape of(int... dims) {
    return dims.length == 0 ? SCALAR : new Shape(dims.clone());
  }

  /** Wraps an array this class owns from now on (no copy). */
  static Shape wrap(int[] dims) {
    return dims.length == 0 ? SCALAR : new Shape(dims);
  }

  /** Number of dimensions. */
  public int rank() {
    return dims.length;
  }

  /** Size of {@code axis}; negative axes count from the right. */
  public int dim(int axis) {
    return dims[axis(axis)];
  }

  /** Total number of elements (1 for a scalar). */
  public int numel() {
    return numel;
  }

  /** A copy of the dimensions. */
  public int[] toArray() {
    return dims.clone();
  }

  /** Normalizes a possibly negative axis to {@code [0, rank)}, or throws naming the rank. */
  public int axis(int axis) {
    return axis(axis, null);
  }

  /**
   * Normalizes a possibly negative axis to {@code [0, rank)}, or throws naming the operation
   * {@code op}, the shape and its rank: {@code "sum: axis 2 is out of range for shape [2, 3] of
   * rank 2"}.
   */
  public int axis(int axis, String op) {
    int a = axis < 0 ? axis + dims.length : axis;
    if (a < 0 || a >= dims.length) {
      throw new IllegalArgumentException(
          (op == null ? "" : op + ": ")
              + "axis " + axis + " is out of range for shape " + this + " of rank "
              + dims.length);
    }
    return a;
  }

  /** This shape followed by {@code other}: {@code [2] + [3, 4] = [2, 3, 4]}. */
  public Shape concat(Shape other) {
    int[] r = Arrays.copyOf(dims, dims.length + other.dims.length);
    System.arraycopy(other.dims, 0, r, dims.length, other.dims.length);
    return wrap(r);
  }

  /** The dimensions {@code [from, to)}. */
  public Shape sub(int from, int to) {
    return wrap(Arrays.copyOfRange(dims, from, to));
  }

  /** The last {@code n} dimensions. */
  public Shape suffix(int n) {
    if (n > dims.length) {
      throw new IllegalArgumentException("cannot take the last " + n + " dims of " + this);
    }
    return sub(dims.length - n, dims.length);
  }

  /** The shape without its first {@code n} dimensions. */
  public Shape dropLeft(int n) {
    return sub(Math.min(n, dims.length), dims.length);
  }

  /** A new shape with {@code size} prepended: {@code [T] + this}. */
  public Shape prepend(int size) {
    int[] r = new int[dims.length + 1];
    r[0] = size;
    System.arraycopy(dims, 0, r, 1, dims.length);
    return wrap(r);
  }

  /** Whether this shape ends with {@code suffix}. */
  public boolean endsWith(Shape suffix) {
    int off = dims.length - suffix.dims.length;
    if (off < 0) {
      return false;
    }
    for (int i = 0; i < suffix.dims.length; i++) {
      if (dims[off + i] != suffix.dims[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The NumPy broadcast of two shapes.
   *
   * @param op the operation name, used in the error message
   * @throws IllegalArgumentException "op: cannot broadcast [3, 4] with [5]"
   */
  public static Shape broadcast(Shape a, Shape b, String op) {
    Shape s = broadcastOrNull(a, b);
    if (s == null) {
      throw new IllegalArgumentException(op + ": cannot broadcast " + a + " with " + b);
    }
    return s;
  }

  /** The NumPy broadcast of two shapes, or {@code null} if they do not broadcast. */
  static Shape broadcastOrNull(Shape a, Shape b) {
    if (a.equals(b)) {
      return a;
    }
    int n = Math.max(a.dims.length, b.dims.length);
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      int da = i < n - a.dims.length ? 1 : a.dims[i - (n - a.dims.length)];
      int db = i < n - b.dims.length ? 1 : b.dims[i - (n - b.dims.length)];
      if (da != db && da != 1 && db != 1) {
        return null;
      }
      r[i] = da == 1 ? db : da;
    }
    return wrap(r);
  }

  /** Whether {@code this} broadcasts to {@code target} without changing {@code target}. */
  public boolean broadcastsTo(Shape target) {
    if (dims.length > target.dims.length) {
      return false;
    }
    int off = target.dims.length - dims.length;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] != 1 && dims[i] != target.dims[off + i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** {@code [3, 4]}; a scalar prints as {@code []}. */
  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
