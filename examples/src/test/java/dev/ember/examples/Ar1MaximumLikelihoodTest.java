// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Ar1MaximumLikelihoodTest {

  /**
   * The fit stops when both gradient components of the per-observation log-likelihood are below
   * 1e-10. Its curvature in u (phi = tanh u) is about (1 - phi^2) = 0.36 and in v (sigma = e^v) is
   * 2, so the parameters are within 1e-10 / 0.36 of the maximizer in u, which moves phi by at most
   * (1 - phi^2) times that (~1e-10), and sigma by at most sigma * 1e-10 / 2. The 1e-8 tolerance
   * leaves a factor 100 for the curvature of a small random sample.
   */
  @Test
  void gradientAscentReachesTheClosedFormMaximizer() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Ar1MaximumLikelihood.Fit fit =
        Ar1MaximumLikelihood.run(
            new String[] {"--series", "16", "--length", "50", "--seed", "3"},
            new PrintStream(buf, true, StandardCharsets.UTF_8));
    assertEquals(fit.closedFormPhi(), fit.phi(), 1e-8);
    assertEquals(fit.closedFormSigma(), fit.sigma(), 1e-8);
    assertTrue(fit.steps() < 2000, "converged before the step limit");
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("converged after"), printed);
    assertTrue(printed.contains("phi"), printed);
  }

  /**
   * With 256 x 200 observations the estimator's standard deviation is about
   * sqrt((1 - phi^2) / n) = 0.0027 for phi and sigma / sqrt(2 n) = 0.0016 for sigma; the default
   * run recovers both within 5 of those.
   */
  @Test
  void defaultRunRecoversTheTruth() {
    Ar1MaximumLikelihood.Fit fit =
        Ar1MaximumLikelihood.run(new String[0], new PrintStream(new ByteArrayOutputStream(),
            true, StandardCharsets.UTF_8));
    assertEquals(Ar1MaximumLikelihood.TRUE_PHI, fit.phi(), 5 * 0.0027);
    assertEquals(Ar1MaximumLikelihood.TRUE_SIGMA, fit.sigma(), 5 * 0.0016);
  }

  @Test
  void unknownFlagsAreNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Ar1MaximumLikelihood.run(new String[] {"--sereis", "3"}, System.out));
    assertEquals(
        "unknown flag --sereis; use --series, --length, --steps or --seed", e.getMessage());
  }
}
