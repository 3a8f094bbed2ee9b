// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import static dev.ember.primitives.Primitives.param;
import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Primitives.sampleOverTime;
import static dev.ember.primitives.Scan.scan;

import dev.ember.data.Ar1Data;
import dev.ember.dist.HalfNormal;
import dev.ember.dist.Normal;
import dev.ember.dist.Uniform;
import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.infer.Svi;
import dev.ember.infer.TraceElbo;
import dev.ember.infer.guides.AutoNormal;
import dev.ember.infer.guides.InitStrategy;
import dev.ember.infer.optim.Adam;
import dev.ember.primitives.ScanStep;
import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * The reference model of Ember's performance work: B independent AR(1) series of length T with
 * Gaussian observation noise, written with a series plate and a scan over time.
 *
 * <pre>
 *   z_0 ~ Normal(0, 1),  z_t ~ Normal(phi z_{t-1}, sigma) for t >= 1,  y_t ~ Normal(z_t, tau)
 * </pre>
 *
 * <p>Variant "point": phi, sigma, tau are params (interval(-1, 1), positive, positive; initial 0,
 * 1, 1). Variant "auto": priors phi ~ Uniform(-1, 1), sigma ~ HalfNormal(1), tau ~ HalfNormal(1),
 * guided by an {@link AutoNormal} over those three sites (initialised at 0, 1, 1). In both the latent series has a
 * mean-field Normal guide with loc 0 and scale 0.1 (positive) per element; SVI uses a 1-particle
 * Trace ELBO and Adam(0.01, 0.9, 0.999). Data come from {@link dev.ember.data.Ar1Data}.
 *
 * <p>z_0 has its own distribution, so it is sampled before the scan, which runs over t = 1..T-1;
 * the latent series is the sites {@code z0} {@code [B]} and {@code z} {@code [T-1, B]} (time
 * first, as scan stacks it). The guide keeps its params time-major too: {@code z_loc},
 * {@code z_scale} of shape {@code [T, B]}.
 *
 * <pre>{@code
 * Tensor ys = Ar1Reference.observations(1024, 100); // [T, B]
 * Svi<Tensor> svi = Ar1Reference.svi(Ar1Reference.Variant.POINT).progress(false);
 * Svi.RunResult fit = svi.run(RngKey.of(0), 500, ys);
 * }</pre>
 */
@SuppressWarnings("try") // plates are entered for their effect
public final class Ar1Reference {
  private Ar1Reference() {}

  /**
   * Generated observations of {@code series} AR(1) series of {@code steps} steps ({@link
   * Ar1Data}), {@code [T, B]} and laid out time-major in memory, as the model reads them: a
   * transpose alone may be a view over series-major storage.
   */
  public static Tensor observations(int series, int steps) {
    Tensor t = Ar1Data.generate(series, steps).y().transpose();
    return Tensor.of(t.toArray(), t.shape()); // [T, B]
  }

  /**
   * The {series, steps} of a size written {@code BxT} (as in {@code 1024x100}), as the
   * benchmarks take it; at least one series and two steps (z_0 and one step of the scan).
   *
   * @throws IllegalArgumentException naming the size and the expected form otherwise
   */
  static int[] seriesAndSteps(String size) {
    String[] bt = size.split("x");
    if (bt.length != 2 || !bt[0].matches("[1-9][0-9]{0,8}")
        || !bt[1].matches("[2-9]|[1-9][0-9]{1,8}")) {
      throw new IllegalArgumentException("size '" + size + "': expected series x steps, at least"
          + " 2 steps, as in 1024x100");
    }
    return new int[] {Integer.parseInt(bt[0]), Integer.parseInt(bt[1])};
  }

  /** Whether phi, sigma, tau are point params or latent sites with an AutoNormal guide. */
  public enum Variant { POINT, AUTO }

  /** The model over observations {@code ys} of shape {@code [T, B]}. */
  public static Model<Tensor> model(Variant variant) {
    return ys -> {
      int batch = ys.dim(1);
      Tensor phi;
      Tensor sigma;
      Tensor tau;
      if (variant == Variant.POINT) {
        phi = param("phi", Tensor.scalar(0.0), Constraints.interval(-1.0, 1.0));
        sigma = param("sigma", Tensor.scalar(1.0), Constraints.positive());
        tau = param("tau", Tensor.scalar(1.0), Constraints.positive());
      } else {
        phi = sample("phi", Uniform.of(-1.0, 1.0));
        sigma = sample("sigma", HalfNormal.of(1.0));
        tau = sample("tau", HalfNormal.of(1.0));
      }
      Tensor z0;
      try (Plate p = plate("series", batch)) {
        z0 = sample("z0", Normal.of(0.0, 1.0));
        sample("y0", Normal.of(z0, tau), ys.select(0, 0));
      }
      scan((Tensor prev, Tensor y) -> {
        try (Plate p = plate("series", batch)) {
          Tensor z = sample("z", Normal.of(prev.mul(phi), sigma));
          sample("y", Normal.of(z, tau), y);
          return ScanStep.of(z, (Tensor) null);
        }
      }, z0, ys.slice(0, 1, ys.dim(0)));
    };
  }

  /** The mean-field Normal guide of the latent series (loc 0, scale 0.1). */
  public static Model<Tensor> localGuide() {
    return ys -> {
      int steps = ys.dim(0);
      int batch = ys.dim(1);
      Tensor loc = param("z_loc", Tensor.zeros(steps, batch)); // [T, B]
      Tensor scale = param("z_scale", Tensor.full(0.1, steps, batch), Constraints.positive());
      try (Plate p = plate("series", batch)) {
        sample("z0", Normal.of(loc.select(0, 0), scale.select(0, 0)));
        sampleOverTime("z", Normal.of(loc.slice(0, 1, steps), scale.slice(0, 1, steps)));
      }
    };
  }

  /**
   * The same mean-field guide with one param per site, the layout {@code AutoNormal} uses:
   * {@code z0_loc}, {@code z0_scale} of shape {@code [B]} and {@code z_loc}, {@code z_scale} of
   * shape {@code [T-1, B]}, so nothing is sliced.
   */
  public static Model<Tensor> localGuidePerSite() {
    return ys -> {
      int steps = ys.dim(0);
      int batch = ys.dim(1);
      Tensor loc0 = param("z0_loc", Tensor.zeros(batch)); // [B]
      Tensor scale0 = param("z0_scale", Tensor.full(0.1, batch), Constraints.positive());
      Tensor loc = param("z_loc", Tensor.zeros(steps - 1, batch)); // [T-1, B]
      Tensor scale =
          param("z_scale", Tensor.full(0.1, steps - 1, batch), Constraints.positive());
      try (Plate p = plate("series", batch)) {
        sample("z0", Normal.of(loc0, scale0));
        sampleOverTime("z", Normal.of(loc, scale));
      }
    };
  }

  /** Where the mean-field guide keeps its params: one {@code [T, B]} pair, sliced, or per site. */
  public enum Layout { SLICED, PER_SITE }

  /** The guide of a variant: the local guide, and for AUTO an AutoNormal over phi, sigma, tau. */
  public static Model<Tensor> guide(Variant variant) {
    return guide(variant, Layout.SLICED);
  }

  /** {@link #guide(Variant)} with the local guide's params in the given layout. */
  public static Model<Tensor> guide(Variant variant, Layout layout) {
    Model<Tensor> local = layout == Layout.SLICED ? localGuide() : localGuidePerSite();
    if (variant == Variant.POINT) {
      return local;
    }
    // The autoguide sees the model with the latent series hidden: it guides the globals only.
    // It starts at the point variant's initial values: from NumPyro's default (uniform in
    // (-2, 2) unconstrained) the fit can settle where the series is all observation noise.
    AutoNormal<Tensor> globals = AutoNormal.of(Handlers.block(model(variant),
        m -> m.name() != null && (m.name().equals("z0") || m.name().equals("z"))))
        .initStrategy(InitStrategy.value(Map.of("phi", Tensor.scalar(0.0),
            "sigma", Tensor.scalar(1.0), "tau", Tensor.scalar(1.0)), InitStrategy.median()));
    return ys -> {
      globals.run(ys);
      local.run(ys);
    };
  }

  /** SVI of the variant: 1-particle Trace ELBO, Adam(0.01, 0.9, 0.999). */
  public static Svi<Tensor> svi(Variant variant) {
    return svi(variant, Layout.SLICED);
  }

  /** {@link #svi(Variant)} with the local guide's params in the given layout. */
  public static Svi<Tensor> svi(Variant variant, Layout layout) {
    return Svi.of(model(variant), guide(variant, layout), Adam.of(0.01, 0.9, 0.999, 1e-8),
        new TraceElbo());
  }
}
