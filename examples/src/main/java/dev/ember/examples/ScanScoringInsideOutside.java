// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;

import dev.ember.dist.Normal;
import dev.ember.examples.cli.Flags;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Trace;
import dev.ember.infer.Annealing;
import dev.ember.infer.AnnealingSchedule;
import dev.ember.infer.TraceElbo;
import dev.ember.primitives.ScanResult;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
 * <p>It prints three tables: (1) the losses by a hand-written replay ({@link #loss}) for several
 * betas and model seeds; (2) {@link TraceElbo}'s loss of both formulations at one key, equal;
 * (3) the annealed loss over the steps of an {@link AnnealingSchedule}, the inside formulation
 * annealed by {@link Annealing#scaleLatents} on its latent site {@code x}, the outside one by
 * {@code Handlers.scale(beta)} on its scored site {@code x_aux} (observed in the model, so not a
 * latent that {@code Annealing} would accept): both equal {@code beta(step) * 13.2}.
 *
 * <pre>{@code
 * ScanScoringInsideOutside.main(new String[] {"--seeds", "3", "--schedule", "linear:0.1->1.0@4"});
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

  static Flags flags() {
    return new Flags("ScanScoringInsideOutside",
        "The seed model's Trace ELBO with the scan's draws scored inside the scan body and\n"
            + "outside it, unannealed and annealed, next to the closed form beta * 13.2.")
        .option("seeds", "N", "5", "model seeds in the replay table")
        .option("key", "K", "0", "the model key of the Trace ELBO tables")
        .option("schedule", "SPEC", "linear:0.1->1.0@4", "the annealing schedule; grammar: "
            + AnnealingSchedule.GRAMMAR)
        .option("steps", "N", "4", "the schedule is printed at steps 0..N");
  }

  /**
   * Prints the tables (see {@code --help}); a failure prints one line and exits
   * with status 2 (bad command line) or 1 ({@link Flags#runMain}).
   */
  public static void main(String[] args) {
    Flags.runMain("ScanScoringInsideOutside", args, () -> run(args, System.out));
  }

  /**
   * The tables' results.
   *
   * @param worstReplay the largest |inside - outside| of the replay table
   * @param insideElbo the inside formulation's Trace ELBO loss at the key
   * @param outsideElbo the outside formulation's
   * @param betas the schedule's beta at steps 0..N
   * @param annealedInside the inside formulation's annealed loss at each step
   * @param annealedOutside the outside formulation's
   */
  public record Tables(double worstReplay, double insideElbo, double outsideElbo, double[] betas,
      double[] annealedInside, double[] annealedOutside) {}

  /** Runs with {@code args}, printing to {@code out}; null when only the help was asked for. */
  public static Tables run(String[] args, PrintStream out) {
    Flags.Parsed f = flags().parse(args);
    if (f.help()) {
      out.print(flags().help());
      return null;
    }
    int seeds = f.intValue("seeds", 1);
    long keySeed = f.longValue("key", 0, Long.MAX_VALUE);
    int steps = f.intValue("steps", 0);
    AnnealingSchedule schedule;
    try {
      schedule = AnnealingSchedule.parse(f.required("schedule"));
    } catch (IllegalArgumentException e) {
      throw new Flags.UsageException("option --schedule: " + e.getMessage(), e);
    }
    double worst = run(seeds, out);
    RngKey key = RngKey.of(keySeed);
    double a = traceElbo(inside(true, 1.0), inside(false, 1.0), key);
    double b = traceElbo(outside(true, 1.0), outside(false, 1.0), key);
    out.printf(Locale.ROOT, "%nTraceElbo at key %d (guide's x forced to g)%n", keySeed);
    out.printf(Locale.ROOT, "%-8s %14s%n", "", "loss");
    out.printf(Locale.ROOT, "%-8s %14.10f%n", "inside", a);
    out.printf(Locale.ROOT, "%-8s %14.10f%n", "outside", b);
    out.printf(Locale.ROOT, "|inside - outside| = %.3g%n", Math.abs(a - b));

    out.printf(Locale.ROOT, "%nAnnealed TraceElbo over %s (inside: Annealing.scaleLatents on x; "
        + "outside: scale beta on x_aux)%n", schedule);
    out.printf(Locale.ROOT, "%6s %8s %14s %14s %14s%n", "step", "beta", "inside", "outside",
        "beta * 13.2");
    double[] betas = new double[steps + 1];
    double[] ai = new double[steps + 1];
    double[] ao = new double[steps + 1];
    for (int s = 0; s <= steps; s++) {
      double beta = schedule.beta(s);
      Annealing.Annealed<Tensor> an = Annealing.scaleLatents(inside(true, 1.0),
          inside(false, 1.0), Set.of("x"), beta);
      betas[s] = beta;
      ai[s] = traceElbo(an.model(), an.guide(), key);
      ao[s] = traceElbo(outside(true, beta), outside(false, beta), key);
      out.printf(Locale.ROOT, "%6d %8.4f %14.10f %14.10f %14.10f%n", s, beta, ai[s], ao[s],
          beta * closedForm());
    }
    return new Tables(worst, a, b, betas, ai, ao);
  }

  /** {@link TraceElbo}'s one-particle loss at {@code key}, the guide's draws forced to {@link #G}. */
  public static double traceElbo(Model<Tensor> model, Model<Tensor> guide, RngKey key) {
    return new TraceElbo().estimate(model, Handlers.substitute(guide, Map.of("x", G)), XS, key)
        .value();
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
