// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.ValueAndGrad;
import dev.ember.dist.Normal;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.infer.LogDensity;
import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code logDensity} of an AR(1) state-space model written with a scan over T = 100 steps and a
 * plate of B = 1024 series inside the body, with all latent values substituted: forward, and
 * forward plus backward to the latent series. Two baselines run in the same JVM: the same log
 * density written directly as vectorized tensor operations over {@code [T, B]}, and the scan's
 * per-step tensor work done by hand without handlers ({@link #manual}); the scan minus the latter
 * is the handler machinery (messages, traces, per-step distributions, validation, re-emission).
 *
 * <pre>{@code
 * java -jar benchmarks/target/ember-benchmarks.jar ScanLogDensityBenchmark -f 1 -wi 5 -i 5
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@SuppressWarnings("try") // the plate is entered for its effect
public class ScanLogDensityBenchmark {
  static final int B = 1024;
  static final int T = 100;
  static final double PHI = 0.8;
  static final Tensor SIGMA = Tensor.scalar(0.5);
  static final Tensor TAU = Tensor.scalar(0.3);

  static final Model<Tensor> MODEL = ys -> scan((Tensor prev, Tensor y) -> {
    try (Plate p = plate("series", B)) {
      Tensor z = sample("z", Normal.of(prev.mul(PHI), SIGMA));
      sample("y", Normal.of(z, TAU), y);
      return dev.ember.primitives.ScanStep.of(z, z);
    }
  }, Tensor.zeros(B), ys);

  private Tensor ys; // [T, B]
  private Tensor z; // [T, B]

  /** Latent series and observations from the model's own process. */
  @Setup
  public void setup() {
    RngKey[] k = RngKey.of(0).split(2);
    z = Samplers.normal(k[0], Shape.of(T, B)).mul(0.5).cumsum(0);
    ys = z.add(Samplers.normal(k[1], Shape.of(T, B)).mul(0.3));
  }

  /** The same log density as plain vectorized tensor code. */
  static Tensor direct(Tensor z, Tensor ys) {
    Tensor prev = Tensor.concat(0, Tensor.zeros(1, B), z.slice(0, 0, T - 1)); // [T, B]
    Tensor lpz = Normal.of(prev.mul(PHI), SIGMA).logProb(z);
    Tensor lpy = Normal.of(z, TAU).logProb(ys);
    return lpz.sum().add(lpy.sum());
  }

  /**
   * The same computation as the scan without its machinery: the model's per-step work done by
   * hand (slice the latent series, compute the transition mean), the steps stacked, and the
   * log-density vectorized over {@code [T, B]}. The scan minus this is what messages, traces,
   * per-step distributions, validation and re-emission cost.
   */
  static Tensor manual(Tensor z, Tensor ys) {
    Tensor prev = Tensor.zeros(B);
    java.util.List<Tensor> locs = new java.util.ArrayList<>(T);
    java.util.List<Tensor> values = new java.util.ArrayList<>(T);
    for (int t = 0; t < T; t++) {
      Tensor zt = z.select(0, t);
      locs.add(prev.mul(PHI));
      values.add(zt);
      prev = zt;
    }
    Tensor zs = Tensor.stack(0, values); // [T, B]
    Tensor lpz = Normal.of(Tensor.stack(0, locs), SIGMA).logProb(zs);
    Tensor lpy = Normal.of(zs, TAU).logProb(ys);
    return lpz.sum().add(lpy.sum());
  }

  /** Per-step work by hand, forward only. */
  @Benchmark
  public Tensor manualForward() {
    return manual(z, ys);
  }

  /** Per-step work by hand, forward and backward to z. */
  @Benchmark
  public ValueAndGrad manualForwardBackward() {
    return Autodiff.valueAndGrad(p -> manual(p.get("z"), ys), Map.of("z", z));
  }

  /** Through handlers and scan, forward only. */
  @Benchmark
  public Tensor scanForward() {
    return LogDensity.logDensity(MODEL, ys, Map.of("z", z)).total();
  }

  /** Through handlers and scan, forward and backward to z. */
  @Benchmark
  public ValueAndGrad scanForwardBackward() {
    return Autodiff.valueAndGrad(
        p -> LogDensity.logDensity(MODEL, ys, Map.of("z", p.get("z"))).total(), Map.of("z", z));
  }

  /** Baseline: vectorized tensor code, forward only. */
  @Benchmark
  public Tensor directForward() {
    return direct(z, ys);
  }

  /** Baseline: vectorized tensor code, forward and backward to z. */
  @Benchmark
  public ValueAndGrad directForwardBackward() {
    return Autodiff.valueAndGrad(p -> direct(p.get("z"), ys), Map.of("z", z));
  }
}
