// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import static dev.ember.benchmarks.SampleStats.median;

import dev.ember.infer.SviFit;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What an SVI step of the reference AR(1) model ({@link Ar1Reference}, point variant, sliced
 * guide) costs on a thread that has run nothing before, against the same step on one
 * long-lived thread, with the step timed inside the thread: JMH's
 * {@code Ar1SviBenchmark.stepOnNewThread} times a method, so its figure also holds starting the
 * thread, the caller's wait in {@code join} and its wake-up, none of which is the step's. Less
 * {@code newThread} (an empty thread started and joined) it still holds more than the step: a
 * caller that waits the length of a step sleeps, and waking it takes longer than after an empty
 * thread, which may end before the caller sleeps at all. This benchmark gives both figures.
 *
 * <p>Per size it runs rounds (default 5) of chunks (default 200); a chunk is five steps in a
 * row on the benchmark's thread, of which the last four are timed (the first follows the other
 * work, as a step on a new thread does), then three steps each on a thread started for it and
 * timed from inside it, then one on a new thread that first runs an untimed step of a small fit
 * (16 series of 5 steps: the same code on other data), then one step handed to each of two
 * long-lived threads in turn and timed inside them (as a Spark executor's pooled task threads
 * take a job's tasks: the thread changes at every step, but none is new), then an empty thread
 * started and joined, then the same one thread against new threads for a control written without
 * Ember ({@link PlainAr1Step}: the same model's gradient and Adam step by hand on plain arrays of
 * the same size, a small amount of code). Alternating in chunks puts a change of the machine's
 * load on all of them alike. It prints per round the median step on the one thread and on new
 * threads (wall time and the thread's CPU time) and their ratio, the ratio after a small step and
 * on the pooled threads, the median wall time from {@code start} to the end of {@code join} for a
 * thread that steps and for an empty one, and the control's two medians and their ratio. The
 * small step tells what a new thread lacks: the JVM's and Ember's state of a thread (its
 * allocation buffer, its thread-locals) it creates, but not the caches of the core the thread
 * runs on, which it fills with the step's code and only some of its data.
 * The last line is {@code new thread over one thread: X at S (control C), ...}, per size the
 * median of the rounds' ratios, the step's and the control's.
 *
 * <pre>{@code
 * mvn -B -q -Pbenchmarks -pl benchmarks -am -DskipTests package && \
 * java -Xmx4g -cp benchmarks/target/ember-benchmarks.jar \
 *   dev.ember.benchmarks.NewThreadStepBenchmark [BxT,BxT,...] [rounds] [chunks]
 * }</pre>
 */
public final class NewThreadStepBenchmark {
  private static final int WARMUP_STEPS = 4000;
  private static final int WARMUP_THREADS = 500;
  private static final int IN_A_ROW = 5;
  private static final int ON_NEW_THREADS = 3;
  private static final int SMALL_SERIES = 16;
  private static final int SMALL_STEPS = 5;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** Two long-lived threads, daemons, that take steps in turn. */
  private static final ExecutorService[] POOL = {daemonThread(), daemonThread()};

  private NewThreadStepBenchmark() {}

  /** Arguments: sizes (default 512x20,512x100), rounds (default 5), chunks (default 200). */
  public static void main(String[] args) throws InterruptedException {
    String[] sizes = (args.length > 0 ? args[0] : "512x20,512x100").split(",");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int chunks = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    StringJoiner last = new StringJoiner(", ", "new thread over one thread: ", "");
    for (String size : sizes) {
      int[] bt = Ar1Reference.seriesAndSteps(size);
      int series = bt[0];
      int steps = bt[1];
      Tensor ys = Ar1Reference.observations(series, steps); // [T, B]
      SviFit<Tensor> fit = fit(ys);
      Step step = new Step(() -> fit.step(ys));
      Tensor smallYs = Ar1Reference.observations(SMALL_SERIES, SMALL_STEPS); // [T, B]
      SviFit<Tensor> smallFit = fit(smallYs);
      Step small = new Step(() -> smallFit.step(smallYs));
      PlainAr1Step plain = new PlainAr1Step(ys.toArray(), series, steps);
      Step control = new Step(plain::step);
      for (int i = 0; i < WARMUP_STEPS; i++) {
        step.run();
        small.run();
        control.run();
      }
      for (int i = 0; i < WARMUP_THREADS; i++) {
        onNewThread(step, null);
        onNewThread(step, small);
        onPooledThread(i & 1, step);
        emptyThreadMicros();
        onNewThread(control, null);
      }
      double[] ratios = new double[rounds];
      double[] controlRatios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        double[] both = round(size, r, step, small, control, chunks);
        ratios[r] = both[0];
        controlRatios[r] = both[1];
      }
      last.add(String.format(Locale.ROOT, "%.2f at %s (control %.2f)", median(ratios), size,
          median(controlRatios)));
    }
    System.out.println(last);
  }

  /** One step of a workload: of a fit on its data, or of the control. */
  private record Step(Runnable body) {
    void run() {
      body.run();
    }
  }

  private static SviFit<Tensor> fit(Tensor ys) {
    return Ar1Reference.svi(Ar1Reference.Variant.POINT, Ar1Reference.Layout.SLICED)
        .progress(false).start(RngKey.of(0), ys);
  }

  /** One round; prints its figures and returns its ratio of medians and the control's. */
  private static double[] round(String size, int r, Step step, Step small, Step control,
      int chunks) throws InterruptedException {
    int inRow = chunks * (IN_A_ROW - 1);
    int onNew = chunks * ON_NEW_THREADS;
    double[] oneWall = new double[inRow];
    double[] oneCpu = new double[inRow];
    double[] newWall = new double[onNew];
    double[] newCpu = new double[onNew];
    double[] startToJoin = new double[onNew];
    double[] afterSmall = new double[chunks];
    double[] pooled = new double[2 * chunks];
    double[] empty = new double[chunks];
    double[] controlOne = new double[inRow];
    double[] controlNew = new double[onNew];
    int a = 0;
    int b = 0;
    for (int c = 0; c < chunks; c++) {
      step.run();
      for (int i = 1; i < IN_A_ROW; i++, a++) {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        step.run();
        oneWall[a] = (System.nanoTime() - t0) / 1e3;
        oneCpu[a] = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e3;
      }
      for (int i = 0; i < ON_NEW_THREADS; i++, b++) {
        double[] m = onNewThread(step, null);
        newWall[b] = m[0];
        newCpu[b] = m[1];
        startToJoin[b] = m[2];
      }
      afterSmall[c] = onNewThread(step, small)[0];
      for (int i = 0; i < 2; i++) {
        pooled[2 * c + i] = onPooledThread(i, step);
      }
      empty[c] = emptyThreadMicros();
      control.run();
      for (int i = 1; i < IN_A_ROW; i++) {
        long t0 = System.nanoTime();
        control.run();
        controlOne[c * (IN_A_ROW - 1) + i - 1] = (System.nanoTime() - t0) / 1e3;
      }
      for (int i = 0; i < ON_NEW_THREADS; i++) {
        controlNew[c * ON_NEW_THREADS + i] = onNewThread(control, null)[0];
      }
    }
    double ratio = median(newWall) / median(oneWall);
    System.out.printf(Locale.ROOT, "%s round %d: step on one thread %.1f us (CPU %.1f), on a new"
        + " thread %.1f us (CPU %.1f), ratio %.2f (%.2f after a small step on it, %.2f on two"
        + " pooled threads in turn); start to join: stepping %.1f us, empty %.1f us; control on"
        + " plain arrays: one thread %.1f us, a new thread %.1f us, ratio %.2f%n", size, r,
        median(oneWall), median(oneCpu), median(newWall), median(newCpu), ratio,
        median(afterSmall) / median(oneWall), median(pooled) / median(oneWall),
        median(startToJoin), median(empty), median(controlOne), median(controlNew),
        median(controlNew) / median(controlOne));
    return new double[] {ratio, median(controlNew) / median(controlOne)};
  }

  /**
   * A step on a thread started for it, after an untimed step of {@code first} on the same thread
   * if that is not null: the step's wall and CPU time inside the thread, and start to join.
   */
  private static double[] onNewThread(Step step, Step first) throws InterruptedException {
    double[] m = new double[3];
    RuntimeException[] failure = new RuntimeException[1];
    long s0 = System.nanoTime();
    Thread t = new Thread(() -> {
      try {
        if (first != null) {
          first.run();
        }
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        step.run();
        m[0] = (System.nanoTime() - t0) / 1e3;
        m[1] = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e3;
      } catch (RuntimeException e) {
        failure[0] = e;
      }
    });
    t.start();
    t.join();
    m[2] = (System.nanoTime() - s0) / 1e3;
    if (failure[0] != null) {
      throw failure[0];
    }
    return m;
  }

  /** A step handed to long-lived thread {@code i} of {@link #POOL}: microseconds inside it. */
  private static double onPooledThread(int i, Step step) throws InterruptedException {
    try {
      return POOL[i].submit(() -> {
        long t0 = System.nanoTime();
        step.run();
        return (System.nanoTime() - t0) / 1e3;
      }).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a step on a pooled thread failed", e.getCause());
    }
  }

  /** Microseconds to start and join a thread that does nothing. */
  private static double emptyThreadMicros() throws InterruptedException {
    long s0 = System.nanoTime();
    Thread t = new Thread(() -> { });
    t.start();
    t.join();
    return (System.nanoTime() - s0) / 1e3;
  }

  private static ExecutorService daemonThread() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "pooled");
      t.setDaemon(true);
      return t;
    });
  }
}
