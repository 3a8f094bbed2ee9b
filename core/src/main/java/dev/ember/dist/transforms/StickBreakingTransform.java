// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * Stick breaking from {@code R^(K-1)} onto the simplex of {@code K} categories.
 *
 * <p>With the offset {@code x_i - log(K - 1 - i)} (so that 0 maps to the uniform vector), {@code
 * z_i = sigmoid(x_i - offset_i)} is the fraction of the remaining stick taken by category {@code
 * i}: {@code y_i = z_i prod_{j<i}(1 - z_j)} and the last category gets the rest. {@code log |det
 * J| = sum_i log y_i + log(1 - z_i)}, computed from {@code x} with log-sigmoids (stable even when
 * {@code y_i} underflows).
 *
 * <pre>{@code
 * new StickBreakingTransform().forward(Tensor.zeros(2)); // [1/3, 1/3, 1/3]
 * }</pre>
 *
 * <p>Unlike NumPyro, {@code z} is not clamped: the remaining stick {@code prod_{j<=i}(1 - z_j)} is
 * computed as {@code exp(sum log sigmoid(-x_j + offset_j))}, which stays positive for {@code |x|}
 * up to about 700 even where {@code z} itself rounds to 1, so every entry is positive there.
 *
 * <p>References: Stan Reference Manual, "Unit simplex"; NumPyro {@code StickBreakingTransform}.
 */
public final class StickBreakingTransform extends Transform {
  private static final long serialVersionUID = 1L;

  private static Tensor offset(int k) {
    return Tensor.arange(k).rsub(k).log(); // log(K-1 - i) for i < K-1, with k = K-1
  }

  @Override
  public Tensor forward(Tensor x) {
    int k = x.dim(-1);
    Tensor xs = x.sub(offset(k)); // [..., K-1]
    Tensor z = xs.sigmoid();
    Tensor remaining = xs.neg().logSigmoid().cumsum(-1).exp(); // prod_{j<=i} (1 - z_j)
    Shape one = x.shape().sub(0, x.rank() - 1).concat(Shape.of(1));
    Tensor zPadded = Tensor.concat(-1, z, Tensor.ones(one));
    Tensor before = Tensor.concat(-1, Tensor.ones(one), remaining);
    return zPadded.mul(before); // [..., K]
  }

  /**
   * {@code x_i = log y_i - log(sum_{j>i} y_j) + offset_i}. The remaining stick is summed from the
   * tail rather than taken as {@code 1 - sum_{j<=i} y_j} (NumPyro's form), which would lose its
   * relative precision when little stick remains; the two agree on the simplex. The remainder is
   * clamped at {@code Double.MIN_NORMAL}, as NumPyro clamps it at the smallest normal number.
   */
  @Override
  public Tensor inverse(Tensor y) {
    int k = y.dim(-1) - 1;
    Tensor tail = y.flip(-1).cumsum(-1).flip(-1); // [..., K]: sum_{j>=i} y_j
    Tensor remaining = tail.slice(-1, 1, k + 1).clamp(Double.MIN_NORMAL, Double.MAX_VALUE);
    return y.slice(-1, 0, k).log().sub(remaining.log()).add(offset(k)); // [..., K-1]
  }

  @Override
  public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
    Tensor xs = x.sub(offset(x.dim(-1)));
    Tensor logOneMinusZ = xs.neg().logSigmoid();
    Tensor logBefore = logOneMinusZ.cumsum(-1).sub(logOneMinusZ); // sum_{j<i} log(1 - z_j)
    return xs.logSigmoid().add(logBefore).add(logOneMinusZ).sum(-1);
  }

  @Override
  public Constraint domain() {
    return Constraints.realVector();
  }

  @Override
  public Constraint codomain() {
    return Constraints.simplex();
  }

  @Override
  public Shape forwardShape(Shape xShape) {
    return xShape.sub(0, xShape.rank() - 1).concat(Shape.of(xShape.dim(-1) + 1));
  }

  @Override
  public Shape inverseShape(Shape yShape) {
    return yShape.sub(0, yShape.rank() - 1).concat(Shape.of(yShape.dim(-1) - 1));
  }
}
