// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

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
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The AR(1) state-space model of {@link dev.ember.data.Ar1Data} for {@link
 * dev.ember.spark.SparkSvi}, with an amortized structured guide, and the forecasts that follow
 * from a fit.
 *
 * <p>Model, per series (the plate {@code "series"} inside the scan body over time):
 *
 * <pre>
 *   z_0 ~ Normal(0, 1),  z_t ~ Normal(phi z_{t-1}, sigma)  (t &gt;= 1)      site "z"
 *   y_t ~ Normal(z_t, tau)                                             site "y"
 * </pre>
 *
 * <p>with params {@code phi} in (-1, 1), {@code sigma > 0}, {@code tau > 0}; both sites are
 * masked at the padding of shorter sequences, so a batch's loss does not depend on how far it is
 * padded.
 *
 * <p>Guide: the posterior of a linear-Gaussian chain is itself a Gaussian Markov chain whose
 * conditional mean is linear in the previous state and the observations ahead (the Kalman
 * smoother), so the guide is {@code q(z_t | z_{t-1}, y) = Normal(a z_{t-1} + b0 y_t + b1 y_{t+1}
 * + b2 y_{t+2}, s)}, a scan as in the model. The smoother's gains are constant away from the ends
 * of a series but not at them, so the first step, the last and the one before it have gains of
 * their own ({@code q_first_*}, {@code q_last_*}, {@code q_penult_*}); without them the edges'
 * misfit biases phi, sigma and tau by about 1/T (measured: 3-5% at T = 50). Every guide param is
 * shared by all series: an amortized guide with global params only, which {@code SparkSvi}
 * needs. Its family holds the exact posterior up to the truncated look-ahead (the smoother's
 * weight on {@code y_{t+k}} decays geometrically in k).
 *
 * <pre>{@code
 * SparkSviModel fit = SparkSvi.builder(Ar1StateSpace.MODEL, Ar1StateSpace.GUIDE)
 *     .batchSize(1000).build().fit(sequences, 500);
 * double phi = fit.params().get("phi").item();
 * }</pre>
 */
@SuppressWarnings("try") // plates are entered for their effect
public final class Ar1StateSpace {
  private Ar1StateSpace() {}

  /** The latent site, the one to anneal. */
  public static final String LATENT = "z";

  /** The model's params, in the order printed and written. */
  public static final List<String> MODEL_PARAMS = List.of("phi", "sigma", "tau");

  /** The model (see the class comment). */
  public static final Model<SequenceBatch> MODEL = batch -> {
    Tensor phi = param("phi", Tensor.scalar(0.3), Constraints.interval(-1.0, 1.0));
    Tensor sigma = param("sigma", Tensor.scalar(1.0), Constraints.positive());
    Tensor tau = param("tau", Tensor.scalar(1.0), Constraints.positive());
    int b = batch.size();
    Tensor first = firstStep(batch.steps()); // [T] booleans
    Tensor one = Tensor.scalar(1.0);
    scan((Tensor prev, List<Tensor> x) -> {
      try (Plate p = plate("series", b)) {
        Tensor scale = Tensor.where(x.get(2), one, sigma); // [] : 1 at t = 0, else sigma
        Tensor z = sample(LATENT, Normal.of(prev.mul(phi), scale).mask(x.get(1))); // [B]
        sample("y", Normal.of(z, tau).mask(x.get(1)), x.get(0));
        return ScanStep.of(z, (Tensor) null);
      }
    }, Tensor.zeros(b), List.of(batch.values(), batch.observed(), first));
  };

  /**
   * A guide with per-series params instead: a mean-field Normal over every step of every series,
   * {@code z ~ Normal(z_loc, z_scale)} with {@code z_loc}, {@code z_scale} of shape {@code [T,
   * B]} (initially 0 and 0.1), masked at the padding. {@code SparkSvi} keeps each series' slices
   * on the executor that holds it; the fit's {@code seriesParams()} returns them.
   */
  public static final Model<SequenceBatch> SERIES_GUIDE = batch -> {
    int t = batch.steps();
    int b = batch.size();
    try (Plate p = plate("series", b)) {
      Tensor loc = param("z_loc", Tensor.zeros(t, b));
      Tensor scale = param("z_scale", Tensor.full(0.1, t, b), Constraints.positive());
      sampleOverTime(LATENT, Normal.of(loc, scale).mask(batch.observed())); // [T, B]
    }
  };

  /** The amortized structured guide (see the class comment). */
  public static final Model<SequenceBatch> GUIDE = batch -> {
    // interior steps: z_{t-1} and y_t, y_{t+1}, y_{t+2}
    Tensor a = param("q_prev", Tensor.scalar(0.0));
    Tensor b0 = param("q_y0", Tensor.scalar(0.5));
    Tensor b1 = param("q_y1", Tensor.scalar(0.0));
    Tensor b2 = param("q_y2", Tensor.scalar(0.0));
    Tensor s = param("q_scale", Tensor.scalar(0.5), Constraints.positive());
    // t = 0: no previous state, the prior N(0, 1)
    Tensor f0 = param("q_first_y0", Tensor.scalar(0.5));
    Tensor f1 = param("q_first_y1", Tensor.scalar(0.0));
    Tensor f2 = param("q_first_y2", Tensor.scalar(0.0));
    Tensor fs = param("q_first_scale", Tensor.scalar(0.5), Constraints.positive());
    // the last step of a series (nothing ahead) and the one before it (one value ahead)
    Tensor la = param("q_last_prev", Tensor.scalar(0.0));
    Tensor l0 = param("q_last_y0", Tensor.scalar(0.5));
    Tensor ls = param("q_last_scale", Tensor.scalar(0.5), Constraints.positive());
    Tensor pa = param("q_penult_prev", Tensor.scalar(0.0));
    Tensor p0 = param("q_penult_y0", Tensor.scalar(0.5));
    Tensor p1 = param("q_penult_y1", Tensor.scalar(0.0));
    Tensor ps = param("q_penult_scale", Tensor.scalar(0.5), Constraints.positive());
    int b = batch.size();
    Tensor y = batch.values(); // [T, B], zero at the padding
    Tensor y1 = ahead(y, 1); // [T, B]
    Tensor y2 = ahead(y, 2); // [T, B]
    Tensor[] where = positions(batch); // first, last, penultimate: [T, B] booleans
    Tensor zero = Tensor.scalar(0.0);
    // the gains of every step and series, chosen by position, computed once outside the scan
    Tensor gain = pick(where, zero, la, pa, a); // [T, B]
    Tensor loc = pick(where, f0, l0, p0, b0).mul(y)
        .add(pick(where, f1, zero, p1, b1).mul(y1))
        .add(pick(where, f2, zero, zero, b2).mul(y2)); // [T, B]
    Tensor scale = pick(where, fs, ls, ps, s); // [T, B]
    scan((Tensor prev, List<Tensor> x) -> {
      try (Plate p = plate("series", b)) {
        Tensor z = sample(LATENT, Normal.of(prev.mul(x.get(0)).add(x.get(1)), x.get(2))
            .mask(x.get(3))); // [B]
        return ScanStep.of(z, (Tensor) null);
      }
    }, Tensor.zeros(b), List.of(gain, loc, scale, batch.observed()));
  };

  /** first (t = 0), last (t = L - 1) and penultimate (t = L - 2) steps, {@code [T, B]} each. */
  static Tensor[] positions(SequenceBatch batch) {
    int t = batch.steps();
    int b = batch.size();
    double[] first = new double[t * b];
    double[] last = new double[t * b];
    double[] penult = new double[t * b];
    for (int i = 0; i < b; i++) {
      int len = batch.lengths()[i];
      first[i] = 1.0;
      last[(len - 1) * b + i] = 1.0;
      if (len >= 2) {
        penult[(len - 2) * b + i] = 1.0;
      }
    }
    Shape shape = Shape.of(t, b);
    return new Tensor[] {Tensor.of(first, shape).gt(0.5), Tensor.of(last, shape).gt(0.5),
        Tensor.of(penult, shape).gt(0.5)};
  }

  /** Per element: {@code onLast} at the last step, else {@code onPenult}, {@code onFirst}, else {@code inside}. */
  private static Tensor pick(Tensor[] where, Tensor onFirst, Tensor onLast, Tensor onPenult,
      Tensor inside) {
    return Tensor.where(where[1], onLast,
        Tensor.where(where[2], onPenult, Tensor.where(where[0], onFirst, inside)));
  }

  /** {@code [T]} booleans, true at t = 0 only. */
  static Tensor firstStep(int steps) {
    double[] f = new double[steps];
    f[0] = 1.0;
    return Tensor.of(f, Shape.of(steps)).gt(0.5);
  }

  /** {@code y} shifted {@code k} steps back in time: row t holds row t + k, zeros past the end. */
  static Tensor ahead(Tensor y, int k) {
    int t = y.dim(0);
    if (k >= t) {
      return Tensor.zerosLike(y);
    }
    return Tensor.concat(0, y.slice(0, k, t), Tensor.zeros(k, y.dim(1))); // [T, B]
  }

  /**
   * The forecast of one series after a fit.
   *
   * @param id the series id
   * @param length its length L
   * @param lastValue its last observation y_{L-1}
   * @param level the guide's mean of z_{L-1}
   * @param mean the predictive mean of y_{L-1+h}, h = 1..H: {@code phi^h level}
   * @param sd the predictive standard deviation of y_{L-1+h}: from the guide's variance of
   *     z_{L-1}, the AR(1) recursion and the observation noise
   */
  public record Forecast(long id, int length, double lastValue, double level, double[] mean,
      double[] sd) {}

  /**
   * The h-step forecasts of one series from the constrained params of a fit: the guide's mean
   * and variance of the last state by its linear recursion ({@code m_t = a m_{t-1} + b0 y_t + b1
   * y_{t+1} + b2 y_{t+2}}, {@code v_t = a^2 v_{t-1} + s^2}), then the AR(1) recursion forward.
   */
  public static Forecast forecast(Map<String, Tensor> params, long id, double[] y, int horizon) {
    double m = 0;
    double v = 0;
    int len = y.length;
    for (int t = 0; t < len; t++) {
      String g = t == len - 1 ? "q_last_" : t == len - 2 ? "q_penult_" : t == 0 ? "q_first_" : "q_";
      double a = t == 0 && g.equals("q_first_") ? 0 : params.get(g + "prev").item();
      double loc = a * m;
      for (int k = 0; k < 3 && t + k < len; k++) {
        Tensor b = params.get(g + "y" + k);
        loc += b == null ? 0 : b.item() * y[t + k];
      }
      double s = params.get(g + "scale").item();
      m = loc;
      v = a * a * v + s * s;
    }
    return forecast(params, id, y, horizon, m, v);
  }

  /**
   * The h-step forecasts of one series from the model's params and a guide's mean {@code level}
   * and variance {@code variance} of its last state (a per-series guide's {@code z_loc} and
   * {@code z_scale^2} at its last step), by the AR(1) recursion forward.
   */
  public static Forecast forecast(Map<String, Tensor> params, long id, double[] y, int horizon,
      double level, double variance) {
    double phi = params.get("phi").item();
    double sigma = params.get("sigma").item();
    double tau = params.get("tau").item();
    double m = level;
    double v = variance;
    double[] mean = new double[horizon];
    double[] sd = new double[horizon];
    double zm = m;
    double zv = v;
    for (int h = 0; h < horizon; h++) {
      zm = phi * zm;
      zv = phi * phi * zv + sigma * sigma;
      mean[h] = zm;
      sd[h] = Math.sqrt(zv + tau * tau);
    }
    return new Forecast(id, y.length, y[y.length - 1], m, mean, sd);
  }
}
