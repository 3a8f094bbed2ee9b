// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * The value of a scalar function and its gradient with respect to each named parameter.
 *
 * @param value the function's value, a scalar tensor (untracked)
 * @param grad one gradient per parameter, each shaped like that parameter; insertion order is the
 *     parameters' order
 */
public record ValueAndGrad(Tensor value, Map<String, Tensor> grad) {
  /** The value as a {@code double}. */
  public double loss() {
    return value.item();
  }
}
