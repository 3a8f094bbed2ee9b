// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import static dev.ember.benchmarks.SampleStats.median;
import static dev.ember.benchmarks.SampleStats.quantile;

import dev.ember.infer.SviFit;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the guide's layout costs an SVI step of the reference AR(1) model ({@link Ar1Reference}):
 * the {@code [T, B]} params sliced per site ({@link Ar1Reference.Layout#SLICED}, the reference
 * guide) against one param per site ({@link Ar1Reference.Layout#PER_SITE}), both fits in one JVM
 * with their steps alternated in chunks, so that a change of the machine's load falls on both
 * alike. JMH's {@code Ar1SviBenchmark.step} with {@code -p layout=SLICED,PER_SITE} runs the two
 * one after the other in separate JVMs, and on a shared machine their ratio then moves with the
 * neighbours' load and with the mode a JVM's steps settle in.
 *
 * <p>Per round (default 5) it runs chunks (default 200) of {@code 1 + timed} steps of each fit
 * (default 5 timed: the first step of a chunk follows the other fit's work and is not timed), the
 * fit that goes first changing at every chunk. It prints per round the median and the 10th
 * percentile of each layout's timed steps and the ratio of the medians; its last line is
 * {@code sliced over per-site: X (rounds A-B)}, X the median of the rounds' ratios.
 *
 * <pre>{@code
 * mvn -B -q -Pbenchmarks -pl benchmarks -am -DskipTests package && \
 * java -Xmx4g -cp benchmarks/target/ember-benchmarks.jar \
 *   dev.ember.benchmarks.LayoutStepBenchmark [BxT] [POINT|AUTO] [rounds] [chunks] [timed]
 * }</pre>
 */
public final class LayoutStepBenchmark {
  private static final int WARMUP_STEPS = 1500;

  private LayoutStepBenchmark() {}

  /**
   * Arguments: size (default 1024x100), variant (default POINT), rounds (default 5), chunks
   * (default 200), timed steps per chunk (default 5).
   */
  public static void main(String[] args) {
    String size = args.length > 0 ? args[0] : "1024x100";
    String variantName = args.length > 1 ? args[1] : "POINT";
    if (!variantName.equals("POINT") && !variantName.equals("AUTO")) {
      throw new IllegalArgumentException("variant '" + variantName + "': expected POINT or AUTO");
    }
    Ar1Reference.Variant variant = Ar1Reference.Variant.valueOf(variantName);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int chunks = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    int timed = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    int[] bt = Ar1Reference.seriesAndSteps(size);
    if (rounds < 1 || chunks < 1 || timed < 1) {
      throw new IllegalArgumentException("rounds, chunks and timed steps must be at least 1, got "
          + rounds + ", " + chunks + ", " + timed);
    }
    Tensor ys = Ar1Reference.observations(bt[0], bt[1]); // [T, B]
    SviFit<Tensor> sliced = fit(variant, Ar1Reference.Layout.SLICED, ys);
    SviFit<Tensor> perSite = fit(variant, Ar1Reference.Layout.PER_SITE, ys);
    for (int i = 0; i < WARMUP_STEPS; i++) {
      sliced.step(ys);
      perSite.step(ys);
    }
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      double[] slicedUs = new double[chunks * timed];
      double[] perSiteUs = new double[chunks * timed];
      for (int c = 0; c < chunks; c++) {
        boolean slicedFirst = (c & 1) == 0;
        timeChunk(slicedFirst ? sliced : perSite, ys, slicedFirst ? slicedUs : perSiteUs, c, timed);
        timeChunk(slicedFirst ? perSite : sliced, ys, slicedFirst ? perSiteUs : slicedUs, c, timed);
      }
      ratios[r] = median(slicedUs) / median(perSiteUs);
      System.out.printf(Locale.ROOT, "%s %s round %d: sliced %.1f us (p10 %.1f), per site %.1f us"
          + " (p10 %.1f), ratio %.3f%n", size, variant, r, median(slicedUs),
          quantile(slicedUs, 0.1), median(perSiteUs), quantile(perSiteUs, 0.1), ratios[r]);
    }
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "sliced over per-site: %.3f (rounds %.3f-%.3f)%n",
        median(ratios), sorted[0], sorted[sorted.length - 1]);
  }

  /** One untimed step of {@code fit}, then {@code timed} steps into {@code us} at chunk c. */
  private static void timeChunk(SviFit<Tensor> fit, Tensor ys, double[] us, int c, int timed) {
    fit.step(ys);
    for (int i = 0; i < timed; i++) {
      long t0 = System.nanoTime();
      fit.step(ys);
      us[c * timed + i] = (System.nanoTime() - t0) / 1e3;
    }
  }

  private static SviFit<Tensor> fit(Ar1Reference.Variant variant, Ar1Reference.Layout layout,
      Tensor ys) {
    return Ar1Reference.svi(variant, layout).progress(false).start(RngKey.of(0), ys);
  }
}
