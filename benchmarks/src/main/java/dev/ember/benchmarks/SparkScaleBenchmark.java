// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import static dev.ember.benchmarks.SampleStats.median;
import static dev.ember.benchmarks.SampleStats.quantile;

import dev.ember.data.SequenceBatch;
import dev.ember.handlers.Model;
import dev.ember.infer.Svi;
import dev.ember.infer.SviFit;
import dev.ember.infer.SviState;
import dev.ember.infer.optim.Adam;
import dev.ember.random.RngKey;
import dev.ember.spark.RowKeyedTraceElbo;
import dev.ember.spark.SequenceRow;
import dev.ember.spark.ShardEngine;
import dev.ember.spark.SparkSvi;
import dev.ember.spark.SparkSviModel;
import dev.ember.spark.StepTimings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What a {@link SparkSvi} step costs as the dataset grows with the minibatch fixed: for N = 2 048,
 * 65 536 and 1 048 576 AR(1) series of T = 20 steps (generated on the executors), B = 1 024, on
 * {@code local[2]}, with the amortized guide and then the per-series guide, it prints per N the
 * median step over the timed steps after a warm-up (after an untimed fit that compiles the step's
 * code, and untimed one-step fits over 131 072 series that compile the set-up's), the median
 * executor compute per task over those steps (wall time, and the CPU time of the task's thread: a
 * task that waits for a core runs longer than it computes), the mean breakdown per step ({@link
 * StepTimings}: select, broadcast, job, driver) and the seconds from {@code fit} to the first step.
 * With the per-series guide it also prints the tasks' work on the per-series state (means per task:
 * regrouping it at an epoch's first step, making a group's initial state at its first step, reading
 * and updating a group's params), and the median compute per task beside that work (the rows'
 * batch, loss and gradient: what the single-JVM loop computes) against the loop. Every input is
 * generated and cached once, before the first fit. The sweep runs in rounds (default 5), each
 * measuring the floor and fitting every N once, the smallest first in odd rounds and the largest
 * first in even ones, so that a change of the machine's load falls on all of them alike; the ratio
 * of the largest N's step to the smallest N's is the median of the rounds' ratios. The baselines,
 * measured in the same run: the single-JVM step ({@link SviFit}) on B series; the single-JVM loss
 * and gradient of the rows one task holds (B / P), called in a loop and called once every 10 ms as
 * a task is (a call 10 ms after the last costs more than one in a loop: the task's figure is given
 * against both; the paced call is also timed after 10 ms of spinning instead of sleeping, and after
 * spinning and overwriting 64 MB, more than the caches hold, which tells an idle core's cost from
 * that of the data leaving the caches), and called once in each task of plain Spark jobs that
 * carry the rows and state in their closure (what one call costs where Spark runs it, none of
 * Ember's step machinery around it); an empty Spark job with a {@code treeAggregate} of 16 doubles
 * (Spark's floor per step); and a plain {@code count()} of the cached input. Around each fit it
 * times a fixed loop of arithmetic (a gauge of the machine's speed at that moment), and it counts
 * the JVM's minor page faults in the set-up and per timed step ({@link #minorFaults}: on a machine
 * that hands idle memory back to its host, touching it again is what makes a round slow). Before
 * timing an input's {@code count()} and its fit, a full collection moves the caches that the
 * benchmark built to the old generation and frees what the previous fit left ({@link #settleHeap}):
 * otherwise the young collections that copy them, hundreds of megabytes at a million series, fall
 * on whichever of the two timings runs into them, and the fit's set-up pass, which allocates,
 * always does. The heap is fixed ({@code -Xms} = {@code -Xmx}, as for any JVM benchmark): a heap
 * that a full collection shrinks must grow again while the next fit allocates its cached rows, and
 * G1 then starts a concurrent cycle at nearly every large array the set-up allocates. The heap is
 * also touched when the JVM starts ({@code -XX:+AlwaysPreTouch}, about 14 s for 6 GB on the 2-core
 * machine): otherwise the first rounds fault in the young generation's pages as they first allocate
 * there, and on that machine the empty job took 50-70 ms instead of 8-14 and a call of the task's
 * computation 4.5-6.6 ms instead of 0.4-0.8 until they all had. The last line is {@code scale
 * ratio: X}, the amortized guide's step at the largest N over its step at the smallest.
 *
 * <pre>{@code
 * mvn -B -q -Pbenchmarks -pl benchmarks -am -DskipTests package dependency:build-classpath \
 *   -Dmdep.outputFile=/tmp/cp.txt && \
 * java -Xms6g -Xmx6g -XX:+AlwaysPreTouch --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
 *   --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
 *   --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
 *   -cp benchmarks/target/classes:$(cat /tmp/cp.txt) dev.ember.benchmarks.SparkScaleBenchmark \
 *   [N,N,...] [T] [timed steps] [amortized,per-series] [partitions] [rounds]
 * }</pre>
 *
 * <p>The data set of 10 000 000 series of 8 steps runs with {@code -Xmx2g} and the arguments
 * {@code 10000000 8 50 amortized 16 1}; its input is generated on the fly, not cached.
 */
public final class SparkScaleBenchmark {
  private SparkScaleBenchmark() {}

  static final int B = 1024;
  static final int WARMUP = 10;
  static final int WARMUP_STEPS = 500;
  /** Series and fits of one step that warm up the set-up's code before the timed rounds. */
  static final long SETUP_WARMUP_SERIES = 131_072;
  static final int SETUP_WARMUPS = 4;
  static final int SINGLE_WARMUP = 100;
  static final int SINGLE_TIMED = 200;
  static final int FLOOR_JOBS = 60;
  static final int PACED_CALLS = 60;
  static final int PACE_MS = 10;
  /** What a paced call overwrites between calls: more than the 2-core machine's caches hold. */
  static final int EVICT_BYTES = 64 << 20;

  /** The columns of the generated data: id, values. */
  static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType, false)
      .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  /** Runs the sweep: {@code [N,N,...] [T] [timed steps] [guides] [partitions] [rounds]}. */
  public static void main(String[] args) {
    long[] sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToLong(Long::parseLong)
        .toArray() : new long[] {2048, 65536, 1048576};
    int t = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    String[] guides = args.length > 3 ? args[3].split(",") : new String[] {"amortized",
        "per-series"};
    int partitions = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 5;
    boolean cacheInput = sizes[sizes.length - 1] <= 4_000_000L;
    SparkSession spark = SparkSession.builder().master("local[2]").appName("ember-scale")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    StepStarts starts = new StepStarts();
    spark.sparkContext().addSparkListener(starts);
    System.out.printf(Locale.ROOT, "local[2], %d partitions, B = %d, T = %d, %d timed steps after"
        + " %d warm-up, %d available processors, max heap %d MB%n", partitions, B, t, steps,
        WARMUP, Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    // every input made once, before any fit, and cached when it fits in memory: each round
    // then fits the same data, and the rounds differ only in the machine's load
    List<Dataset<Row>> inputs = new ArrayList<>();
    try {
      for (long n : sizes) {
        Dataset<Row> df = generate(spark, n, t, partitions);
        if (cacheInput) {
          df = df.cache();
          df.count();
        }
        inputs.add(df);
      }
      double[] ratio = new double[guides.length];
      for (int g = 0; g < guides.length; g++) {
        Model<SequenceBatch> guide = guides[g].equals("per-series")
            ? Ar1SparkModels.SERIES_GUIDE : Ar1SparkModels.GUIDE;
        warmUp(spark, guide, t, partitions);
        double[] roundRatios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          // the floor and every size once per round, so that a change of the machine's load
          // during the run falls on all of them alike
          double[] single = singleJvm(jsc, guide, t, partitions);
          System.out.printf(Locale.ROOT, "%s guide, round %d: floor: an empty job with a"
              + " treeAggregate of 16 doubles: %.2f ms (median of %d); single JVM (1 thread): step"
              + " on B = %d %.2f ms, loss and gradient of B / %d = %d rows %.2f ms (the same batch"
              + " every call), a task's computation on them %.2f ms (%.2f ms on a CPU; a new batch"
              + " every call; at one call every %d ms: %.2f ms after sleeping, %.2f after spinning,"
              + " %.2f after spinning and overwriting %d MB; %.2f ms, %.2f on a CPU, called once"
              + " in each task of a plain Spark job)%n",
              guides[g], r + 1, floorMs(jsc, partitions), FLOOR_JOBS, B, single[0], partitions,
              B / partitions, single[1], single[2], single[4], PACE_MS, single[3], single[7],
              single[8], EVICT_BYTES >> 20, single[5], single[6]);
          // the sizes smallest first in odd rounds and largest first in even ones, so that a
          // drift of the load within a round falls on the smallest and the largest alike
          double[] stepMs = new double[sizes.length];
          for (int k = 0; k < sizes.length; k++) {
            int i = r % 2 == 0 ? k : sizes.length - 1 - k;
            stepMs[i] = fitOnce(starts, guide, guides[g], inputs.get(i), sizes[i], steps,
                partitions, cacheInput, single);
          }
          roundRatios[r] = stepMs[sizes.length - 1] / stepMs[0];
        }
        ratio[g] = median(roundRatios);
        System.out.printf(Locale.ROOT, "%s guide: step at N = %d over step at N = %d: %.2f"
            + " (median of %d rounds; %.2f .. %.2f)%n", guides[g], sizes[sizes.length - 1],
            sizes[0], ratio[g], rounds, quantile(roundRatios, 0), quantile(roundRatios, 1));
      }
      System.out.printf(Locale.ROOT, "scale ratio: %.2f%n", ratio[0]);
    } finally {
      for (Dataset<Row> df : inputs) {
        df.unpersist(true);
      }
      spark.stop();
    }
  }

  /**
   * A full collection, then a short wait for its concurrent work: what the benchmark itself left
   * on the heap (the input's cache it just built, the previous fit's data) is collected or moved
   * to where it stays before the next timing, which would otherwise pay for copying it.
   */
  static void settleHeap() {
    System.gc();
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One fit of {@code df}, N series (cached: its {@code count()} is timed first): prints its line
   * and returns its median step in ms.
   */
  static double fitOnce(StepStarts starts, Model<SequenceBatch> guide, String guideName,
      Dataset<Row> df, long n, int steps, int partitions, boolean cached, double[] single) {
    double countMs = Double.NaN;
    if (cached) {
      settleHeap();
      long c0 = System.nanoTime();
      df.count();
      countMs = (System.nanoTime() - c0) / 1e6;
    }
    SparkSvi svi = SparkSvi.builder(Ar1SparkModels.MODEL, guide).optimizer(Adam.of(0.01))
        .batchSize(B).seed(1).progress(false).build();
    double gaugeBefore = gaugeCpuMs();
    starts.reset();
    long faults0 = minorFaults();
    long[] gc0 = gcTotals();
    long f0 = System.currentTimeMillis();
    SparkSviModel r = svi.fit(df, WARMUP + steps);
    long faultsEnd = minorFaults();
    double[] between = starts.durationsMs(WARMUP + steps);
    double setup = (starts.first() - f0) / 1e3;
    StepTimings tm = r.timings();
    double[] timed = new double[steps];
    for (int i = 0; i < steps; i++) {
      timed[i] = tm.stepNanos()[WARMUP + i] / 1e6;
    }
    double median = median(timed);
    double d = tm.steps() * 1e6;
    // the median step's compute, over the timed steps (the mean, over all steps, also counts
    // the warm-up and the steps that regroup per-series state or cut its lineage)
    double computePerTask = tm.medianComputeMs(WARMUP) / partitions;
    double cpuPerTask = tm.medianComputeCpuMs(WARMUP) / partitions;
    double meanComputePerTask = tm.compute() / d / partitions;
    double besidePerTask = tm.medianComputeBesideSeriesStateMs(WARMUP) / partitions;
    System.out.printf(Locale.ROOT, "%s N=%d: step %.2f ms (median of %d; p10 %.2f, p90 %.2f;"
            + " from job start to job start %.0f ms);"
            + " executor compute per task %.2f ms (median; %.2fx single JVM, %.2fx paced; mean"
            + " %.2f), on a CPU %.2f ms (%.2fx the single JVM's CPU time, %.2fx a plain task's);"
            + " mean select %.3f,"
            + " broadcast %.3f, job %.2f, driver %.3f; set-up %.2f s;"
            + " count() of the cached input %.1f ms%n",
        guideName, n, median, timed.length, quantile(timed, 0.1), quantile(timed, 0.9),
        median(Arrays.copyOfRange(between, Math.min(WARMUP, between.length), between.length)),
        computePerTask, computePerTask / single[2], computePerTask / single[3],
        meanComputePerTask, cpuPerTask, cpuPerTask / single[4], cpuPerTask / single[6],
        tm.select() / d, tm.broadcast() / d, tm.job() / d, tm.driver() / d,
        setup, countMs);
    System.out.println("    " + starts.taskBreakdown() + "; " + r.setupTimings().summary());
    if (tm.seriesUpdate() > 0) {
      // the means over all the fit's steps (a regroup falls on an epoch's first step only)
      double perTask = d * partitions;
      System.out.printf(Locale.ROOT, "    per-series state per task (ms, mean): regroup %.3f,"
          + " initial state %.3f, update %.3f; compute per task beside it %.2f ms (median;"
          + " %.2fx single JVM, %.2fx paced)%n", tm.seriesRegroup() / perTask,
          tm.seriesInitialState() / perTask, tm.seriesUpdate() / perTask, besidePerTask,
          besidePerTask / single[2], besidePerTask / single[3]);
    }
    System.out.printf(Locale.ROOT, "    gauge (a fixed loop of arithmetic, CPU time): %.2f ms"
        + " before the fit, %.2f ms after; %s%n", gaugeBefore, gaugeCpuMs(), faults0 < 0
            ? "no page fault counts on this system" : String.format(Locale.ROOT, "minor page"
                + " faults of the JVM: %d in the set-up, %.0f per timed step",
                starts.faultsAtStart(0) - faults0,
                (faultsEnd - starts.faultsAtStart(WARMUP)) / (double) steps));
    long[] gcSetup = starts.collectionsAtStart(0);
    System.out.printf(Locale.ROOT, "    garbage collections in the set-up: %d, %d ms%n",
        gcSetup[0] - gc0[0], gcSetup[1] - gc0[1]);
    return median;
  }

  /**
   * An untimed fit of {@value #WARMUP_STEPS} steps on the smallest data set, so that the model's
   * and Spark's code is compiled before the first timed fit. What a task runs once (its step, the
   * shard's regrouping) is called only twice a step: after a warm-up of 100 steps the compilation
   * log still showed it being compiled during the first round.
   */
  static void warmUp(SparkSession spark, Model<SequenceBatch> guide, int t, int partitions) {
    Dataset<Row> df = generate(spark, 2L * B, t, partitions).cache();
    SparkSvi.builder(Ar1SparkModels.MODEL, guide).optimizer(Adam.of(0.01)).batchSize(B).seed(2)
        .progress(false).build().fit(df, WARMUP_STEPS);
    df.unpersist(true);
    // the set-up's per-row code (the pass, the index), run over enough rows that the JIT
    // compiles it before the first timed set-up: after a fit over 2 048 series alone, a
    // compilation log showed the JIT still compiling it through the first set-ups at a million
    // series
    Dataset<Row> wide = generate(spark, SETUP_WARMUP_SERIES, t, partitions).cache();
    wide.count();
    for (int i = 0; i < SETUP_WARMUPS; i++) {
      SparkSvi.builder(Ar1SparkModels.MODEL, guide).optimizer(Adam.of(0.01)).batchSize(B)
          .seed(3 + i).progress(false).build().fit(wide, 1);
    }
    wide.unpersist(true);
  }

  /**
   * The minor page faults of this JVM so far ({@code /proc/self/stat}), -1 where there is none.
   * A page that the kernel handed back to the host (a VM's memory reclaim) faults again when it
   * is next touched: on the 2-core machine each such fault costs about 10-20 microseconds, and a
   * step or set-up that faults thousands of pages is slower for it, not for its own work.
   */
  static long minorFaults() {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
      // the fields after the command name (which may hold spaces) in parentheses; minflt is
      // the tenth field of the line, the eighth after the name
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[7]);
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * The JVM's garbage collections so far and the milliseconds they took, over all its collectors
   * (on JDK 17's G1: the young and mixed pauses, and any full collection): a set-up that runs into
   * more of them than another is slower for them, not for its own work.
   */
  static long[] gcTotals() {
    long count = 0;
    long ms = 0;
    for (java.lang.management.GarbageCollectorMXBean b
        : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, b.getCollectionCount());
      ms += Math.max(0, b.getCollectionTime());
    }
    return new long[] {count, ms};
  }

  /**
   * The CPU time of a fixed loop of arithmetic on registers (no memory, no allocation), the
   * median of five: on a machine whose cores are shared with others, it grows when the host gives
   * this one less of a core than its CPU time counts, which would slow every task alike.
   */
  static double gaugeCpuMs() {
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    double[] ms = new double[5];
    long sink = 0;
    for (int r = 0; r < ms.length; r++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long z = r;
      for (int i = 0; i < 2_000_000; i++) {
        z = mix(z + i);
      }
      sink += z;
      ms[r] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
    }
    return sink == 42 ? -1 : median(ms); // sink keeps the loop
  }

  /** N AR(1) series of T steps, generated on the executors from each id. */
  static Dataset<Row> generate(SparkSession spark, long n, int t, int partitions) {
    JavaRDD<Row> rows = spark.range(0, n, 1, partitions).javaRDD().map(id -> {
      double[] v = new double[t];
      double z = 0;
      for (int s = 0; s < t; s++) {
        z = 0.8 * z + 0.5 * normal(id, 2L * s);
        v[s] = z + 0.3 * normal(id, 2L * s + 1);
      }
      return RowFactory.create(id, v);
    });
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** A standard normal from (id, k): Box-Muller on two hashed uniforms. */
  static double normal(long id, long k) {
    long h1 = mix(mix(id * 0x9E3779B97F4A7C15L) ^ k);
    long h2 = mix(h1 ^ 0x632BE59BD9B4E019L);
    double u1 = ((h1 >>> 11) + 1) * 0x1.0p-53;
    double u2 = (h2 >>> 11) * 0x1.0p-53;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The single-JVM baselines, median ms: an {@link SviFit} step on B series, the loss and
   * gradient of B / partitions series, what one task computes on them (in a loop, then paced
   * after sleeping), that computation's CPU time in the loop, its wall and CPU time called once in
   * each task of plain Spark jobs ({@link #plainTaskCalls}), and the paced call after spinning,
   * then after spinning and overwriting {@link #EVICT_BYTES}.
   */
  static double[] singleJvm(JavaSparkContext jsc, Model<SequenceBatch> guide, int t,
      int partitions) {
    Svi<SequenceBatch> svi = Svi.of(Ar1SparkModels.MODEL, guide, Adam.of(0.01),
        new RowKeyedTraceElbo(1, "series")).progress(false);
    SequenceBatch all = batch(B, t);
    SviFit<SequenceBatch> fit = svi.start(RngKey.of(1), all);
    double[] stepMs = new double[SINGLE_WARMUP + SINGLE_TIMED];
    for (int i = 0; i < stepMs.length; i++) {
      long t0 = System.nanoTime();
      fit.step(all);
      stepMs[i] = (System.nanoTime() - t0) / 1e6;
    }
    SequenceBatch part = batch(B / partitions, t);
    SviState state = svi.init(RngKey.of(1), part);
    double[] partMs = new double[SINGLE_WARMUP + SINGLE_TIMED];
    for (int i = 0; i < partMs.length; i++) {
      long t0 = System.nanoTime();
      svi.lossAndGrad(state, part, RngKey.of(i));
      partMs[i] = (System.nanoTime() - t0) / 1e6;
    }
    // what a task computes, on one thread: its rows padded into a new batch at every call, the
    // weighted terms and their gradient (ShardEngine.compute)
    ShardEngine engine = new ShardEngine(svi, "series", java.util.Map.of());
    List<SequenceRow> rows = new ArrayList<>();
    for (int i = 0; i < part.size(); i++) {
      double[] v = new double[t];
      for (int s = 0; s < t; s++) {
        v[s] = part.values().get(s, i);
      }
      rows.add(new SequenceRow(part.ids()[i], v, java.util.Map.of()));
    }
    double[] engineMs = new double[SINGLE_WARMUP + SINGLE_TIMED];
    double[] engineCpuMs = new double[engineMs.length];
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < engineMs.length; i++) {
      long t0 = System.nanoTime();
      long c0 = threads.getCurrentThreadCpuTime();
      engine.compute(0, rows, state, RngKey.of(i), 1_000_000, B, 0);
      engineCpuMs[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
      engineMs[i] = (System.nanoTime() - t0) / 1e6;
    }
    // the same, one call every PACE_MS, as a task computes once per step: between calls the
    // thread sleeps and its core idles or runs other work, as an executor's does between steps;
    // then with the thread spinning instead of sleeping (its core never idles), and spinning
    // then overwriting more memory than the caches hold (the rows, state and code's data gone
    // from them): which of the three a call's cost follows tells what makes a paced call dear
    double pacedMs = pacedCalls(engine, rows, state, () -> {
      try {
        Thread.sleep(PACE_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    double spinMs = pacedCalls(engine, rows, state, SparkScaleBenchmark::spinPace);
    byte[] overwritten = new byte[EVICT_BYTES];
    double evictedMs = pacedCalls(engine, rows, state, () -> {
      spinPace();
      for (int k = 0; k < overwritten.length; k += 64) {
        overwritten[k]++;
      }
    });
    double[] inTasks = plainTaskCalls(jsc, engine, rows, state, partitions);
    return new double[] {median(Arrays.copyOfRange(stepMs, SINGLE_WARMUP, stepMs.length)),
        median(Arrays.copyOfRange(partMs, SINGLE_WARMUP, partMs.length)),
        median(Arrays.copyOfRange(engineMs, SINGLE_WARMUP, engineMs.length)),
        pacedMs, median(Arrays.copyOfRange(engineCpuMs, SINGLE_WARMUP,
            engineCpuMs.length)), inTasks[0], inTasks[1], spinMs, evictedMs};
  }

  /**
   * The median ms of {@value #PACED_CALLS} calls of a task's computation, each after {@code
   * pause}.
   */
  static double pacedCalls(ShardEngine engine, List<SequenceRow> rows, SviState state,
      Runnable pause) {
    double[] ms = new double[PACED_CALLS];
    for (int i = 0; i < ms.length; i++) {
      pause.run();
      long t0 = System.nanoTime();
      engine.compute(0, rows, state, RngKey.of(i), 1_000_000, B, 0);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return median(ms);
  }

  /** {@value #PACE_MS} ms of spinning on the clock: the core kept busy, no memory touched. */
  static void spinPace() {
    long end = System.nanoTime() + PACE_MS * 1_000_000L;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  /**
   * The same computation on the same rows called once in each task of plain Spark jobs (rows,
   * state and engine in the job's closure; one job after another, as steps are), none of Ember's
   * step machinery around it: the median over the tasks of {wall, CPU} ms per call. It is what a
   * single call costs where Spark runs it, on an executor's core between Spark's own work.
   */
  static double[] plainTaskCalls(JavaSparkContext jsc, ShardEngine engine, List<SequenceRow> rows,
      SviState state, int partitions) {
    List<Integer> parts = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      parts.add(i);
    }
    JavaRDD<Integer> rdd = jsc.parallelize(parts, partitions);
    List<double[]> calls = new ArrayList<>();
    for (int j = 0; j < WARMUP + PACED_CALLS; j++) {
      int job = j;
      List<double[]> got = rdd.map(p -> {
        java.lang.management.ThreadMXBean threads =
            java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        long c0 = threads.getCurrentThreadCpuTime();
        engine.compute(p, rows, state, RngKey.of(job), 1_000_000, B, 0);
        double cpu = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        return new double[] {(System.nanoTime() - t0) / 1e6, cpu};
      }).collect();
      if (j >= WARMUP) {
        calls.addAll(got);
      }
    }
    return new double[] {median(calls.stream().mapToDouble(c -> c[0]).toArray()),
        median(calls.stream().mapToDouble(c -> c[1]).toArray())};
  }

  /** The first {@code b} generated series as one batch. */
  static SequenceBatch batch(int b, int t) {
    long[] ids = new long[b];
    double[][] y = new double[b][t];
    for (int i = 0; i < b; i++) {
      ids[i] = i;
      double z = 0;
      for (int s = 0; s < t; s++) {
        z = 0.8 * z + 0.5 * normal(i, 2L * s);
        y[i][s] = z + 0.3 * normal(i, 2L * s + 1);
      }
    }
    return SequenceBatch.of(ids, y, b);
  }

  /** Spark's floor per step: the median of empty jobs, each a treeAggregate of 16 doubles. */
  static double floorMs(JavaSparkContext jsc, int partitions) {
    List<Integer> seq = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      seq.add(i);
    }
    JavaRDD<Integer> rdd = jsc.parallelize(seq, partitions).cache();
    rdd.count();
    double[] ms = new double[WARMUP + FLOOR_JOBS];
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      rdd.treeAggregate(new double[16], (acc, x) -> acc, (a, b) -> {
        double[] s = a.clone();
        for (int k = 0; k < s.length; k++) {
          s[k] += b[k];
        }
        return s;
      }, 1);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    rdd.unpersist();
    return median(Arrays.copyOfRange(ms, WARMUP, ms.length));
  }

  /**
   * The start times of the fit's step jobs ("ember step ..."), from Spark's listener bus (a
   * step's duration is the time to the next step's start), and their tasks' metrics.
   */
  static final class StepStarts extends SparkListener {
    private final List<Long> starts = new ArrayList<>();
    private final List<Long> faults = new ArrayList<>(); // minorFaults() as each step started
    private final List<long[]> collections = new ArrayList<>(); // gcTotals() as each started
    private final java.util.Set<Integer> stepStages = new java.util.HashSet<>();
    private long tasks;
    private long deserialize;
    private long run;
    private long runCpuNanos;
    private long gc;
    private long resultSerialize;
    private long other;

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
      String d = start.properties() == null ? null
          : start.properties().getProperty("spark.job.description");
      if (d != null && d.startsWith("ember step")) {
        starts.add(start.time());
        faults.add(minorFaults());
        collections.add(gcTotals());
        scala.jdk.javaapi.CollectionConverters.asJava(start.stageIds())
            .forEach(id -> stepStages.add((Integer) id));
      }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
      if (!stepStages.contains(end.stageId()) || end.taskMetrics() == null) {
        return;
      }
      TaskMetrics m = end.taskMetrics();
      long total = end.taskInfo().finishTime() - end.taskInfo().launchTime();
      tasks++;
      deserialize += m.executorDeserializeTime();
      run += m.executorRunTime();
      runCpuNanos += m.executorCpuTime();
      gc += m.jvmGCTime();
      resultSerialize += m.resultSerializationTime();
      other += total - m.executorDeserializeTime() - m.executorRunTime()
          - m.resultSerializationTime();
    }

    /**
     * The step tasks' mean times in ms: deserializing, running (and of that, on a CPU and in
     * garbage collection: a run far longer than its CPU time waited for a core), serializing the
     * result, rest.
     */
    synchronized String taskBreakdown() {
      double n = Math.max(1, tasks);
      return String.format(Locale.ROOT, "per step task (ms): deserialize %.2f, run %.2f (on a CPU"
          + " %.2f, in GC %.2f), result %.2f, rest of launch to finish %.2f", deserialize / n,
          run / n, runCpuNanos / 1e6 / n, gc / n, resultSerialize / n, other / n);
    }

    /** The first step's start (ms since the epoch). */
    synchronized long first() {
      return starts.get(0);
    }

    synchronized int size() {
      return starts.size();
    }

    /** {@link #minorFaults} as step {@code i} started (read as the listener bus reported it). */
    synchronized long faultsAtStart(int i) {
      return faults.get(i);
    }

    /** {@link #gcTotals} as step {@code i} started (read as the listener bus reported it). */
    synchronized long[] collectionsAtStart(int i) {
      return collections.get(i);
    }

    synchronized void reset() {
      starts.clear();
      faults.clear();
      collections.clear();
      stepStages.clear();
      tasks = 0;
      deserialize = 0;
      run = 0;
      runCpuNanos = 0;
      gc = 0;
      resultSerialize = 0;
      other = 0;
    }

    /** The durations in ms of {@code steps} steps but the last, which has no next start. */
    double[] durationsMs(int steps) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (size() < steps && System.nanoTime() < deadline) {
        try {
          Thread.sleep(50); // the listener bus is asynchronous
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      synchronized (this) {
        double[] out = new double[Math.max(0, starts.size() - 1)];
        for (int i = 0; i < out.length; i++) {
          out[i] = starts.get(i + 1) - starts.get(i);
        }
        return out;
      }
    }
  }
}
