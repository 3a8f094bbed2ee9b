// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Trace;
import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * The log joint density of a model at given values: {@code sum over sample sites of scale *
 * sum(masked log p)}, with the contribution of each site.
 *
 * <pre>{@code
 * LogDensity.Result r = LogDensity.logDensity(model, data, Map.of("mu", Tensor.scalar(0.3)));
 * r.total();          // log p(mu = 0.3, data)
 * r.perSite().get("y"); // the likelihood term
 * }</pre>
 */
public final class LogDensity {
  private LogDensity() {}

  /**
   * The total and the per-site terms.
   *
   * @param total the log joint, a scalar tensor (differentiable in tracked values)
   * @param perSite each sample site's scaled, summed term, in execution order
   * @param trace the model's trace
   */
  public record Result(Tensor total, Map<String, Tensor> perSite, Trace trace) {}

  /**
   * Runs {@code model} on {@code data} with the latent sites (and params) given by {@code
   * values}, and sums the scaled, masked log-densities of all its sample sites.
   */
  public static <D> Result logDensity(Model<D> model, D data, Map<String, Tensor> values) {
    Trace tr = Handlers.trace(Handlers.substitute(model, values)).getTrace(data);
    Map<String, Tensor> perSite = tr.logProbs();
    Tensor total = Tensor.scalar(0.0);
    for (Tensor t : perSite.values()) {
      total = total.add(t);
    }
    return new Result(total, perSite, tr);
  }
}
