// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static dev.ember.primitives.Primitives.param;
import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;

import dev.ember.data.SequenceBatch;
import dev.ember.dist.Distribution;
import dev.ember.dist.Normal;
import dev.ember.dist.StudentT;
import dev.ember.dist.constraints.Constraints;
import dev.ember.examples.cli.Flags;
import dev.ember.examples.cli.JobIo;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.infer.optim.Adam;
import dev.ember.infer.optim.LearningRate;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.spark.SparkSvi;
import dev.ember.spark.SparkSviModel;
import dev.ember.spark.SparkTransform;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Stochastic volatility over many assets, fitted by minibatched {@link SparkSvi}: the
 * log-volatility of each asset is an AR(1) process and its returns are Normal or Student-t with
 * that volatility. It simulates returns with known parameters, fits them, prints the fitted
 * params next to the truth and the posterior summaries ({@link SparkSviModel#transform}) of the
 * log-volatility path of a few assets.
 *
 * <p>Model, per asset (the plate {@code "series"} inside the scan over time):
 *
 * <pre>
 *   h_0 ~ Normal(mu, sigma_h / sqrt(1 - phi^2)),  h_t ~ Normal(mu + phi (h_{t-1} - mu), sigma_h)   site "h"
 *   r_t ~ Normal(0, exp(h_t / 2))   or   StudentT(nu, 0, exp(h_t / 2))                               site "r"
 * </pre>
 *
 * <p>Guide (amortized: global params only, as {@code SparkSvi} needs): {@code q(h_t | h_{t-1}, r)
 * = Normal(a h_{t-1} + c + b0 l_t + w0 A0_t + w1 A1_t, s)} with {@code l_t = log(r_t^2 +
 * 1e-6)}, the observation that is linear in {@code h_t} ({@code log r_t^2 = h_t + log
 * eps_t^2}), and {@code A_t} the averages of the {@code l} ahead of t with geometric weights
 * 0.6^j and 0.9^j ({@link #aheadAverages}): the smoother of a persistent log-volatility weighs
 * many steps ahead, which one or two look-ahead terms miss. The first step has its own {@code c}
 * and {@code s}. Its family is Gaussian, so it cannot hold the
 * skewed posterior of {@code log eps^2} exactly: the fitted params are those of the best
 * Gaussian-Markov approximation, near but not at the truth (a limitation stated, not hidden).
 *
 * <pre>{@code
 * StochasticVolatility.Fit fit = StochasticVolatility.run(new String[] {"--quick"}, System.out);
 * fit.params().get("phi").item();   // near 0.95
 * }</pre>
 *
 * <p>Reference: S. Kim, N. Shephard and S. Chib, <i>Stochastic Volatility: Likelihood Inference
 * and Comparison with ARCH Models</i>, Review of Economic Studies 65 (1998).
 */
@SuppressWarnings("try") // plates are entered for their effect
public final class StochasticVolatility {
  private StochasticVolatility() {}

  /** The latent site: the log-volatility. */
  public static final String LATENT = "h";

  static Flags flags() {
    return new Flags("StochasticVolatility",
        "Simulates returns of many assets with AR(1) log-volatility, fits the stochastic\n"
            + "volatility model with minibatched SparkSvi, and prints the fitted params and the\n"
            + "posterior of a few assets' log-volatility.")
        .option("assets", "N", "20000", "number of assets (series)")
        .option("length", "T", "100", "returns per asset")
        .option("returns", "DIST", "normal", "the returns' distribution: normal or student-t "
            + "(data and model)")
        .option("mu", "X", "-1.0", "true mean log-variance")
        .option("phi", "X", "0.95", "true persistence of the log-volatility")
        .option("sigma-h", "X", "0.25", "true innovation scale of the log-volatility")
        .option("nu", "K", "5", "true degrees of freedom of Student-t returns (an integer)")
        .option("data-seed", "S", "2026", "seed of the data")
        .option("steps", "N", "1000", "SVI steps")
        .option("batch-size", "B", "1000", "assets per minibatch")
        .option("lr", "X", "0.05", "Adam learning rate, cosine-decayed to a tenth over the steps")
        .option("seed", "S", "0", "seed of the fit and of the posterior draws")
        .option("samples", "N", "100", "posterior draws per asset for the summaries")
        .option("show", "K", "3", "assets whose posterior is printed (lowest ids)")
        .option("partitions", "P", null, "partitions of the data (default: Spark's parallelism)")
        .option("master", "URL", null, "Spark master (default: spark-submit's, else local[*])")
        .repeated("conf", "KEY=VALUE", "a Spark setting")
        .option("log-level", "LEVEL", "WARN", "Spark's log level")
        .flag("quick", "a small run: 2000 assets x 100 returns, 300 SVI steps, batch 250 "
            + "(explicit options still win)");
  }

  /**
   * The result.
   *
   * @param params the fitted params of model and guide (constrained)
   * @param losses the loss of every step
   * @param truth the true log-volatility of each asset, {@code [N][T]}
   * @param posteriorMean the posterior mean of each asset's log-volatility, {@code [N][T]}
   * @param posteriorSd its posterior sd, {@code [N][T]}
   */
  public record Fit(Map<String, Tensor> params, double[] losses, double[][] truth,
      double[][] posteriorMean, double[][] posteriorSd) {}

  /** The model (see the class comment); with {@code studentT}, Student-t returns. */
  public static Model<SequenceBatch> model(boolean studentT) {
    return batch -> {
      Tensor mu = param("mu", Tensor.scalar(-1.0));
      Tensor phi = param("phi", Tensor.scalar(0.9), Constraints.interval(-1.0, 1.0));
      Tensor sigma = param("sigma_h", Tensor.scalar(0.3), Constraints.positive());
      Tensor nu = studentT ? param("nu", Tensor.scalar(10.0), Constraints.greaterThan(2.0))
          : null;
      int b = batch.size();
      Tensor first = firstStep(batch.steps(), 1); // [T, 1]: 1 at t = 0
      Tensor stationary = sigma.div(phi.square().rsub(1.0).sqrt()); // []
      Tensor zero = Tensor.zeros(b);
      scan((Tensor prev, List<Tensor> x) -> {
        try (Plate p = plate("series", b)) {
          Tensor f = x.get(2); // [1]
          Tensor loc = prev.sub(mu).mul(phi).mul(f.rsub(1.0)).add(mu); // [B]
          Tensor scale = sigma.add(stationary.sub(sigma).mul(f)); // [1]
          Tensor h = sample(LATENT, Normal.of(loc, scale).mask(x.get(1))); // [B]
          Tensor vol = h.mul(0.5).exp(); // [B]
          Distribution r = studentT ? StudentT.of(nu, zero, vol) : Normal.of(zero, vol);
          sample("r", r.mask(x.get(1)), x.get(0));
          return ScanStep.of(h, (Tensor) null);
        }
      }, Tensor.zeros(b), List.of(batch.values(), batch.observed(), first));
    };
  }

  /** The decays of the guide's look-ahead averages. */
  static final double[] LOOK_AHEAD = {0.6, 0.9};

  /** The amortized guide (see the class comment). */
  public static final Model<SequenceBatch> GUIDE = batch -> {
    Tensor a = param("q_prev", Tensor.scalar(0.8));
    Tensor c = param("q_bias", Tensor.scalar(0.0));
    Tensor b0 = param("q_l0", Tensor.scalar(0.1));
    Tensor w0 = param("q_ahead0", Tensor.scalar(0.0));
    Tensor w1 = param("q_ahead1", Tensor.scalar(0.0));
    Tensor s = param("q_scale", Tensor.scalar(0.5), Constraints.positive());
    Tensor cf = param("q_first_bias", Tensor.scalar(-1.0));
    Tensor sf = param("q_first_scale", Tensor.scalar(0.5), Constraints.positive());
    int b = batch.size();
    int t = batch.steps();
    Tensor first = firstStep(t, b); // [T, B]
    Tensor rest = first.rsub(1.0); // [T, B]
    Tensor l = batch.values().square().add(1e-6).log(); // [T, B]
    Tensor[] ahead = aheadAverages(l, batch.lengths()); // [T, B] each
    Tensor gain = rest.mul(a); // [T, B]
    Tensor loc = rest.mul(c).add(first.mul(cf)).add(l.mul(b0)).add(ahead[0].mul(w0))
        .add(ahead[1].mul(w1)); // [T, B]
    Tensor scale = rest.mul(s).add(first.mul(sf)); // [T, B]
    scan((Tensor prev, List<Tensor> x) -> {
      try (Plate p = plate("series", b)) {
        Tensor h = sample(LATENT, Normal.of(prev.mul(x.get(0)).add(x.get(1)), x.get(2))
            .mask(x.get(3))); // [B]
        return ScanStep.of(h, (Tensor) null);
      }
    }, Tensor.zeros(b), List.of(gain, loc, scale, batch.observed()));
  };

  /**
   * For each decay {@code rho} of {@link #LOOK_AHEAD}, the weighted average of the values ahead,
   * {@code sum_j rho^j l_{t+1+j} / sum_j rho^j} over the steps of the sequence after t (0 at its
   * last step and at the padding): data only, so computed once per batch, {@code [T, B]} each.
   */
  static Tensor[] aheadAverages(Tensor l, int[] lengths) {
    int t = l.dim(0);
    int b = l.dim(1);
    double[] v = l.toArray(); // [T, B] row-major
    Tensor[] out = new Tensor[LOOK_AHEAD.length];
    for (int k = 0; k < LOOK_AHEAD.length; k++) {
      double rho = LOOK_AHEAD[k];
      double[] avg = new double[t * b];
      for (int i = 0; i < b; i++) {
        double num = 0;
        double den = 0;
        for (int s = lengths[i] - 2; s >= 0; s--) { // sums over t+1 .. L-1, built backwards
          num = v[(s + 1) * b + i] + rho * num;
          den = 1 + rho * den;
          avg[s * b + i] = num / den;
        }
      }
      out[k] = Tensor.of(avg, Shape.of(t, b));
    }
    return out;
  }

  /** {@code [T, width]}: 1 at t = 0, else 0. */
  static Tensor firstStep(int steps, int width) {
    double[] f = new double[steps * width];
    for (int i = 0; i < width; i++) {
      f[i] = 1.0;
    }
    return Tensor.of(f, Shape.of(steps, width));
  }

  /**
   * Simulated data: {@code [0]} the returns, {@code [1]} the log-volatility, {@code [N][T]}
   * each; Student-t draws (when {@code nu > 0}) as a normal over the root of a chi-square of
   * {@code nu} squared normals divided by {@code nu}.
   */
  static double[][][] simulate(int assets, int length, double mu, double phi, double sigma,
      int nu, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] r = new double[assets][length];
    double[][] h = new double[assets][length];
    double stationary = sigma / Math.sqrt(1 - phi * phi);
    for (int i = 0; i < assets; i++) {
      for (int t = 0; t < length; t++) {
        h[i][t] = t == 0 ? mu + stationary * normal(rng)
            : mu + phi * (h[i][t - 1] - mu) + sigma * normal(rng);
        double eps = normal(rng);
        if (nu > 0) {
          double chi = 0;
          for (int k = 0; k < nu; k++) {
            double g = normal(rng);
            chi += g * g;
          }
          eps /= Math.sqrt(chi / nu);
        }
        r[i][t] = Math.exp(h[i][t] / 2) * eps;
      }
    }
    return new double[][][] {r, h};
  }

  private static double normal(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble(); // (0, 1]
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * Runs with {@code args} (see {@code --help}); a failure prints one line and exits
   * with status 2 (bad command line) or 1 ({@link Flags#runMain}).
   */
  public static void main(String[] args) {
    Flags.runMain("StochasticVolatility", args, () -> run(args, System.out));
  }

  /** Runs with {@code args}, printing to {@code out}; null when only the help was asked for. */
  public static Fit run(String[] args, PrintStream out) {
    Flags.Parsed f = flags().parse(args);
    if (f.help()) {
      out.print(flags().help());
      return null;
    }
    int assets = f.intValue("assets", 1, 2000);
    int length = f.intValue("length", 2, 100);
    int steps = f.intValue("steps", 1, 300);
    int batch = f.intValue("batch-size", 1, 250);
    boolean studentT = f.choice("returns", "normal", "student-t").equals("student-t");
    double mu = Double.parseDouble(f.required("mu"));
    double phi = f.doubleValue("phi", -1, 1);
    double sigma = f.doubleValue("sigma-h", 0);
    int nu = f.intValue("nu", 3);
    long dataSeed = f.longValue("data-seed", Long.MIN_VALUE, Long.MAX_VALUE);
    double lr = f.doubleValue("lr", 0);
    long seed = f.longValue("seed", Long.MIN_VALUE, Long.MAX_VALUE);
    int samples = f.intValue("samples", 2);
    int show = f.intValue("show", 0);
    if (batch > assets) {
      throw new Flags.UsageException("option --batch-size (" + batch + ") is larger than "
          + "--assets (" + assets + ")");
    }

    double[][][] sim = simulate(assets, length, mu, phi, sigma, studentT ? nu : 0, dataSeed);
    SparkSession spark = JobIo.session("ember-stochastic-volatility", f.string("master"),
        f.all("conf"));
    List<Dataset<Row>> cached = new ArrayList<>();
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      jsc.setLogLevel(f.required("log-level"));
      int partitions = f.string("partitions") == null ? jsc.defaultParallelism()
          : f.intValue("partitions", 1);
      List<Row> rows = new ArrayList<>(assets);
      for (int i = 0; i < assets; i++) {
        rows.add(RowFactory.create((long) i, sim[0][i]));
      }
      Dataset<Row> data = spark.createDataFrame(rows, JobIo.SEQUENCES).repartition(partitions)
          .cache();
      cached.add(data);
      out.printf(Locale.ROOT, "data: %d assets x %d %s returns, mu %.3f, phi %.3f, sigma_h %.3f%s "
          + "(seed %d), %d partitions%n", assets, length, studentT ? "Student-t" : "Normal", mu,
          phi, sigma, studentT ? ", nu " + nu : "", dataSeed, partitions);
      SparkSvi svi = SparkSvi.builder(model(studentT), GUIDE)
          .optimizer(Adam.of(LearningRate.cosineDecay(lr, steps, 0.1)))
          .batchSize(batch).seed(seed).progress(false).build();
      long t0 = System.nanoTime();
      SparkSviModel r = svi.fit(data, steps);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double[] losses = r.losses();
      out.printf(Locale.ROOT, "fit: %d steps, batch %d, in %.1f s; loss %.6g -> %.6g%n", steps,
          batch, seconds, losses[0], losses[losses.length - 1]);
      out.printf(Locale.ROOT, "%-8s %10s %12s%n", "param", "truth", "fitted");
      out.printf(Locale.ROOT, "%-8s %10.4f %12.6f%n", "mu", mu, r.params().get("mu").item());
      out.printf(Locale.ROOT, "%-8s %10.4f %12.6f%n", "phi", phi, r.params().get("phi").item());
      out.printf(Locale.ROOT, "%-8s %10.4f %12.6f%n", "sigma_h", sigma,
          r.params().get("sigma_h").item());
      if (studentT) {
        out.printf(Locale.ROOT, "%-8s %10d %12.6f%n", "nu", nu, r.params().get("nu").item());
      }

      List<Row> post = r.transform(data, SparkTransform.options().samples(samples)
          .quantiles(0.05, 0.95).sites(LATENT).key(RngKey.of(seed).split()[1]))
          .orderBy("id").collectAsList();
      double[][] mean = new double[assets][];
      double[][] sd = new double[assets][];
      double[][] q05 = new double[assets][];
      double[][] q95 = new double[assets][];
      for (Row p : post) {
        int id = (int) p.getLong(p.fieldIndex("id"));
        mean[id] = toArray(p.getList(p.fieldIndex("h_mean")));
        sd[id] = toArray(p.getList(p.fieldIndex("h_sd")));
        q05[id] = toArray(p.getList(p.fieldIndex("h_q05")));
        q95[id] = toArray(p.getList(p.fieldIndex("h_q95")));
      }
      double covered = 0;
      for (int i = 0; i < assets; i++) {
        for (int t = 0; t < length; t++) {
          double x = sim[1][i][t];
          covered += x >= q05[i][t] && x <= q95[i][t] ? 1 : 0;
        }
      }
      out.printf(Locale.ROOT, "posterior of h (%d draws per asset): correlation of the mean with "
          + "the true h %.3f, 90%% interval coverage %.3f%n", samples, correlation(sim[1], mean),
          covered / ((double) assets * length));
      int every = Math.max(1, length / 5);
      for (int i = 0; i < Math.min(show, assets); i++) {
        out.printf(Locale.ROOT, "asset %d:%n  %6s %9s %9s %9s %9s %9s %11s%n", i, "t", "return",
            "true h", "h mean", "h q05", "h q95", "vol mean");
        for (int t = 0; t < length; t += every) {
          out.printf(Locale.ROOT, "  %6d %9.4f %9.4f %9.4f %9.4f %9.4f %11.4f%n", t,
              sim[0][i][t], sim[1][i][t], mean[i][t], q05[i][t], q95[i][t],
              Math.exp(mean[i][t] / 2));
        }
      }
      return new Fit(r.params(), losses, sim[1], mean, sd);
    } finally {
      cached.forEach(Dataset::unpersist);
      spark.stop();
    }
  }

  private static double[] toArray(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The correlation of two {@code [N][T]} arrays over all their elements. */
  static double correlation(double[][] x, double[][] y) {
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double syy = 0;
    double sxy = 0;
    long n = 0;
    for (int i = 0; i < x.length; i++) {
      for (int t = 0; t < x[i].length; t++) {
        sx += x[i][t];
        sy += y[i][t];
        sxx += x[i][t] * x[i][t];
        syy += y[i][t] * y[i][t];
        sxy += x[i][t] * y[i][t];
        n++;
      }
    }
    double cov = sxy / n - sx / n * sy / n;
    return cov / Math.sqrt((sxx / n - sx / n * sx / n) * (syy / n - sy / n * sy / n));
  }
}
