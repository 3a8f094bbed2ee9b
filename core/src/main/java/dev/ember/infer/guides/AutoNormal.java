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
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * <p><b>Masked sites.</b> As in NumPyro, the guide does not see the model's masks. Where the model
 * masks a latent site's elements and scores them nowhere else (the padded steps of
 * variable-length series), their only gradient is the guide's entropy, which raises their
 * log-scale by about the learning rate at every Adam step until the scale overflows. {@link #mask}
 * masks the guide's draws of such sites the same way:
 *
 * <pre>{@code
 * AutoNormal<SequenceBatch> guide = AutoNormal.of(model).mask(SequenceBatch::observed, "z");
 * }</pre>
 *
 * <p>Reference: NumPyro {@code infer.autoguide.AutoNormal}.
 */
public final class AutoNormal<D> extends AutoGuide<D> {
  private static final long serialVersionUID = 1L;

  private final InitStrategy init;
  private final double initScale;
  /** The masks of the sites the guide scores only in part, by site name. */
  private final Map<String, SiteMask<D>> masks;

  private AutoNormal(Model<D> model, String prefix, InitStrategy init, double initScale,
      Map<String, SiteMask<D>> masks) {
    super(model, prefix);
    if (!(initScale > 0) || Double.isInfinite(initScale)) {
      throw new IllegalArgumentException("AutoNormal: initScale must be positive, got " + initScale);
    }
    this.init = Objects.requireNonNull(init, "init");
    this.initScale = initScale;
    this.masks = masks;
  }

  /** The guide for {@code model}: init to uniform(-2, 2) in unconstrained space, scale 0.1. */
  public static <D> AutoNormal<D> of(Model<D> model) {
    return new AutoNormal<>(model, "auto", InitStrategy.uniform(2.0), 0.1, Map.of());
  }

  /** The same guide with another init strategy for the locations. */
  public AutoNormal<D> initStrategy(InitStrategy strategy) {
    return new AutoNormal<>(model, prefix, strategy, initScale, masks);
  }

  /** The same guide with another initial scale (in unconstrained space). */
  public AutoNormal<D> initScale(double scale) {
    return new AutoNormal<>(model, prefix, init, scale, masks);
  }

  /** The same guide with another param-name prefix. */
  public AutoNormal<D> prefix(String p) {
    return new AutoNormal<>(model, p, init, initScale, masks);
  }

  /**
   * The same guide with the draws of {@code sites} masked by {@code mask(data)}: where it is
   * false, the guide's log-density of the site is not scored, as where a model masks the site
   * (the draws are still made). The mask must broadcast to each site's batch shape without
   * growing it; a site the model does not have is an error at the first run.
   */
  public AutoNormal<D> mask(SiteMask<D> mask, String... sites) {
    Objects.requireNonNull(mask, "mask");
    if (sites.length == 0) {
      throw new IllegalArgumentException("AutoNormal.mask: name the latent sites to mask");
    }
    Map<String, SiteMask<D>> m = new LinkedHashMap<>(masks);
    for (String site : sites) {
      m.put(Objects.requireNonNull(site, "site"), mask);
    }
    return new AutoNormal<>(model, prefix, init, initScale, Collections.unmodifiableMap(m));
  }

  @Override
  public void run(D data) {
    List<LatentSite> sites = latentSites(data);
    checkMaskedSites(sites);
    Map<String, Plate> plates = openPlates(sites);
    for (int i = 0; i < sites.size(); i++) {
      LatentSite s = sites.get(i);
      final int index = i;
      Tensor loc = param(prefix + "_" + s.name() + "_loc",
          key -> initialUnconstrained(s, init, index), Constraints.real());
      Tensor scale = param(prefix + "_" + s.name() + "_scale",
          key -> Tensor.full(initScale, s.unconstrainedShape()), Constraints.positive());
      inPlates(s, plates, () -> emit(s, masked(s, data, posterior(s,
          subsample(loc, s, plates, s.eventRank()), subsample(scale, s, plates, s.eventRank())))));
    }
  }

  /** Every masked site must be a latent site of the model. */
  private void checkMaskedSites(List<LatentSite> sites) {
    for (String name : masks.keySet()) {
      if (sites.stream().noneMatch(s -> s.name().equals(name))) {
        throw new IllegalArgumentException("AutoNormal.mask: the model has no latent site '" + name
            + "' (its latent sites: " + sites.stream().map(LatentSite::name).toList() + ")");
      }
    }
  }

  /** {@code fn} masked as {@link #mask} asks for the site, or as it is. */
  private Distribution masked(LatentSite s, D data, Distribution fn) {
    SiteMask<D> maskOf = masks.get(s.name());
    if (maskOf == null) {
      return fn;
    }
    Tensor m = maskOf.of(data);
    Shape batch = fn.batchShape();
    boolean fits;
    try {
      fits = m.isBool() && Shape.broadcast(batch, m.shape(), "mask").equals(batch);
    } catch (IllegalArgumentException e) {
      fits = false;
    }
    if (!fits) {
      throw new IllegalArgumentException("AutoNormal.mask: the mask of site '" + s.name()
          + "' must be a boolean tensor that broadcasts to the site's batch shape " + batch
          + ", but it has dtype " + m.dtype() + " and shape " + m.shape());
    }
    return fn.mask(m);
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
