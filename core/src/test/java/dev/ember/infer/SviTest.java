// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import static dev.ember.primitives.Primitives.factor;
import static dev.ember.primitives.Primitives.param;
import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Primitives.subsample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.data.ReferenceFile;
import dev.ember.dist.Bernoulli;
import dev.ember.dist.Beta;
import dev.ember.dist.Normal;
import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.infer.optim.Adam;
import dev.ember.infer.optim.LearningRate;
import dev.ember.infer.optim.Sgd;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SVI against exact posteriors (reference values: {@code python3
 * tools/reference/inference_reference.py}).
 *
 * <p><b>Tolerances.</b> The rate decays from 0.05 to 5e-4 ({@link #decaying}); the distance it
 * allows (sum of rates, 0.0107 per step) is far beyond the initial errors, so what remains is the
 * noise floor (see {@link StateSpaceSviTest} for the model of it): per unconstrained coordinate
 * the error's variance follows {@code V <- V (1 - 2 lr h / sigma) + lr^2}, with {@code h} the
 * curvature and {@code sigma} the standard deviation of the gradient estimate. When the guide's
 * family holds the exact posterior, at the optimum the single-particle gradient is the score
 * {@code -d log q / d theta} (the pathwise part vanishes where {@code q} is the posterior), so
 * {@code sigma1^2 = h = F}, the Fisher information of {@code q} in that coordinate: {@code 1 /
 * s^2} for a Normal's location and 2 for its log scale; for a Beta's {@code log a}: {@code a^2
 * (psi1(a) - psi1(a + b))} (likewise for b). We allow 4 final standard deviations per
 * coordinate, mapped to the checked quantity through the transform's derivative.
 */
@SuppressWarnings("try") // plates are entered for their effect
class SviTest {
  static final ReferenceFile REF = ReferenceFile.load("/reference/inference-reference.txt");

  static final int PARTICLES = 4;

  /** 0.05 decaying to 5e-4 over {@code steps}. */
  static LearningRate decaying(int steps) {
    return LearningRate.exponentialDecay(0.05, 0.01, steps, false);
  }

  /** 4 final standard deviations of a coordinate's error with Fisher information {@code f}. */
  static double tolerance(double f, int steps) {
    LearningRate lr = decaying(steps);
    double sigma = Math.sqrt(f / PARTICLES);
    double v = 0;
    for (int k = 0; k < steps; k++) {
      double a = lr.at(k);
      v = v * Math.max(0, 1 - 2 * a * f / sigma) + a * a;
    }
    return 4 * Math.sqrt(v);
  }

  @Test
  void normalNormalRecoversThePosterior() {
    Tensor y = Tensor.of(REF.vector("nn.y"));
    Model<Tensor> model = TraceElboTest.MODEL;
    Model<Tensor> guide = d -> sample("mu", Normal.of(param("loc", Tensor.scalar(0.0)),
        param("scale", Tensor.scalar(1.0), Constraints.positive())));
    int steps = 3000;
    Svi.RunResult fit = Svi.of(model, guide, Adam.of(decaying(steps)), new TraceElbo(PARTICLES))
        .progress(false).run(RngKey.of(0), steps, y);
    double sd = REF.scalar("nn.postSd");
    assertEquals(REF.scalar("nn.postMean"), fit.params().get("loc").item(),
        tolerance(1 / (sd * sd), steps));
    // scale = exp(u): a tolerance du on u is a relative one of e^du - 1 on the scale
    assertEquals(sd, fit.params().get("scale").item(), Math.expm1(tolerance(2, steps)) * sd);
    assertEquals(steps, fit.losses().length);
    assertEquals(steps, fit.state().step());
  }

  @Test
  void betaBernoulliRecoversThePosteriorMean() {
    double[] x = REF.vector("bb.x");
    Tensor data = Tensor.of(x);
    Model<Tensor> model = d -> {
      Tensor p = sample("p", Beta.of(Tensor.scalar(1.0), Tensor.scalar(1.0)));
      try (Plate pl = plate("flips", d.dim(0))) {
        sample("x", Bernoulli.ofProbs(p), d);
      }
    };
    Model<Tensor> guide = d -> sample("p", Beta.of(
        param("a", Tensor.scalar(1.0), Constraints.positive()),
        param("b", Tensor.scalar(1.0), Constraints.positive())));
    int steps = 3000;
    Svi.RunResult fit = Svi.of(model, guide, Adam.of(decaying(steps)), new TraceElbo(PARTICLES))
        .progress(false).run(RngKey.of(1), steps, data);
    double a = fit.params().get("a").item();
    double b = fit.params().get("b").item();
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    double exact = (sum + 1) / (x.length + 2);
    assertEquals(REF.scalar("bb.postMean"), exact, 1e-15);
    // d mean / d log a = -d mean / d log b = m (1 - m); Fisher information at the posterior
    double pa = REF.scalar("bb.postA");
    double pb = REF.scalar("bb.postB");
    double psiAb = trigamma(pa + pb);
    double tolA = tolerance(pa * pa * (trigamma(pa) - psiAb), steps);
    double tolB = tolerance(pb * pb * (trigamma(pb) - psiAb), steps);
    assertEquals(exact, a / (a + b), exact * (1 - exact) * (tolA + tolB));
  }

  static double trigamma(double x) {
    return Tensor.scalar(x).trigamma().item();
  }

  @Test
  void aPositiveParamMovesInLogSpace() {
    // loss = (s - 2)^2 with s = exp(u): d loss / du = 2 (s - 2) s; one SGD step from s = 1.
    Model<Tensor> model = d -> {
      Tensor s = param("s", Tensor.scalar(1.0), Constraints.positive());
      factor("f", s.sub(2.0).square().neg());
    };
    Svi<Tensor> svi = Svi.of(model, d -> { }, Sgd.of(0.1), new TraceElbo()).progress(false);
    SviState s0 = svi.init(RngKey.of(0), Tensor.scalar(0));
    assertEquals(0.0, s0.optimizer().params().get("s").item(), 1e-15, "log 1");
    Svi.Update u = svi.update(s0, Tensor.scalar(0));
    assertEquals(1.0, u.loss(), 1e-15);
    double u1 = 0.0 - 0.1 * (2 * (1.0 - 2.0) * 1.0);
    assertEquals(u1, u.state().optimizer().params().get("s").item(), 1e-15);
    assertEquals(Math.exp(u1), svi.getParams(u.state()).get("s").item(), 1e-15);
  }

  @Test
  void updateIsAPureFunctionOfStateAndData() throws Exception {
    Tensor y = Tensor.of(REF.vector("nn.y"));
    Model<Tensor> guide = d -> sample("mu", Normal.of(param("loc", Tensor.scalar(0.0)),
        param("scale", Tensor.scalar(1.0), Constraints.positive())));
    Svi<Tensor> svi = Svi.of(TraceElboTest.MODEL, guide, Adam.of(0.01), new TraceElbo())
        .progress(false);
    SviState s = svi.init(RngKey.of(4), y);
    for (int i = 0; i < 5; i++) {
      s = svi.update(s, y).state();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    SviState copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (SviState) in.readObject();
    }
    Svi.Update a = svi.update(s, y);
    Svi.Update b = svi.update(copy, y);
    Svi.Update c = svi.update(s, y);
    assertEquals(a.loss(), b.loss(), 0.0);
    assertEquals(a.loss(), c.loss(), 0.0);
    assertArrayEquals(a.state().optimizer().params().get("loc").toArray(),
        b.state().optimizer().params().get("loc").toArray(), 0.0);
    assertEquals(svi.evaluate(s, y), a.loss(), 0.0, "evaluate uses the next step's key");
  }

  @Test
  void subsampledGradientsAverageToTheFullGradient() {
    // N = 5 points, minibatches of B = 2: over all 10 subsets the N/B-scaled gradient averages
    // to the full-data gradient exactly (each point is in 4 of the 10 subsets).
    Tensor y = Tensor.of(0.3, -1.2, 2.0, 0.7, 1.1);
    Model<Tensor> guide = d -> sample("mu", Normal.of(param("loc", Tensor.scalar(0.2)),
        param("scale", Tensor.scalar(0.5), Constraints.positive())));
    Model<Tensor> full = d -> {
      Tensor mu = sample("mu", Normal.of(0.0, 2.0));
      try (Plate p = plate("data", 5)) {
        sample("y", Normal.of(mu, Tensor.scalar(1.0)), d);
      }
    };
    Model<Tensor> minibatch = d -> {
      Tensor mu = sample("mu", Normal.of(0.0, 2.0));
      try (Plate p = plate("data", 5, 2)) {
        sample("y", Normal.of(mu, Tensor.scalar(1.0)), subsample(d, 0));
      }
    };
    RngKey key = RngKey.of(9);
    Svi<Tensor> fullSvi = Svi.of(full, guide, Adam.of(0.01), new TraceElbo()).progress(false);
    SviState state = fullSvi.init(RngKey.of(0), y);
    Svi.LossAndGrad exact = fullSvi.lossAndGrad(state, y, key);
    List<int[]> subsets = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      for (int j = i + 1; j < 5; j++) {
        subsets.add(new int[] {i, j});
      }
    }
    double loss = 0;
    double gLoc = 0;
    double gScale = 0;
    for (int[] idx : subsets) {
      Model<Tensor> m = Handlers.substitute(minibatch,
          Map.of("data", Tensor.of(idx[0], idx[1])));
      Svi.LossAndGrad lg = Svi.of(m, guide, Adam.of(0.01), new TraceElbo()).lossAndGrad(state, y, key);
      loss += lg.loss() / subsets.size();
      gLoc += lg.grads().get("loc").item() / subsets.size();
      gScale += lg.grads().get("scale").item() / subsets.size();
    }
    assertEquals(exact.loss(), loss, 1e-12);
    assertEquals(exact.grads().get("loc").item(), gLoc, 1e-12);
    assertEquals(exact.grads().get("scale").item(), gScale, 1e-12);
  }

  @Test
  void aNonFiniteLossNamesItsSiteAndStableUpdateSkipsTheStep() {
    // log(x) of a negative param gives a NaN log-factor at site "penalty".
    Model<Tensor> model = d -> {
      Tensor x = param("x", Tensor.scalar(-1.0));
      sample("y", Normal.of(x, Tensor.scalar(1.0)), d);
      factor("penalty", x.log());
    };
    Svi<Tensor> svi = Svi.of(model, d -> { }, Adam.of(0.1), new TraceElbo()).progress(false);
    SviState s = svi.init(RngKey.of(0), Tensor.scalar(0.5));
    ArithmeticException e = assertThrows(ArithmeticException.class,
        () -> svi.update(s, Tensor.scalar(0.5)));
    assertTrue(e.getMessage().contains("model site 'penalty'"), e.getMessage());
    Svi.Update u = svi.stableUpdate(true).update(s, Tensor.scalar(0.5));
    assertTrue(Double.isNaN(u.loss()));
    assertEquals(1, u.state().skippedSteps());
    assertEquals(1, u.state().step());
    assertEquals(-1.0, u.state().optimizer().params().get("x").item(), 0.0, "params unchanged");
    assertEquals(s.optimizer().step(), u.state().optimizer().step(), "optimizer not stepped");
  }

  @Test
  void aNonFiniteGradientNamesTheParamAndTheSite() {
    // sqrt at 0: finite value, infinite derivative, through site "y".
    Model<Tensor> model = d -> {
      Tensor x = param("x", Tensor.scalar(0.0));
      sample("y", Normal.of(x.sqrt(), Tensor.scalar(1.0)), d);
    };
    Svi<Tensor> svi = Svi.of(model, d -> { }, Adam.of(0.1), new TraceElbo()).progress(false);
    SviState s = svi.init(RngKey.of(0), Tensor.scalar(0.5));
    ArithmeticException e = assertThrows(ArithmeticException.class,
        () -> svi.update(s, Tensor.scalar(0.5)));
    assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("model site 'y'"),
        e.getMessage());
  }

  /**
   * The guide's initial params without the model: bit for bit those {@code init} gives from the
   * same key and data, for a param whose initial value is a draw of the guide's (so a key derived
   * otherwise than {@code init}'s gives another value) and a constrained one; a param only the
   * model declares is left out, and the model is not run.
   */
  @Test
  void initialGuideParamsAreThoseOfInitWithoutRunningTheModel() {
    java.util.concurrent.atomic.AtomicInteger modelRuns =
        new java.util.concurrent.atomic.AtomicInteger();
    Model<Tensor> model = y -> {
      modelRuns.incrementAndGet();
      Tensor w = param("w", Tensor.scalar(0.5), Constraints.positive());
      Tensor mu = sample("mu", Normal.of(0.0, 1.0));
      try (Plate p = plate("data", y.dim(0))) {
        sample("y", Normal.of(mu, w), y);
      }
    };
    Model<Tensor> guide = y -> {
      Tensor draw = sample("start", Normal.of(0.0, 1.0)); // from the guide's key
      Tensor loc = param("loc", draw.detach());
      param("g", Tensor.of(0.25, 4.0), Constraints.positive());
      sample("mu", Normal.of(loc, Tensor.scalar(1.0)));
    };
    Svi<Tensor> svi = Svi.of(model, guide, Adam.of(0.01), new TraceElbo()).progress(false);
    Tensor y = Tensor.of(0.3, -1.2, 0.8);
    List<Double> locs = new ArrayList<>();
    for (long seed : new long[] {0, 1, 7}) {
      Map<String, Tensor> all = svi.init(RngKey.of(seed), y).optimizer().params();
      int before = modelRuns.get();
      Map<String, Tensor> guideOnly = svi.initialGuideParams(RngKey.of(seed), y);
      assertEquals(before, modelRuns.get(), "model runs");
      assertEquals(List.of("loc", "g"), new ArrayList<>(guideOnly.keySet()));
      assertTrue(all.containsKey("w"), all.keySet().toString());
      for (Map.Entry<String, Tensor> e : guideOnly.entrySet()) {
        assertArrayEquals(all.get(e.getKey()).toArray(), e.getValue().toArray(), 0.0,
            e.getKey() + " at seed " + seed);
      }
      assertArrayEquals(new double[] {Math.log(0.25), Math.log(4.0)},
          guideOnly.get("g").toArray(), 1e-15);
      locs.add(guideOnly.get("loc").item());
    }
    assertEquals(3, locs.stream().distinct().count(), "initial locs drawn with three keys: " + locs);
  }

  @Test
  void badSetupsAreClearErrors() {
    Model<Tensor> noParams = d -> sample("y", Normal.of(0, 1), d);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Svi.of(noParams, d -> { }, Adam.of(0.1), new TraceElbo()).init(RngKey.of(0),
            Tensor.scalar(0.0)));
    assertTrue(e.getMessage().contains("param"), e.getMessage());
    Model<Tensor> badInit = d -> {
      Tensor s = param("s", Tensor.scalar(-1.0), Constraints.positive());
      sample("y", Normal.of(Tensor.scalar(0.0), s), d);
    };
    e = assertThrows(IllegalArgumentException.class,
        () -> Svi.of(badInit, d -> { }, Adam.of(0.1), new TraceElbo()).init(RngKey.of(0),
            Tensor.scalar(0.0)));
    assertTrue(e.getMessage().contains("'s'"), e.getMessage());
  }
}
