// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.ValueAndGrad;
import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Fits an AR(1) state-space process to many synthetic series by maximum likelihood, with
 * reverse-mode gradients, and checks the answer against the closed form.
 *
 * <p>The data are {@code B} series of length {@code T} from {@code x_0 ~ N(0, sigma^2 / (1 -
 * phi^2))}, {@code x_t = phi x_{t-1} + sigma e_t}. The fit maximizes the conditional
 * log-likelihood {@code sum_{b, t >= 1} log N(x_t; phi x_{t-1}, sigma)} over unconstrained
 * parameters ({@code phi = tanh(u)}, {@code sigma = exp(v)}) by gradient ascent, and compares the
 * result with the closed-form maximizer {@code phi = sum x_t x_{t-1} / sum x_{t-1}^2}, {@code
 * sigma^2 = mean squared residual}.
 *
 * <pre>{@code
 * Ar1MaximumLikelihood.Fit fit = Ar1MaximumLikelihood.run(new String[] {"--series", "64"}, System.out);
 * fit.phi(); // close to 0.8
 * }</pre>
 */
public final class Ar1MaximumLikelihood {
  private Ar1MaximumLikelihood() {}

  /** True autoregression coefficient of the synthetic data. */
  public static final double TRUE_PHI = 0.8;

  /** True innovation scale of the synthetic data. */
  public static final double TRUE_SIGMA = 0.5;

  /** Gradient-ascent step on the per-observation log-likelihood. */
  static final double STEP = 0.4;

  /** The fit stops when every gradient component is below this. */
  public static final double GRADIENT_TOLERANCE = 1e-10;

  /**
   * The result of a fit.
   *
   * @param phi fitted autoregression coefficient
   * @param sigma fitted innovation scale
   * @param closedFormPhi the closed-form maximizer of the same likelihood
   * @param closedFormSigma the closed-form maximizer of the same likelihood
   * @param steps gradient steps taken
   * @param logLikelihood the maximized log-likelihood per observation
   */
  public record Fit(
      double phi,
      double sigma,
      double closedFormPhi,
      double closedFormSigma,
      int steps,
      double logLikelihood) {}

  /** Runs the example: {@code --series B --length T --steps N --seed S}. */
  public static void main(String[] args) {
    run(args, System.out);
  }

  /** Runs with the given flags, printing progress to {@code out}. */
  public static Fit run(String[] args, java.io.PrintStream out) {
    int series = 256;
    int length = 200;
    int maxSteps = 2000;
    long seed = 0;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String v = args[++i];
      switch (flag) {
        case "--series":
          series = Integer.parseInt(v);
          break;
        case "--length":
          length = Integer.parseInt(v);
          break;
        case "--steps":
          maxSteps = Integer.parseInt(v);
          break;
        case "--seed":
          seed = Long.parseLong(v);
          break;
        default:
          throw new IllegalArgumentException(
              "unknown flag " + flag + "; use --series, --length, --steps or --seed");
      }
    }
    RngKey[] keys = RngKey.of(seed).split(2);
    Tensor x = simulate(keys[0], series, length, TRUE_PHI, TRUE_SIGMA); // [B, T]
    out.printf(Locale.ROOT, "AR(1) data: %d series x %d steps, phi = %.2f, sigma = %.2f%n",
        series, length, TRUE_PHI, TRUE_SIGMA);

    Tensor prev = x.slice(1, 0, length - 1); // [B, T-1]
    Tensor next = x.slice(1, 1, length); // [B, T-1]
    int n = series * (length - 1);
    Map<String, Tensor> params = new LinkedHashMap<>();
    params.put("u", Tensor.scalar(0.0)); // phi = tanh(u) = 0
    params.put("v", Tensor.scalar(0.0)); // sigma = exp(v) = 1
    int step = 0;
    ValueAndGrad vg = null;
    for (; step < maxSteps; step++) {
      vg = Autodiff.valueAndGrad(p -> logLikelihood(p, prev, next).div(n), params);
      double gu = vg.grad().get("u").item();
      double gv = vg.grad().get("v").item();
      if (step % 50 == 0) {
        out.printf(Locale.ROOT, "step %4d  log-lik/obs %.8f  phi %.6f  sigma %.6f%n", step,
            vg.loss(), Math.tanh(params.get("u").item()), Math.exp(params.get("v").item()));
      }
      if (Math.max(Math.abs(gu), Math.abs(gv)) < GRADIENT_TOLERANCE) {
        break;
      }
      params.put("u", params.get("u").add(STEP * gu));
      params.put("v", params.get("v").add(STEP * gv));
    }
    double phi = Math.tanh(params.get("u").item());
    double sigma = Math.exp(params.get("v").item());
    double cfPhi = prev.mul(next).sum().item() / prev.square().sum().item();
    double cfSigma = Math.sqrt(next.sub(prev.mul(cfPhi)).square().sum().item() / n);
    out.printf(Locale.ROOT, "converged after %d steps%n", step);
    out.printf(Locale.ROOT, "%-8s %10s %12s %12s%n", "", "truth", "gradient", "closed form");
    out.printf(Locale.ROOT, "%-8s %10.6f %12.8f %12.8f%n", "phi", TRUE_PHI, phi, cfPhi);
    out.printf(Locale.ROOT, "%-8s %10.6f %12.8f %12.8f%n", "sigma", TRUE_SIGMA, sigma, cfSigma);
    return new Fit(phi, sigma, cfPhi, cfSigma, step, vg == null ? Double.NaN : vg.loss());
  }

  /** {@code sum log N(next; phi prev, sigma)} with {@code phi = tanh(u)}, {@code sigma = exp(v)}. */
  static Tensor logLikelihood(Map<String, Tensor> p, Tensor prev, Tensor next) {
    Tensor phi = p.get("u").tanh();
    Tensor logSigma = p.get("v");
    Tensor z = next.sub(prev.mul(phi)).div(logSigma.exp()); // [B, T-1]
    return z.square().mul(-0.5).sub(logSigma).sub(0.5 * Math.log(2 * Math.PI)).sum();
  }

  /** {@code B} stationary AR(1) series of length {@code T}, as a {@code [B, T]} tensor. */
  public static Tensor simulate(RngKey key, int series, int length, double phi, double sigma) {
    double[] e = Samplers.normal(key, Shape.of(series, length)).toArray(); // [B, T]
    double[] x = new double[series * length];
    double sd0 = sigma / Math.sqrt(1 - phi * phi);
    for (int b = 0; b < series; b++) {
      int row = b * length;
      x[row] = sd0 * e[row];
      for (int t = 1; t < length; t++) {
        x[row + t] = phi * x[row + t - 1] + sigma * e[row + t];
      }
    }
    return Tensor.of(x, Shape.of(series, length));
  }
}
