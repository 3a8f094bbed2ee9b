// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

/**
 * The structural half of {@link Tensor}'s operations (reductions, shape operations and linear
 * algebra), declared here so that the file stays readable; every method is public on {@link
 * Tensor}, the one subclass.
 */
abstract sealed class TensorStructure extends TensorMath permits Tensor {
  // ---------------------------------------------------------------- reductions

  /** Sum of all elements, shape {@code []}. */
  public Tensor sum() {
    return Reductions.sumAll(self());
  }

  /** Sum over {@code axis}, which is removed. */
  public Tensor sum(int axis) {
    return Reductions.sum(self(), axis, false);
  }

  /** Sum over {@code axis}; with {@code keepDims} the axis stays with size 1. */
  public Tensor sum(int axis, boolean keepDims) {
    return Reductions.sum(self(), axis, keepDims);
  }

  /** Sums broadcast dimensions away so the result has {@code target}'s shape. */
  public Tensor sumTo(Shape target) {
    return Reductions.sumTo(self(), target);
  }

  /**
   * {@code mul(factor).sumTo(target)}; for a one-element target and untracked operands of one
   * shape a dot product, without the product as a tensor of its own.
   */
  public Tensor mulSumTo(Tensor factor, Shape target) {
    return Reductions.mulSumTo(self(), factor, target);
  }

  /** Mean of all elements. */
  public Tensor mean() {
    return sum().div(self().shape.numel());
  }

  /** Mean over {@code axis}. */
  public Tensor mean(int axis) {
    return mean(axis, false);
  }

  /** Mean over {@code axis}, optionally keeping it. */
  public Tensor mean(int axis, boolean keepDims) {
    int n = self().shape.dims[self().shape.axis(axis, "mean")];
    return sum(axis, keepDims).div(n);
  }

  /** Product of all elements. */
  public Tensor prod() {
    return self().reshape(-1).prod(0);
  }

  /**
   * Product over {@code axis}. Its gradient is exact where elements are zero, but first-order
   * only: differentiating it twice throws {@link UnsupportedOperationException}.
   */
  public Tensor prod(int axis) {
    return Reductions.prod(self(), axis, false);
  }

  /** Product over {@code axis}, optionally keeping it. */
  public Tensor prod(int axis, boolean keepDims) {
    return Reductions.prod(self(), axis, keepDims);
  }

  /** Maximum of all elements. */
  public Tensor max() {
    return self().reshape(-1).max(0);
  }

  /** Maximum over {@code axis}; the gradient is split evenly among ties. */
  public Tensor max(int axis) {
    return Reductions.extreme(self(), axis, false, true);
  }

  /** Maximum over {@code axis}, optionally keeping it. */
  public Tensor max(int axis, boolean keepDims) {
    return Reductions.extreme(self(), axis, keepDims, true);
  }

  /** Minimum of all elements. */
  public Tensor min() {
    return self().reshape(-1).min(0);
  }

  /** Minimum over {@code axis}. */
  public Tensor min(int axis) {
    return Reductions.extreme(self(), axis, false, false);
  }

  /** Minimum over {@code axis}, optionally keeping it. */
  public Tensor min(int axis, boolean keepDims) {
    return Reductions.extreme(self(), axis, keepDims, false);
  }

  /** {@code log(sum(exp(x)))} of all elements, computed stably. */
  public Tensor logSumExp() {
    return self().reshape(-1).logSumExp(0);
  }

  /** {@code log(sum(exp(x)))} over {@code axis}, computed stably. */
  public Tensor logSumExp(int axis) {
    return Reductions.logSumExp(self(), axis, false);
  }

  /** {@code log(sum(exp(x)))} over {@code axis}, optionally keeping it. */
  public Tensor logSumExp(int axis, boolean keepDims) {
    return Reductions.logSumExp(self(), axis, keepDims);
  }

  /** Cumulative sum along {@code axis}. */
  public Tensor cumsum(int axis) {
    return Reductions.cumsum(self(), axis);
  }

  /** Index of the maximum along {@code axis} (first among ties), as a float tensor. */
  public Tensor argmax(int axis) {
    return Reductions.argmax(self(), axis);
  }

  // ---------------------------------------------------------------- shape operations

  /** The same values in a new shape; one dimension may be -1 (inferred). Shares storage. */
  public Tensor reshape(int... newShape) {
    return ShapeOps.reshape(self(), newShape);
  }

  /** The same values in a new shape. Shares storage. */
  public Tensor reshape(Shape newShape) {
    return ShapeOps.reshape(self(), newShape.toArray());
  }

  /** Broadcasts to {@code target} (NumPy's broadcast_to); the gradient is summed back. */
  public Tensor broadcastTo(Shape target) {
    return ShapeOps.broadcastTo(self(), target);
  }

  /** Broadcasts to {@code target}. */
  public Tensor broadcastTo(int... target) {
    return ShapeOps.broadcastTo(self(), Shape.of(target));
  }

  /** Removes every axis of size 1. */
  public Tensor squeeze() {
    return ShapeOps.squeeze(self());
  }

  /** Removes {@code axis}, which must have size 1. */
  public Tensor squeeze(int axis) {
    return ShapeOps.squeeze(self(), axis);
  }

  /** Inserts an axis of size 1 at {@code axis} (in the result's numbering). */
  public Tensor unsqueeze(int axis) {
    return ShapeOps.unsqueeze(self(), axis);
  }

  /** Swaps the last two axes (a matrix transpose, batched). */
  public Tensor transpose() {
    if (self().rank() < 2) {
      throw new IllegalArgumentException("transpose: needs rank >= 2, but shape is " + self().shape);
    }
    return transpose(-2, -1);
  }

  /** Swaps two axes. */
  public Tensor transpose(int a, int b) {
    int[] perm = new int[self().rank()];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = i;
    }
    int x = self().shape.axis(a, "transpose");
    int y = self().shape.axis(b, "transpose");
    perm[x] = y;
    perm[y] = x;
    return permute(perm);
  }

  /** Reorders the axes: result axis {@code i} is input axis {@code perm[i]}. */
  public Tensor permute(int... perm) {
    return ShapeOps.permute(self(), perm);
  }

  /** Moves axis {@code from} to position {@code to}, keeping the others in order. */
  public Tensor moveAxis(int from, int to) {
    return ShapeOps.moveAxis(self(), from, to);
  }

  /** Elements {@code [start, end)} along {@code axis}; negative bounds count from the end. */
  public Tensor slice(int axis, int start, int end) {
    return ShapeOps.slice(self(), axis, start, end, 1);
  }

  /** Elements {@code start, start+step, ...} before {@code end} along {@code axis}. */
  public Tensor slice(int axis, int start, int end, int step) {
    return ShapeOps.slice(self(), axis, start, end, step);
  }

  /** Position {@code i} along {@code axis}, which is removed. */
  public Tensor select(int axis, int i) {
    return ShapeOps.select(self(), axis, i);
  }

  /** The entries at {@code indices} along {@code axis} (NumPy's take); repeats allowed. */
  public Tensor index(int axis, int... indices) {
    return ShapeOps.index(self(), axis, indices);
  }

  /** {@link Tensor#index(int, int...)} with indices given as an integer-valued tensor. */
  public Tensor index(int axis, Tensor indices) {
    return ShapeOps.index(self(), axis, indices);
  }

  /** Reverses the order along {@code axis}. */
  public Tensor flip(int axis) {
    return ShapeOps.flip(self(), axis);
  }

  /** Stacks equally shaped tensors along a new axis. */
  public static Tensor stack(int axis, Tensor... parts) {
    return ShapeOps.stack(axis, parts);
  }

  /** Stacks equally shaped tensors along a new axis. */
  public static Tensor stack(int axis, java.util.List<Tensor> parts) {
    return ShapeOps.stack(axis, parts.toArray(new Tensor[0]));
  }

  /** Joins tensors along an existing axis. */
  public static Tensor concat(int axis, Tensor... parts) {
    return ShapeOps.concat(axis, parts);
  }

  // ---------------------------------------------------------------- linear algebra

  /**
   * Matrix product with NumPy's matmul rules: 1-D operands are promoted and the added axis
   * removed; leading (batch) axes broadcast. {@code [..., n, k] @ [..., k, m] -> [..., n, m]}.
   */
  public Tensor matmul(Tensor other) {
    return LinearAlgebra.matmul(self(), other);
  }

  /** Lower Cholesky factor {@code L} of a symmetric positive-definite matrix, batched. */
  public Tensor cholesky() {
    return LinearAlgebra.cholesky(self());
  }

  /**
   * Solves {@code A X = B} for triangular {@code A} (this), batched.
   *
   * @param b right-hand side {@code [..., n, m]}
   * @param lower whether {@code A} is lower triangular (only that triangle is read)
   */
  public Tensor triangularSolve(Tensor b, boolean lower) {
    return LinearAlgebra.triangularSolve(self(), b, lower);
  }

  /** {@code log det} of a symmetric positive-definite matrix via its Cholesky factor, batched. */
  public Tensor logDet() {
    return LinearAlgebra.cholesky(self()).diagonal().log().sum(-1).mul(2.0);
  }

  /** The diagonal of the last two axes: {@code [..., n, n] -> [..., n]}. */
  public Tensor diagonal() {
    return LinearAlgebra.diagonal(self());
  }

  /** A diagonal matrix from the last axis: {@code [..., n] -> [..., n, n]}. */
  public Tensor diagEmbed() {
    return LinearAlgebra.diagEmbed(self());
  }

  /** The lower triangle (diagonal {@code k} and below) of the last two axes; the rest zero. */
  public Tensor tril(int k) {
    return LinearAlgebra.triangle(self(), k, true);
  }

  /** The upper triangle (diagonal {@code k} and above) of the last two axes; the rest zero. */
  public Tensor triu(int k) {
    return LinearAlgebra.triangle(self(), k, false);
  }
}
