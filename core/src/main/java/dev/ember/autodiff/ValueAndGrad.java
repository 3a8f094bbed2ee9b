// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * The value of a scalar function and its gradient with respect to each named parameter.
 *
 * <pre>{@code
 * ValueAndGrad vg = Autodiff.valueAndGrad(
 *     p -> p.get("a").mul(p.get("b")).sum(), Map.of("a", Tensor.of(2.0), "b", Tensor.of(5.0)));
 * vg.loss();           // 10.0
 * vg.grad().get("a");  // [5.0]
 * }</pre>
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
