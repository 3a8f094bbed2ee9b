// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import dev.ember.dist.constraints.Constraints;
import dev.ember.dist.transforms.Transforms;
import dev.ember.infer.SviFit;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Fits the reference AR(1) model ({@link Ar1Reference}) for 500 steps at (B, T) = (1024, 100)
 * with each variant and prints the final loss, the recovered phi, sigma, tau next to the truth
 * (0.8, 0.5, 0.3), and the median step time of the last 400 steps.
 *
 * <pre>{@code
 * java -cp benchmarks/target/ember-benchmarks.jar dev.ember.benchmarks.Ar1ReferenceFit [B T steps]
 * }</pre>
 */
public final class Ar1ReferenceFit {
  private Ar1ReferenceFit() {}

  /** Runs the fits. */
  public static void main(String[] args) {
    int b = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int t = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    Tensor ys = Ar1Reference.observations(b, t); // [T, B]
    for (Ar1Reference.Variant v : Ar1Reference.Variant.values()) {
      SviFit<Tensor> fit = Ar1Reference.svi(v).progress(false).start(RngKey.of(0), ys);
      long[] nanos = new long[steps];
      double loss = Double.NaN;
      for (int i = 0; i < steps; i++) {
        long t0 = System.nanoTime();
        loss = fit.step(ys);
        nanos[i] = System.nanoTime() - t0;
      }
      long[] tail = Arrays.copyOfRange(nanos, Math.min(100, steps - 1), steps);
      Arrays.sort(tail);
      double medianMs = tail[tail.length / 2] / 1e6;
      Map<String, Tensor> p = fit.params();
      String params = v == Ar1Reference.Variant.POINT
          ? String.format(Locale.ROOT, "phi %.4f sigma %.4f tau %.4f", p.get("phi").item(),
              p.get("sigma").item(), p.get("tau").item())
          : "medians " + medians(p);
      System.out.printf(Locale.ROOT,
          "%-5s B=%d T=%d: loss after %d steps %.2f; %s (truth 0.8, 0.5, 0.3); median step %.3f ms"
              + " = %.1f M latent elements/s%n",
          v, b, t, steps, loss, params, medianMs, b * (double) t / medianMs / 1e3);
    }
  }

  private static String medians(Map<String, Tensor> p) {
    // AutoNormal medians: each loc mapped onto its site's support
    double phi = Transforms.bijectTo(Constraints.interval(-1.0, 1.0))
        .forward(p.get("auto_phi_loc")).item();
    double sigma = Transforms.bijectTo(Constraints.positive()).forward(p.get("auto_sigma_loc")).item();
    double tau = Transforms.bijectTo(Constraints.positive()).forward(p.get("auto_tau_loc")).item();
    return String.format(Locale.ROOT, "phi %.4f sigma %.4f tau %.4f", phi, sigma, tau);
  }
}
