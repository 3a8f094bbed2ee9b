// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;

import dev.ember.dist.Normal;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Trace;
import dev.ember.primitives.ScanResult;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The problem Ember began with, as a program: the ELBO of a scan model scored inside the scan
 * body, and of the same draws scored once outside it, for several model seeds and an annealing
 * factor beta on the scored site.
 *
 * <p>(A) inside: the model's body samples {@code x_t ~ N(xs[t], 1)}, the guide's {@code x_t ~
 * N(0, 1)}. (B) outside: each body draws {@code x_t} under {@code mask(false)} and returns it;
 * after the scan the stacked draws are observed as {@code x_aux} ({@code N(xs, 1)} in the model,
 * {@code N(0, 1)} in the guide). With the guide's draws fixed to {@code g}, both losses are {@code
 * beta (15 - sum t g_t)} for {@code xs = 0..4}, for every model seed, because replay gives the
 * model the guide's draws at the point of sampling inside the body.
 *
 * <pre>{@code
 * ScanScoringInsideOutside.main(new String[0]); // prints the table
 * }</pre>
 */
public final class ScanScoringInsideOutside {
  private ScanScoringInsideOutside() {}

  /** The inputs xs = 0..4. */
  public static final Tensor XS = Tensor.arange(5);

  /** The guide's draws, fixed. */
  public static final Tensor G = Tensor.of(0.3, -1.2, 0.5, 0.8, -0.1);

  /** The closed form of the unannealed loss: 15 - sum t g_t. */
  public static double closedForm() {
    double s = 15.0;
    for (int t = 0; t < 5; t++) {
      s -= t * G.get(t);
    }
    return s;
  }

  static Model<Tensor> inside(boolean model, double beta) {
    return xs -> Handlers.scale(beta).run(() -> scan((Tensor c, Tensor x) -> ScanStep.of(c,
        sample("x", model ? Normal.of(x, Tensor.scalar(1.0)) : Normal.standard())),
        Tensor.scalar(0.0), xs));
  }

  static Model<Tensor> outside(boolean model, double beta) {
    return xs -> {
      ScanResult<Tensor, Tensor> r = scan((Tensor c, Tensor x) -> ScanStep.of(c,
          Handlers.mask(false).run(() -> sample("x", Normal.of(model ? x : Tensor.scalar(0.0),
              Tensor.scalar(1.0))))), Tensor.scalar(0.0), xs);
      Tensor loc = model ? xs : Tensor.zeros(5);
      Handlers.scale(beta).run(() -> sample("x_aux", Normal.of(loc, Tensor.ones(5)), r.ys()));
    };
  }

  /** The single-particle Trace ELBO loss with the guide's draws fixed to {@link #G}. */
  public static double loss(Model<Tensor> model, Model<Tensor> guide, RngKey modelKey) {
    Trace q = Handlers.trace(Handlers.substitute(Handlers.seed(guide, RngKey.of(0)),
        Map.of("x", G))).getTrace(XS);
    Trace p = Handlers.trace(Handlers.replay(Handlers.seed(model, modelKey), q)).getTrace(XS);
    return -(p.logProbSum().item() - q.logProbSum().item());
  }

  /** Prints the table: {@code --seeds N} model seeds (default 5). */
  public static void main(String[] args) {
    int seeds = args.length == 2 && args[0].equals("--seeds") ? Integer.parseInt(args[1]) : 5;
    run(seeds, System.out);
  }

  /** Computes and prints the table; returns the largest |inside - outside| difference. */
  public static double run(int seeds, PrintStream out) {
    out.printf(Locale.ROOT, "Trace ELBO loss, guide draws g = %s, closed form beta * %.4f%n",
        java.util.Arrays.toString(G.toArray()), closedForm());
    out.printf(Locale.ROOT, "%6s %6s %12s %12s %12s%n", "beta", "seed", "inside", "outside", "closed form");
    double worst = 0;
    for (double beta : new double[] {0.25, 0.5, 1.0}) {
      for (long seed = 0; seed < seeds; seed++) {
        RngKey key = RngKey.of(seed);
        double a = loss(inside(true, beta), inside(false, beta), key);
        double b = loss(outside(true, beta), outside(false, beta), key);
        worst = Math.max(worst, Math.abs(a - b));
        out.printf(Locale.ROOT, "%6.2f %6d %12.8f %12.8f %12.8f%n", beta, seed, a, b,
            beta * closedForm());
      }
    }
    out.printf(Locale.ROOT, "largest |inside - outside| = %.3g%n", worst);
    return worst;
  }
}
