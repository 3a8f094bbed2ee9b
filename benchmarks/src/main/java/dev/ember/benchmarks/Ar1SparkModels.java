// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import static dev.ember.primitives.Primitives.param;
import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Primitives.sampleOverTime;
import static dev.ember.primitives.Scan.scan;

import dev.ember.data.SequenceBatch;
import dev.ember.dist.Normal;
import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.primitives.ScanStep;
import dev.ember.tensor.Tensor;
import java.util.List;

/**
 * The AR(1) state-space model over {@link SequenceBatch}es that the Spark benchmarks fit (phi,
 * sigma, tau as params), with an amortized guide (global params only) and a mean-field guide with
 * per-series params.
 *
 * <pre>{@code
 * SparkSvi.builder(Ar1SparkModels.MODEL, Ar1SparkModels.GUIDE).batchSize(1024).build();
 * }</pre>
 */
@SuppressWarnings("try") // plates are entered for their effect
final class Ar1SparkModels {
  private Ar1SparkModels() {}

  /** The reference AR(1) over a batch, masked at the padding. */
  static final Model<SequenceBatch> MODEL = batch -> {
    Tensor phi = param("phi", Tensor.scalar(0.0), Constraints.interval(-1.0, 1.0));
    Tensor sigma = param("sigma", Tensor.scalar(1.0), Constraints.positive());
    Tensor tau = param("tau", Tensor.scalar(1.0), Constraints.positive());
    int b = batch.size();
    scan((Tensor prev, List<Tensor> x) -> {
      try (Plate p = plate("series", b)) {
        Tensor z = sample("z", Normal.of(prev.mul(phi), sigma).mask(x.get(1)));
        sample("y", Normal.of(z, tau).mask(x.get(1)), x.get(0));
        return ScanStep.of(z, (Tensor) null);
      }
    }, Tensor.zeros(b), List.of(batch.values(), batch.observed()));
  };

  /** An amortized guide: z_t ~ N(a y_t + c, s) with global a, c, s. */
  static final Model<SequenceBatch> GUIDE = batch -> {
    Tensor a = param("a", Tensor.scalar(0.5));
    Tensor c = param("c", Tensor.scalar(0.0));
    Tensor s = param("s", Tensor.scalar(0.1), Constraints.positive());
    try (Plate p = plate("series", batch.size())) {
      sampleOverTime("z", Normal.of(batch.values().mul(a).add(c), s).mask(batch.observed()));
    }
  };

  /**
   * The reference model's own local guide: a mean-field Normal over z with per-series params
   * {@code z_loc}, {@code z_scale} of shape {@code [T, B]} (loc 0, scale 0.1), which {@code
   * SparkSvi} keeps on the executors.
   */
  static final Model<SequenceBatch> SERIES_GUIDE = batch -> {
    int t = batch.steps();
    int b = batch.size();
    try (Plate p = plate("series", b)) {
      Tensor loc = param("z_loc", Tensor.zeros(t, b));
      Tensor scale = param("z_scale", Tensor.full(0.1, t, b), Constraints.positive());
      sampleOverTime("z", Normal.of(loc, scale).mask(batch.observed()));
    }
  };
}
