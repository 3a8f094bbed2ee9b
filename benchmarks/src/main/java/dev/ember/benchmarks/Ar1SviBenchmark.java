// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import dev.ember.infer.Svi;
import dev.ember.infer.SviFit;
import dev.ember.infer.SviState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One SVI step of the reference AR(1) model ({@link Ar1Reference}) on one thread: the median
 * (JMH sample mode, p0.50) over steps after warm-up, for both variants and the sizes the
 * performance goal names. Latent elements per second = B * T / step time. {@code step} is the
 * step of a fit as {@code Svi.run} makes it ({@link SviFit}, in place); {@code pureUpdate} is
 * {@code Svi.update}, which leaves the old state as it was and writes the new one into new
 * arrays. {@code stepOnNewThread} is {@code step} run on a thread started for it, as a pooled
 * Spark task may run each step on another thread ({@code newThread} alone is the cost of
 * starting and joining the thread); {@code stepOnPooledThreads} hands the steps to two long-lived
 * threads in turn ({@code pooledHandoff} alone is the cost of the handing). {@code forward} is
 * the forward part of a step (the loss with the graph recorded, no backward pass, no update) and
 * {@code evaluate} is {@code Svi.evaluate} (the same loss, nothing recorded). {@code layout} is where the guide keeps its series params:
 * one {@code [T, B]} pair, sliced, or one param per site.
 *
 * <pre>{@code
 * java -jar benchmarks/target/ember-benchmarks.jar 'Ar1SviBenchmark.step' -f 1 -wi 5 -i 5 -w 2s -r 2s
 * java -jar benchmarks/target/ember-benchmarks.jar 'Ar1SviBenchmark.pureUpdate' -p size=1024x100
 * java -jar benchmarks/target/ember-benchmarks.jar \
 *     'Ar1SviBenchmark.(step|stepOnNewThread|newThread|stepOnPooledThreads|pooledHandoff)$' \
 *     -p size=512x20,512x100 -p variant=POINT -p layout=SLICED
 * java -jar benchmarks/target/ember-benchmarks.jar 'Ar1SviBenchmark.(forward|evaluate)$' \
 *     -p size=1024x100 -p variant=POINT -p layout=SLICED
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class Ar1SviBenchmark {
  /** Series x steps. */
  @Param({"64x100", "1024x100", "4096x50", "16384x20", "512x20", "512x100"})
  public String size;

  /** The reference variant. */
  @Param({"POINT", "AUTO"})
  public Ar1Reference.Variant variant;

  /** Where the guide keeps its series params. */
  @Param({"SLICED", "PER_SITE"})
  public Ar1Reference.Layout layout;

  private Tensor ys; // [T, B]
  private SviFit<Tensor> fit;
  private Svi<Tensor> svi;
  private SviState state;
  private final ExecutorService[] pool = {
      Executors.newSingleThreadExecutor(), Executors.newSingleThreadExecutor()};
  private int turn;

  /** Data, SVI and its first state. */
  @Setup
  public void setup() {
    int[] bt = Ar1Reference.seriesAndSteps(size);
    ys = Ar1Reference.observations(bt[0], bt[1]);
    svi = Ar1Reference.svi(variant, layout).progress(false);
    fit = svi.start(RngKey.of(0), ys);
    state = svi.init(RngKey.of(0), ys);
  }

  /** Stops the two pooled threads. */
  @TearDown
  public void stopPool() {
    for (ExecutorService e : pool) {
      e.shutdownNow();
    }
  }

  /** One update of a fit, as {@code Svi.run} makes it (in place: {@link SviFit}). */
  @Benchmark
  public double step() {
    return fit.step(ys);
  }

  /** {@link #step} on a thread started for it and joined. */
  @Benchmark
  public double stepOnNewThread() throws InterruptedException {
    double[] loss = new double[1];
    RuntimeException[] failure = new RuntimeException[1];
    Thread t = new Thread(() -> {
      try {
        loss[0] = fit.step(ys);
      } catch (RuntimeException e) {
        failure[0] = e;
      }
    });
    t.start();
    t.join();
    if (failure[0] != null) {
      throw failure[0];
    }
    return loss[0];
  }

  /**
   * {@link #step} handed to one of two long-lived threads in turn, as a pool of task threads runs
   * a job's tasks: the thread changes at every step, but no thread is new.
   */
  @Benchmark
  public double stepOnPooledThreads() throws Exception {
    ExecutorService next = pool[turn++ & 1];
    return next.submit(() -> fit.step(ys)).get();
  }

  /** Handing a task that does nothing to the two threads in turn: the part that is not a step. */
  @Benchmark
  public Object pooledHandoff() throws Exception {
    ExecutorService next = pool[turn++ & 1];
    return next.submit(() -> turn).get();
  }

  /** Starting and joining a thread that does nothing: the part of the above that is not a step. */
  @Benchmark
  public Thread newThread() throws InterruptedException {
    Thread t = new Thread(() -> { });
    t.start();
    t.join();
    return t;
  }

  /** The forward part of a step: the loss with the graph recorded, no backward pass. */
  @Benchmark
  public double forward() {
    return svi.lossParts(state, ys, RngKey.of(1), e -> new Tensor[] {e.loss().detach()})
        .get(0).loss();
  }

  /** {@code Svi.evaluate}: the loss at the state's params, nothing recorded. */
  @Benchmark
  public double evaluate() {
    return svi.evaluate(state, ys);
  }

  /** One pure {@code Svi.update}: the same step, its new state in new arrays. */
  @Benchmark
  public double pureUpdate() {
    Svi.Update u = svi.update(state, ys);
    state = u.state();
    return u.loss();
  }
}
