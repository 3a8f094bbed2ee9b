// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.ValueAndGrad;
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
 * The shape of a scan body: 100 steps of 10 tensor operations on {@code [1024]} tensors. Forward
 * alone (untracked) against forward with recording plus the backward pass, in the same JVM.
 *
 * <pre>{@code
 * java -jar benchmarks/target/ember-benchmarks.jar ChainBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChainBenchmark {
  private static final int STEPS = 100;
  private static final int WIDTH = 1024;

  private Map<String, Tensor> params;

  /** Parameters of the chain: a weight, a bias, a gain and the initial state, all [1024]. */
  @Setup
  public void setup() {
    params =
        Map.of(
            "a", Tensor.linspace(0.5, 1.5, WIDTH),
            "b", Tensor.linspace(-0.2, 0.2, WIDTH),
            "c", Tensor.linspace(0.9, 1.1, WIDTH),
            "x0", Tensor.linspace(0.1, 0.9, WIDTH));
  }

  /** Ten operations per step; values stay in (0, 1) through the sigmoid. */
  static Tensor chain(Map<String, Tensor> p) {
    Tensor a = p.get("a");
    Tensor b = p.get("b");
    Tensor c = p.get("c");
    Tensor x = p.get("x0");
    for (int t = 0; t < STEPS; t++) {
      Tensor y = x.mul(a).add(b).tanh().mul(c); // 4 ops
      y = y.sub(x.mul(0.5)); // 2 ops
      y = y.add(x.square().mul(0.01)); // 3 ops
      x = y.sigmoid(); // 1 op
    }
    return x.sum();
  }

  /** Forward only, nothing recorded. */
  @Benchmark
  public Tensor forward() {
    return chain(params);
  }

  /** Forward with recording, then backward to all four parameters. */
  @Benchmark
  public ValueAndGrad forwardBackward() {
    return Autodiff.valueAndGrad(ChainBenchmark::chain, params);
  }
}
