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
import dev.ember.infer.Svi;
import dev.ember.infer.SviState;
import dev.ember.infer.TraceElbo;
import dev.ember.infer.optim.Adam;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The loss and gradient of the AR(1) model that {@code SparkSvi} fits ({@link Ar1SparkModels}:
 * its sites masked at each series' padding) on a batch of 512 series of 20 steps, all of full
 * length or ragged (series i of 20 - i mod 4 steps), with the amortized or the per-series guide;
 * against the same model and guide with no mask at all on series of full length (what a mask
 * costs is the difference). A masked Normal site sums its density in one pass over the elements
 * its mask keeps, from the noise of its own draw in a guide.
 *
 * <pre>{@code
 * java -jar benchmarks/target/ember-benchmarks.jar MaskedStepBenchmark -f 1 -wi 5 -i 5 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@SuppressWarnings("try") // plates are entered for their effect
public class MaskedStepBenchmark {
  private static final int B = 512;
  private static final int T = 20;

  /** The series' lengths: all {@code T}, or {@code T - i mod 4}. */
  @Param({"full", "ragged"})
  public String lengths;

  /** The guide: amortized (global params) or per-series ({@code [T, B]} params). */
  @Param({"amortized", "per-series"})
  public String guide;

  private Svi<SequenceBatch> masked;
  private Svi<SequenceBatch> unmasked;
  private SequenceBatch batch;
  private SequenceBatch full;
  private SviState maskedState;
  private SviState unmaskedState;
  private long calls;

  /** The model of {@link Ar1SparkModels#MODEL} with no mask. */
  static final Model<SequenceBatch> UNMASKED_MODEL = b -> {
    Tensor phi = param("phi", Tensor.scalar(0.0), Constraints.interval(-1.0, 1.0));
    Tensor sigma = param("sigma", Tensor.scalar(1.0), Constraints.positive());
    Tensor tau = param("tau", Tensor.scalar(1.0), Constraints.positive());
    int n = b.size();
    scan((Tensor prev, Tensor y) -> {
      try (Plate p = plate("series", n)) {
        Tensor z = sample("z", Normal.of(prev.mul(phi), sigma));
        sample("y", Normal.of(z, tau), y);
        return ScanStep.of(z, (Tensor) null);
      }
    }, Tensor.zeros(n), b.values());
  };

  /** {@link Ar1SparkModels#GUIDE} with no mask. */
  static final Model<SequenceBatch> UNMASKED_GUIDE = b -> {
    Tensor a = param("a", Tensor.scalar(0.5));
    Tensor c = param("c", Tensor.scalar(0.0));
    Tensor s = param("s", Tensor.scalar(0.1), Constraints.positive());
    try (Plate p = plate("series", b.size())) {
      sampleOverTime("z", Normal.of(b.values().mul(a).add(c), s));
    }
  };

  /** {@link Ar1SparkModels#SERIES_GUIDE} with no mask. */
  static final Model<SequenceBatch> UNMASKED_SERIES_GUIDE = b -> {
    try (Plate p = plate("series", b.size())) {
      Tensor loc = param("z_loc", Tensor.zeros(b.steps(), b.size()));
      Tensor scale = param("z_scale", Tensor.full(0.1, b.steps(), b.size()),
          Constraints.positive());
      sampleOverTime("z", Normal.of(loc, scale));
    }
  };

  /** The batches, both fits' SVI and their initial states. */
  @Setup
  public void setup() {
    boolean perSeries = guide.equals("per-series");
    masked = Svi.of(Ar1SparkModels.MODEL, perSeries ? Ar1SparkModels.SERIES_GUIDE
        : Ar1SparkModels.GUIDE, Adam.of(0.01), new TraceElbo()).progress(false);
    unmasked = Svi.of(UNMASKED_MODEL, perSeries ? UNMASKED_SERIES_GUIDE : UNMASKED_GUIDE,
        Adam.of(0.01), new TraceElbo()).progress(false);
    batch = batch(lengths.equals("ragged"));
    full = batch(false);
    maskedState = masked.init(RngKey.of(1), batch);
    unmaskedState = unmasked.init(RngKey.of(1), full);
  }

  private static SequenceBatch batch(boolean ragged) {
    long[] ids = new long[B];
    double[][] rows = new double[B][];
    for (int i = 0; i < B; i++) {
      ids[i] = i;
      rows[i] = new double[ragged ? T - i % 4 : T];
      double z = 0;
      for (int t = 0; t < rows[i].length; t++) {
        z = 0.8 * z + 0.5 * Math.sin(1.3 * i + 0.7 * t);
        rows[i][t] = z + 0.3 * Math.cos(0.9 * i - 1.1 * t);
      }
    }
    return SequenceBatch.of(ids, rows, B);
  }

  /** The masked model and guide. */
  @Benchmark
  public Svi.LossAndGrad masked() {
    return masked.lossAndGrad(maskedState, batch, RngKey.of(calls++));
  }

  /** The same with no mask, on series of full length. */
  @Benchmark
  public Svi.LossAndGrad unmasked() {
    return unmasked.lossAndGrad(unmaskedState, full, RngKey.of(calls++));
  }
}
