// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.guides;

import dev.ember.dist.Distribution;
import dev.ember.dist.transforms.Transform;
import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;

/**
 * How an autoguide chooses the initial (constrained) value of each latent site from the model's
 * prior at that site.
 *
 * <pre>{@code
 * AutoNormal<Tensor> guide = AutoNormal.of(model)
 *     .initStrategy(InitStrategy.value(Map.of("phi", Tensor.scalar(0.5)), InitStrategy.median()));
 * }</pre>
 *
 * <p>Reference: NumPyro {@code infer.initialization}.
 */
@FunctionalInterface
public interface InitStrategy extends Serializable {
  /**
   * The initial value of site {@code name}.
   *
   * @param name the site
   * @param fn the site's distribution in the model (plates applied)
   * @param transform the bijection from unconstrained space to the site's support
   * @param key randomness for strategies that draw
   */
  Tensor init(String name, Distribution fn, Transform transform, RngKey key);

  /** The elementwise median of 15 prior draws (NumPyro's {@code init_to_median}). */
  static InitStrategy median() {
    return (name, fn, transform, key) -> {
      int n = 15;
      Tensor draws = fn.sample(key, Shape.of(n)); // [15, ...]
      int size = draws.shape().numel() / n;
      double[] d = draws.toArray();
      double[] out = new double[size];
      double[] column = new double[n];
      for (int i = 0; i < size; i++) {
        for (int j = 0; j < n; j++) {
          column[j] = d[j * size + i];
        }
        Arrays.sort(column);
        out[i] = column[n / 2];
      }
      return Tensor.of(out, fn.batchShape().concat(fn.eventShape()));
    };
  }

  /** One prior draw. */
  static InitStrategy sample() {
    return (name, fn, transform, key) -> fn.sample(key, Shape.SCALAR);
  }

  /** Zero in unconstrained space: a feasible point of every support (e.g. 1 for positive). */
  static InitStrategy feasible() {
    return (name, fn, transform, key) ->
        transform.forward(Tensor.zeros(transform.inverseShape(fn.batchShape().concat(fn.eventShape()))));
  }

  /** Uniform in {@code (-radius, radius)} in unconstrained space (NumPyro's default, radius 2). */
  static InitStrategy uniform(double radius) {
    if (!(radius > 0) || Double.isInfinite(radius)) {
      throw new IllegalArgumentException("InitStrategy.uniform: radius must be positive, got " + radius);
    }
    return (name, fn, transform, key) -> {
      Shape u = transform.inverseShape(fn.batchShape().concat(fn.eventShape()));
      return transform.forward(Samplers.uniform(key, u).mul(2 * radius).sub(radius));
    };
  }

  /** The given values (constrained) where named, {@code fallback} for the other sites. */
  static InitStrategy value(Map<String, Tensor> values, InitStrategy fallback) {
    Map<String, Tensor> copy = Map.copyOf(values);
    return (name, fn, transform, key) -> {
      Tensor v = copy.get(name);
      return v != null ? v.broadcastTo(fn.batchShape().concat(fn.eventShape()))
          : fallback.init(name, fn, transform, key);
    };
  }
}
