// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.guides;

import static dev.ember.primitives.Primitives.param;

import dev.ember.dist.Distribution;
import dev.ember.dist.Normal;
import dev.ember.dist.TransformedDistribution;
import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mean-field Normal guide in unconstrained space: each latent site {@code z} is {@code
 * bijectTo(support)(u)} with {@code u ~ Normal(loc, scale)} elementwise, {@code loc} and {@code
 * scale} being the params {@code auto_z_loc} and {@code auto_z_scale} (positive).
 *
 * <pre>{@code
 * AutoNormal<Tensor> guide = AutoNormal.of(model).initScale(0.05);
 * Svi.RunResult fit = Svi.of(model, guide, Adam.of(0.01), new TraceElbo()).run(key, 2000, data);
 * Map<String, Tensor> medians = guide.median(fit.params());
 * }</pre>
 *
 * <p>Sites in scan bodies are drawn as one {@code [T, ...]} site; sites in subsampled plates keep
 * full-size params, gathered to the subsample on each run (see {@link AutoGuide}).
 *
 * <p>Reference: NumPyro {@code infer.autoguide.AutoNormal}.
 */
public final class AutoNormal<D> extends AutoGuide<D> {
  private static final long serialVersionUID = 1L;

  private final InitStrategy init;
  private final double initScale;

  private AutoNormal(Model<D> model, String prefix, InitStrategy init, double initScale) {
    super(model, prefix);
    if (!(initScale > 0) || Double.isInfinite(initScale)) {
      throw new IllegalArgumentException("AutoNormal: initScale must be positive, got " + initScale);
    }
    this.init = java.util.Objects.requireNonNull(init, "init");
    this.initScale = initScale;
  }

  /** The guide for {@code model}: init to uniform(-2, 2) in unconstrained space, scale 0.1. */
  public static <D> AutoNormal<D> of(Model<D> model) {
    return new AutoNormal<>(model, "auto", InitStrategy.uniform(2.0), 0.1);
  }

  /** The same guide with another init strategy for the locations. */
  public AutoNormal<D> initStrategy(InitStrategy strategy) {
    return new AutoNormal<>(model, prefix, strategy, initScale);
  }

  /** The same guide with another initial scale (in unconstrained space). */
  public AutoNormal<D> initScale(double scale) {
    return new AutoNormal<>(model, prefix, init, scale);
  }

  /** The same guide with another param-name prefix. */
  public AutoNormal<D> prefix(String p) {
    return new AutoNormal<>(model, p, init, initScale);
  }

  @Override
  public void run(D data) {
    List<LatentSite> sites = latentSites(data);
    Map<String, Plate> plates = openPlates(sites);
    for (int i = 0; i < sites.size(); i++) {
      LatentSite s = sites.get(i);
      final int index = i;
      Tensor loc = param(prefix + "_" + s.name() + "_loc",
          key -> initialUnconstrained(s, init, index), Constraints.real());
      Tensor scale = param(prefix + "_" + s.name() + "_scale",
          key -> Tensor.full(initScale, s.unconstrainedShape()), Constraints.positive());
      inPlates(s, plates, () -> emit(s, posterior(s,
          subsample(loc, s, plates, s.eventRank()), subsample(scale, s, plates, s.eventRank()))));
    }
  }

  private static Distribution posterior(LatentSite s, Tensor loc, Tensor scale) {
    Distribution base = Normal.of(loc, scale);
    if (s.eventRank() > 0) {
      base = base.toEvent(s.eventRank());
    }
    return s.isReal() ? base : new TransformedDistribution(base, List.of(s.transform()));
  }

  /** Each site's median (constrained): the transform of its {@code loc}, from fitted params. */
  public Map<String, Tensor> median(Map<String, Tensor> params) {
    return atStandardScore(params, 0.0);
  }

  /**
   * Each site's marginal quantile {@code q} (constrained): the transform of {@code loc + scale *
   * Phi^-1(q)}, exact for elementwise transforms.
   */
  public Map<String, Tensor> quantile(Map<String, Tensor> params, double q) {
    return atStandardScore(params, zOf(q));
  }

  private Map<String, Tensor> atStandardScore(Map<String, Tensor> params, double z) {
    if (prototype() == null) {
      throw new IllegalStateException("AutoNormal: run the guide (or SVI) once before asking for quantiles");
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (LatentSite s : prototype()) {
      Tensor loc = require(params, prefix + "_" + s.name() + "_loc");
      Tensor scale = require(params, prefix + "_" + s.name() + "_scale");
      out.put(s.name(), s.transform().forward(loc.add(scale.mul(z))).detach());
    }
    return out;
  }

  private static double zOf(double q) {
    if (!(q > 0 && q < 1)) {
      throw new IllegalArgumentException("quantile: q must be in (0, 1), got " + q);
    }
    return Math.sqrt(2.0) * Tensor.scalar(2 * q - 1).erfinv().item(); // Phi^-1(q)
  }

  private static Tensor require(Map<String, Tensor> params, String name) {
    Tensor t = params.get(name);
    if (t == null) {
      throw new IllegalArgumentException("AutoNormal: no param '" + name + "' among " + params.keySet());
    }
    return t;
  }
}
