// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.constraints;

import dev.ember.tensor.Tensor;

/** The real line: finite values (NaN and ±infinity excluded, as NumPyro's {@code real}). */
final class Real extends Constraint {
  private static final long serialVersionUID = 1L;

  static final Real INSTANCE = new Real();

  private Real() {}

  @Override
  public Tensor check(Tensor value) {
    return value.isFinite();
  }

  @Override
  public Tensor feasibleLike(Tensor prototype) {
    return Tensor.zeros(prototype.shape());
  }

  @Override
  public String toString() {
    return "real";
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
