// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import static dev.ember.primitives.Primitives.param;
import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Primitives.sampleOverTime;
import static dev.ember.primitives.Scan.scan;

import dev.ember.data.Ar1Data;
import dev.ember.data.SequenceBatch;
import dev.ember.dist.Normal;
import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.infer.Svi;
import dev.ember.infer.SviFit;
import dev.ember.infer.optim.Adam;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.spark.RowKeyedTraceElbo;
import dev.ember.spark.SparkSvi;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The step time of {@link SparkSvi} on {@code local[2]} (two partitions) against the single-JVM
 * {@link Svi} on the same minibatch, for the reference AR(1) model (phi, sigma, tau as params)
 * with an amortized guide of the latent series or (argument {@code per-series}) the reference's
 * mean-field guide with per-series params, at B = 4 096, 16 384 and 65 536 series of T = 100
 * (every step uses all B series). Spark's overhead is the step time minus the time the
 * executors spent in the model and guide per core; the breakdown comes from {@link
 * dev.ember.spark.StepTimings}.
 *
 * <pre>{@code
 * mvn -B -q -Pbenchmarks -pl benchmarks -am -DskipTests package dependency:build-classpath \
 *   -Dmdep.outputFile=/tmp/cp.txt
 * java -Xmx8g --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
 *   --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
 *   --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
 *   -cp benchmarks/target/classes:$(cat /tmp/cp.txt) dev.ember.benchmarks.SparkStepBenchmark \
 *   [steps] [amortized|per-series]
 * }</pre>
 */
@SuppressWarnings("try") // plates are entered for their effect
public final class SparkStepBenchmark {
  private SparkStepBenchmark() {}

  static final int T = 100;

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

  /** Runs the comparison: {@code [steps] [amortized|per-series]}. */
  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Model<SequenceBatch> guide = args.length > 1 && args[1].equals("per-series") ? SERIES_GUIDE
        : GUIDE;
    System.out.println("guide: " + (guide == GUIDE ? "amortized" : "per-series"));
    SparkSession spark = SparkSession.builder().master("local[2]").appName("ember-bench")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    StructType schema = new StructType().add("id", DataTypes.LongType)
        .add("values", DataTypes.createArrayType(DataTypes.DoubleType));
    try {
      for (int b : new int[] {4096, 16384, 65536}) {
        Ar1Data data = Ar1Data.generate(b, T);
        double[][] y = data.yRows();
        List<Row> rows = new ArrayList<>(b);
        long[] ids = new long[b];
        for (int i = 0; i < b; i++) {
          ids[i] = i;
          rows.add(RowFactory.create((long) i, Arrays.stream(y[i]).boxed().toList()));
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(2).cache();
        df.count();
        SparkSvi fit = SparkSvi.builder(MODEL, guide).optimizer(Adam.of(0.01)).batchSize(b)
            .seed(1).progress(false).build();
        fit.fit(df, Math.max(3, steps / 4)); // warm-up
        SparkSvi.Result r = fit.fit(df, steps);
        double sparkMs = (r.timings().select() + r.timings().broadcast() + r.timings().job()
            + r.timings().driver()) / 1e6 / steps;
        double computePerCoreMs = r.timings().compute() / 1e6 / steps / 2;

        SequenceBatch batch = SequenceBatch.of(ids, y, b);
        Svi<SequenceBatch> svi = Svi.of(MODEL, guide, Adam.of(0.01),
            new RowKeyedTraceElbo(1, "series")).progress(false);
        SviFit<SequenceBatch> local = svi.start(RngKey.of(1), batch);
        for (int i = 0; i < Math.max(3, steps / 4); i++) {
          local.step(batch);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          local.step(batch);
        }
        double localMs = (System.nanoTime() - t0) / 1e6 / steps;
        System.out.printf(Locale.ROOT,
            "B=%6d T=%d: single-JVM Svi step %.1f ms (1 thread); SparkSvi local[2] step %.1f ms;"
                + " executor compute %.1f ms per core; Spark overhead %.1f ms = %.0f%% of the step%n"
                + "          %s%n",
            b, T, localMs, sparkMs, computePerCoreMs, sparkMs - computePerCoreMs,
            100 * (sparkMs - computePerCoreMs) / sparkMs, r.timings().summary());
        df.unpersist();
      }
    } finally {
      spark.stop();
    }
  }
}
