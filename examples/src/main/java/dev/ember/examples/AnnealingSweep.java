// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import dev.ember.data.Ar1Data;
import dev.ember.examples.cli.Flags;
import dev.ember.examples.cli.JobIo;
import dev.ember.examples.cli.OutputFolder;
import dev.ember.examples.cli.TemporaryFolder;
import dev.ember.infer.AnnealingSchedule;
import dev.ember.infer.optim.Adam;
import dev.ember.infer.optim.LearningRate;
import dev.ember.random.RngKey;
import dev.ember.spark.SparkEvaluation;
import dev.ember.spark.SparkSvi;
import dev.ember.spark.SparkSviModel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A sweep over KL-annealing schedules: the same synthetic AR(1) sequences ({@link Ar1Data}),
 * split into training and held-out series, fitted by {@link SparkSvi} with {@link
 * Ar1StateSpace#MODEL} and its guide once per schedule, the latent site {@link
 * Ar1StateSpace#LATENT} ({@code z}, sampled in model and guide, never observed) annealed. For
 * each schedule it reports the final training loss (the annealed objective the fit minimized,
 * averaged over the last tenth of the steps), the held-out negative ELBO ({@link
 * SparkSviModel#evaluate}: unannealed, every held-out series, the same key for every schedule) and
 * its likelihood and KL parts, and the fitted {@code phi}.
 *
 * <p>Schedules: {@code constant:1.0}, and for each warm-up length {@code w}: {@code
 * linear:0.0->1.0@w}, {@code cyclical:0.0->1.0@wx0.5} (cycles of w steps, half of each a ramp),
 * and {@code sigmoid:0.0->1.0@(w/2)/(10/w)} (half-way at w/2, from about 0.007 to 0.993 over
 * w). Extra schedules can be given in the text form of {@link AnnealingSchedule#parse}.
 *
 * <p>Fits run one after another by default; {@code --concurrent} submits them from threads to
 * one Spark context with the FAIR scheduler ({@code spark.scheduler.mode=FAIR}), each thread in
 * a pool of its own ({@code spark.scheduler.pool}), so their jobs share the executors. A fit is
 * determined by its seed, batch size and data, so both ways give the same numbers.
 *
 * <p>Outputs under {@code --out}: {@code sweep.csv} (one row per schedule) and {@code
 * curves.csv} (the training loss of every step, one column per schedule), and {@code
 * curves.png}, those curves plotted (XChart).
 *
 * <pre>{@code
 * AnnealingSweep.Sweep s = AnnealingSweep.run(new String[] {"--quick", "--out", "sweep"},
 *     System.out);
 * s.outcomes().get(0).heldOut().loss();   // held-out -ELBO of constant:1.0
 * }</pre>
 */
public final class AnnealingSweep {
  private AnnealingSweep() {}

  static Flags flags() {
    return new Flags("AnnealingSweep",
        "Fits the AR(1) state-space model with SparkSvi once per KL-annealing schedule of its\n"
            + "latent site z, on the same data, and compares final training loss, held-out ELBO\n"
            + "and its KL part per schedule.")
        .option("series", "N", "20000", "training series")
        .option("held-out", "M", "2000", "held-out series")
        .option("length", "T", "50", "steps per series")
        .option("phi", "X", Double.toString(Ar1Data.DEFAULT_PHI), "true autoregression")
        .option("sigma", "X", Double.toString(Ar1Data.DEFAULT_SIGMA), "true innovation scale")
        .option("tau", "X", Double.toString(Ar1Data.DEFAULT_TAU), "true observation noise")
        .option("data-seed", "S", Long.toString(Ar1Data.DEFAULT_SEED), "seed of the data")
        .option("steps", "N", "500", "SVI steps per fit")
        .option("batch-size", "B", "1000", "series per minibatch")
        .option("lr", "X", "0.05", "Adam learning rate, cosine-decayed to a tenth over the steps")
        .option("seed", "S", "0", "seed of every fit and of the held-out evaluation")
        .option("warmups", "W,W", null, "warm-up lengths in steps, comma-separated (default: "
            + "steps/5 and steps/2)")
        .repeated("schedule", "SPEC", "an extra schedule, e.g. cosine:0.0->1.0@200; grammar: "
            + AnnealingSchedule.GRAMMAR)
        .flag("concurrent", "run the fits from threads in Spark FAIR scheduler pools")
        .option("threads", "N", null, "threads with --concurrent (default: one per schedule)")
        .option("partitions", "P", null, "partitions of the data (default: Spark's parallelism)")
        .option("out", "DIR", "ember-annealing-sweep", "output folder: sweep.csv, curves.csv, "
            + "curves.png, written\nwhole or not at all; a new or empty folder unless --overwrite")
        .flag("overwrite", "replace an earlier output of Ember's in --out once the new one is "
            + "complete")
        .option("master", "URL", null, "Spark master (default: spark-submit's, else local[*])")
        .repeated("conf", "KEY=VALUE", "a Spark setting")
        .option("log-level", "LEVEL", "WARN", "Spark's log level")
        .flag("quick", "a small run: 2000 + 500 series x 30 steps, 150 SVI steps, batch 250 "
            + "(explicit options still win)")
        .note("Outputs: sweep.csv (schedule, beta at the last step, train_loss, heldout_loss,\n"
            + "heldout_loglik, heldout_kl, heldout_loss_per_series, phi, seconds) and curves.csv\n"
            + "(step, then the training loss of each schedule), curves.png (those curves).");
  }

  /**
   * One schedule's fit.
   *
   * @param schedule the schedule
   * @param finalBeta its beta at the last step
   * @param trainLoss the mean training loss (annealed) over the last tenth of the steps
   * @param heldOut the held-out ELBO and its parts (unannealed)
   * @param phi the fitted phi
   * @param losses the training loss of every step
   * @param seconds the fit's wall time
   */
  public record Outcome(AnnealingSchedule schedule, double finalBeta, double trainLoss,
      SparkEvaluation.Result heldOut, double phi, double[] losses, double seconds) {}

  /**
   * The sweep.
   *
   * @param outcomes one per schedule, in the order run
   * @param concurrent whether the fits ran concurrently
   * @param jobsPerPool with {@code --concurrent}, the Spark jobs run in each scheduler pool (as
   *     a listener saw them); empty otherwise
   * @param out the output folder, qualified
   */
  public record Sweep(List<Outcome> outcomes, boolean concurrent, Map<String, Long> jobsPerPool,
      String out) {}

  /**
   * Runs with {@code args} (see {@code --help}); a failure prints one line and exits
   * with status 2 (bad command line) or 1 ({@link Flags#runMain}).
   */
  public static void main(String[] args) {
    Flags.runMain("AnnealingSweep", args, () -> run(args, System.out));
  }

  /** The schedules of the sweep: constant 1, then linear, cyclical, sigmoid per warm-up. */
  static List<AnnealingSchedule> schedules(long[] warmups, List<String> extra) {
    List<AnnealingSchedule> s = new ArrayList<>();
    s.add(AnnealingSchedule.constant(1.0));
    for (long w : warmups) {
      s.add(AnnealingSchedule.linear(0.0, 1.0, w));
      s.add(AnnealingSchedule.cyclical(w, 0.5, 0.0, 1.0));
      s.add(AnnealingSchedule.sigmoid(0.0, 1.0, w / 2, 10.0 / w));
    }
    for (String e : extra) {
      try {
        s.add(AnnealingSchedule.parse(e));
      } catch (IllegalArgumentException x) {
        throw new Flags.UsageException("option --schedule: " + x.getMessage(), x);
      }
    }
    return s;
  }

  /** Runs with {@code args}, printing to {@code out}; null when only the help was asked for. */
  public static Sweep run(String[] args, PrintStream out) {
    Flags.Parsed f = flags().parse(args);
    if (f.help()) {
      out.print(flags().help());
      return null;
    }
    int series = f.intValue("series", 1, 2000);
    int heldOut = f.intValue("held-out", 1, 500);
    int length = f.intValue("length", 2, 30);
    int steps = f.intValue("steps", 1, 150);
    int batch = f.intValue("batch-size", 1, 250);
    double phi = f.doubleValue("phi", -1, 1);
    double sigma = f.doubleValue("sigma", 0);
    double tau = f.doubleValue("tau", 0);
    long dataSeed = f.longValue("data-seed", Long.MIN_VALUE, Long.MAX_VALUE);
    double lr = f.doubleValue("lr", 0);
    long seed = f.longValue("seed", Long.MIN_VALUE, Long.MAX_VALUE);
    if (batch > series) {
      throw new Flags.UsageException("option --batch-size (" + batch + ") is larger than "
          + "--series (" + series + ")");
    }
    long[] warmups = warmups(f.string("warmups"), steps);
    List<AnnealingSchedule> schedules = schedules(warmups, f.all("schedule"));
    boolean concurrent = f.has("concurrent");
    int threads = f.string("threads") == null ? schedules.size() : f.intValue("threads", 1);
    String outPath = f.required("out");

    List<String> confs = new ArrayList<>(f.all("conf"));
    if (concurrent) {
      confs.add("spark.scheduler.mode=FAIR");
    }
    TemporaryFolder tmp = TemporaryFolder.create("ember-sweep-data");
    SparkSession spark = null;
    List<Dataset<Row>> cached = new ArrayList<>();
    OutputFolder outDir = null;
    try {
      spark = JobIo.session("ember-annealing-sweep", f.string("master"), confs);
      outDir = OutputFolder.open("out", outPath, f.has("overwrite"),
          spark.sparkContext().hadoopConfiguration(), "annealing-sweep-output");
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      jsc.setLogLevel(f.required("log-level"));
      int partitions = f.string("partitions") == null ? jsc.defaultParallelism()
          : f.intValue("partitions", 1);
      Ar1Data data = Ar1Data.generate(series + heldOut, length, phi, sigma, tau, dataSeed);
      String dir = tmp.resolve("sequences.parquet");
      LocalLevelSpark.frame(spark, data, false, partitions).write().parquet(dir);
      Dataset<Row> all = spark.read().parquet(dir);
      Dataset<Row> train = all.filter(all.col("id").lt(series)).cache();
      Dataset<Row> test = all.filter(all.col("id").geq(series)).cache();
      cached.add(train);
      cached.add(test);
      out.printf(Locale.ROOT, "Spark %s on %s, %d partitions, scheduler %s%n", spark.version(),
          jsc.master(), partitions, concurrent ? "FAIR (concurrent fits)" : "FIFO (sequential)");
      out.printf(Locale.ROOT, "data: %d training + %d held-out series x %d steps, phi %.3f, "
          + "sigma %.3f, tau %.3f (seed %d)%n", series, heldOut, length, phi, sigma, tau,
          dataSeed);
      out.printf(Locale.ROOT, "%d schedules of site %s, %d SVI steps each, batch %d, Adam lr %.3g "
          + "(cosine decay), seed %d%n", schedules.size(), Ar1StateSpace.LATENT, steps, batch, lr,
          seed);
      RngKey evalKey = RngKey.of(seed).split()[1];
      List<Outcome> outcomes = new ArrayList<>();
      Map<String, Long> jobsPerPool = new ConcurrentHashMap<>();
      long t0 = System.nanoTime();
      if (!concurrent) {
        for (AnnealingSchedule s : schedules) {
          outcomes.add(fit(s, train, test, steps, batch, lr, seed, evalKey));
          out.printf(Locale.ROOT, "  done %s%n", s);
        }
      } else {
        SparkListener poolCounter = new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart e) {
            String p = e.properties() == null ? null
                : e.properties().getProperty("spark.scheduler.pool");
            if (p != null) {
              jobsPerPool.merge(p, 1L, Long::sum);
            }
          }
        };
        spark.sparkContext().addSparkListener(poolCounter);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, schedules.size()));
        try {
          List<Future<Outcome>> futures = new ArrayList<>();
          for (int i = 0; i < schedules.size(); i++) {
            AnnealingSchedule s = schedules.get(i);
            String name = "sweep-" + i;
            futures.add(pool.submit(() -> {
              jsc.setLocalProperty("spark.scheduler.pool", name);
              try {
                return fit(s, train, test, steps, batch, lr, seed, evalKey);
              } finally {
                jsc.setLocalProperty("spark.scheduler.pool", null);
              }
            }));
          }
          for (int i = 0; i < futures.size(); i++) {
            outcomes.add(futures.get(i).get());
            out.printf(Locale.ROOT, "  done %s%n", schedules.get(i));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
          throw e.getCause() instanceof RuntimeException r ? r
              : new IllegalStateException(e.getCause());
        } finally {
          pool.shutdownNow();
          spark.sparkContext().removeSparkListener(poolCounter);
        }
        // the listener bus is asynchronous: the last few job starts may not be counted
        out.printf(Locale.ROOT, "scheduling mode %s, jobs seen per pool: %s%n",
            spark.sparkContext().getSchedulingMode(), new TreeMap<>(jobsPerPool));
      }
      out.printf(Locale.ROOT, "sweep: %d fits in %.1f s%n", outcomes.size(),
          (System.nanoTime() - t0) / 1e9);
      print(outcomes, heldOut, out);
      writeCsv(outDir, outcomes);
      outDir.write("curves.png", plot(outcomes));
      String where = outDir.commit();
      out.printf(Locale.ROOT, "wrote sweep.csv, curves.csv, curves.png to %s%n", where);
      return new Sweep(outcomes, concurrent, new TreeMap<>(jobsPerPool), where);
    } finally {
      cached.forEach(Dataset::unpersist);
      try {
        if (outDir != null) {
          outDir.close(); // deletes the temporary output unless committed
        }
      } finally {
        try {
          if (spark != null) {
            spark.stop();
          }
        } finally {
          tmp.close();
        }
      }
    }
  }

  /** One schedule's fit and its held-out evaluation. */
  static Outcome fit(AnnealingSchedule schedule, Dataset<Row> train,
      Dataset<Row> test, int steps, int batch, double lr, long seed,
      RngKey evalKey) {
    SparkSvi svi = SparkSvi.builder(Ar1StateSpace.MODEL, Ar1StateSpace.GUIDE)
        .optimizer(Adam.of(LearningRate.cosineDecay(lr, steps, 0.1)))
        .batchSize(batch).seed(seed).progress(false)
        .annealing(schedule, Ar1StateSpace.LATENT).build();
    long t = System.nanoTime();
    SparkSviModel r = svi.fit(train, steps);
    SparkEvaluation.Result e = r.evaluate(test, evalKey);
    double seconds = (System.nanoTime() - t) / 1e9;
    double[] l = r.losses();
    int tail = Math.max(1, l.length / 10);
    double sum = 0;
    for (int i = l.length - tail; i < l.length; i++) {
      sum += l[i];
    }
    return new Outcome(schedule, schedule.beta(steps - 1), sum / tail, e,
        r.params().get("phi").item(), l, seconds);
  }

  private static void print(List<Outcome> rows, int heldOut, PrintStream out) {
    int w = rows.stream().mapToInt(r -> r.schedule().toString().length()).max().orElse(8);
    out.printf(Locale.ROOT, "%-" + w + "s %6s %12s %12s %12s %12s %10s %8s%n", "schedule",
        "beta_T", "train loss", "held-out", "log-lik", "KL", "per series", "phi");
    for (Outcome r : rows) {
      out.printf(Locale.ROOT, "%-" + w + "s %6.3f %12.2f %12.2f %12.2f %12.2f %10.4f %8.4f%n",
          r.schedule(), r.finalBeta(), r.trainLoss(), r.heldOut().loss(),
          r.heldOut().logLikelihood(), r.heldOut().kl(), r.heldOut().loss() / heldOut, r.phi());
    }
    out.printf(Locale.ROOT, "train loss: mean over the last tenth of the steps, annealed by the "
        + "schedule; held-out: -ELBO = KL - log-lik, unannealed, same key for all%n");
  }

  private static void writeCsv(OutputFolder dir, List<Outcome> rows) {
    StringBuilder sb = new StringBuilder("schedule,beta_final,train_loss,heldout_loss,"
        + "heldout_loglik,heldout_kl,heldout_loss_per_series,phi,seconds\n");
    for (Outcome r : rows) {
      SparkEvaluation.Result e = r.heldOut();
      sb.append(r.schedule()).append(',').append(r.finalBeta()).append(',')
          .append(r.trainLoss()).append(',').append(e.loss()).append(',')
          .append(e.logLikelihood()).append(',').append(e.kl()).append(',')
          .append(e.loss() / e.series()).append(',').append(r.phi()).append(',')
          .append(r.seconds()).append('\n');
    }
    dir.writeText("sweep.csv", sb.toString());
    StringBuilder c = new StringBuilder("step");
    for (Outcome r : rows) {
      c.append(',').append(r.schedule());
    }
    c.append('\n');
    int n = rows.stream().mapToInt(r -> r.losses().length).max().orElse(0);
    for (int i = 0; i < n; i++) {
      c.append(i + 1);
      for (Outcome r : rows) {
        c.append(',').append(i < r.losses().length ? Double.toString(r.losses()[i]) : "");
      }
      c.append('\n');
    }
    dir.writeText("curves.csv", c.toString());
  }

  /** The training-loss curves, one line per schedule, as a PNG (headless XChart). */
  static byte[] plot(List<Outcome> rows) {
    Map<String, double[]> curves = new java.util.LinkedHashMap<>();
    for (Outcome r : rows) {
      // can be negative while beta is near 0 (then it is -log-lik alone)
      curves.put(r.schedule().toString(), r.losses());
    }
    return JobIo.linePlotPng("Training loss (annealed -ELBO estimate) per annealing schedule",
        "SVI step", "loss", curves);
  }

  private static long[] warmups(String spec, int steps) {
    if (spec == null) {
      return new long[] {Math.max(2, steps / 5), Math.max(2, steps / 2)};
    }
    String[] parts = spec.split(",");
    long[] w = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        w[i] = Long.parseLong(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new Flags.UsageException("option --warmups needs integers separated by commas, "
            + "got '" + spec + "'");
      }
      if (w[i] < 2) {
        throw new Flags.UsageException("option --warmups: each warm-up must be >= 2 steps, got "
            + w[i]);
      }
    }
    return w;
  }
}
