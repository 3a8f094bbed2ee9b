// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.guides;

import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Primitives.subsample;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.Categorical;
import dev.ember.dist.Dirichlet;
import dev.ember.dist.HalfNormal;
import dev.ember.dist.Normal;
import dev.ember.dist.transforms.Transform;
import dev.ember.dist.transforms.Transforms;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.handlers.Trace;
import dev.ember.infer.TraceElbo;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Autoguides: shapes, supports, scans, plates and subsampling; the values they give the model. */
@SuppressWarnings("try") // plates are entered for their effect
class AutoGuideTest {
  static final int T = 4;
  static final int B = 3;

  /** AR(1) over B series, a plate inside the scan body, observations inside the body. */
  static final Model<Tensor> AR1 = ys -> scan((Tensor prev, Tensor y) -> {
    try (Plate p = plate("series", B)) {
      Tensor z = sample("z", Normal.of(prev.mul(0.8), Tensor.scalar(0.5)));
      sample("y", Normal.of(z, Tensor.scalar(0.3)), y);
      return ScanStep.of(z, z);
    }
  }, Tensor.zeros(B), ys);

  static final Tensor YS = Tensor.of(new double[] {
      0.1, -0.2, 0.3, 0.5, 0.0, -0.4, 0.2, 0.9, -0.1, 0.4, 0.3, 0.0}, T, B); // [T, B]

  static Trace traceGuide(Model<Tensor> guide, Tensor data) {
    return Handlers.trace(Handlers.seed(guide, RngKey.of(1))).getTrace(data);
  }

  @Test
  void scannedSitesAreOneSiteOverTimeThatReplayHandsToEachStep() {
    AutoNormal<Tensor> guide = AutoNormal.of(AR1);
    Trace g = traceGuide(guide, YS);
    assertEquals(Shape.of(T, B), g.get("z").value().shape());
    assertEquals(T, g.get("z").timeSteps());
    assertEquals(Shape.of(T, B), g.get("auto_z_loc").value().shape());
    assertEquals(Shape.of(T, B), g.get("auto_z_scale").value().shape());
    Trace m = Handlers.trace(Handlers.replay(Handlers.seed(AR1, RngKey.of(2)), g)).getTrace(YS);
    assertArrayEquals(g.get("z").value().toArray(), m.get("z").value().toArray(), 0.0);
    // the carry saw the guide's draws: the model's z_t location is 0.8 z_{t-1} of the guide
    Tensor loc = ((Normal) m.get("z").fn()).loc();
    assertArrayEquals(g.get("z").value().slice(0, 0, T - 1).mul(0.8).toArray(),
        loc.broadcastTo(T, B).slice(0, 1, T).toArray(), 1e-15);
    assertTrue(Double.isFinite(new TraceElbo().estimate(AR1, guide, YS, RngKey.of(3)).value()));
  }

  /**
   * A plate whose size follows the data: on a batch of another size (or length) the guide
   * rebuilds its prototype, so its params and draws take the new shape, and going back gives the
   * first shapes again.
   */
  @Test
  void aPlateSizedByTheDataFollowsEachBatch() {
    Model<dev.ember.data.SequenceBatch> model = batch -> scan((Tensor prev, Tensor y) -> {
      try (Plate p = plate("series", batch.size())) {
        Tensor z = sample("z", Normal.of(prev.mul(0.8), Tensor.scalar(0.5)));
        sample("y", Normal.of(z, Tensor.scalar(0.3)), y);
        return ScanStep.of(z, z);
      }
    }, Tensor.zeros(batch.size()), batch.values());
    AutoNormal<dev.ember.data.SequenceBatch> guide = AutoNormal.of(model);
    var three = dev.ember.data.SequenceBatch.of(new long[] {1, 2, 3},
        new double[][] {{0.1, 0.2}, {0.3, 0.4}, {0.5, 0.6}}, 10);
    var one = dev.ember.data.SequenceBatch.of(new long[] {4}, new double[][] {{1.0, 2.0, 3.0}}, 10);
    for (var batch : java.util.List.of(three, one, three)) {
      Trace g = Handlers.trace(Handlers.seed(guide, RngKey.of(1))).getTrace(batch);
      Shape expected = Shape.of(batch.steps(), batch.size());
      assertEquals(expected, g.get("z").value().shape());
      assertEquals(expected, g.get("auto_z_loc").value().shape());
      assertTrue(Double.isFinite(new TraceElbo().estimate(model, guide, batch, RngKey.of(3)).value()));
    }
  }

  @Test
  void constrainedSitesAreTransformedAndScoredWithTheJacobian() {
    Model<Tensor> model = d -> {
      sample("sigma", HalfNormal.of(1.0));
      sample("p", Dirichlet.of(Tensor.of(1.0, 2.0, 3.0)));
    };
    AutoNormal<Tensor> guide = AutoNormal.of(model).initScale(0.3);
    Trace g = traceGuide(guide, Tensor.scalar(0));
    assertTrue(g.get("sigma").value().item() > 0);
    Tensor p = g.get("p").value();
    assertEquals(1.0, p.sum().item(), 1e-12);
    assertEquals(Shape.of(2), g.get("auto_p_loc").value().shape(), "stick-breaking: K - 1");
    // log q(p) = log N(u; loc, scale) - log|det J(u)| with u the unconstrained draw
    Transform t = Transforms.bijectTo(Dirichlet.of(Tensor.of(1.0, 2.0, 3.0)).support());
    Tensor u = t.inverse(p);
    Tensor loc = g.get("auto_p_loc").value();
    Tensor scale = g.get("auto_p_scale").value();
    double expected = Normal.of(loc, scale).logProb(u).sum().item()
        - t.logAbsDetJacobian(u, p).sum().item();
    assertEquals(expected, g.get("p").logProb().sum().item(), 1e-10);
  }

  @Test
  void subsampledPlatesKeepFullSizeParamsAndShareTheirIndicesWithTheModel() {
    Tensor y = Tensor.of(0.5, -1.0, 2.0, 0.3, 0.0, 1.5, -0.7, 0.9, 1.1, -2.0);
    Model<Tensor> model = d -> {
      try (Plate p = plate("data", 10, 4)) {
        Tensor z = sample("z", Normal.of(0.0, 1.0));
        sample("y", Normal.of(z, Tensor.scalar(1.0)), subsample(d, 0));
      }
    };
    AutoDelta<Tensor> guide = AutoDelta.of(model);
    Tensor loc = Tensor.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9); // distinct values per row
    Model<Tensor> fitted = Handlers.substitute(guide, Map.of("auto_z_loc", loc));
    Trace g = traceGuide(fitted, y);
    Tensor idx = g.get("data").value();
    assertEquals(4, idx.dim(0));
    assertArrayEquals(loc.index(0, idx).toArray(), g.get("z").value().toArray(), 0.0);
    assertEquals(2.5, g.get("z").scale(), 0.0, "N / B on the guide site too");
    Trace m = Handlers.trace(Handlers.replay(Handlers.seed(model, RngKey.of(5)), g)).getTrace(y);
    assertArrayEquals(idx.toArray(), m.get("data").value().toArray(), 0.0);
    assertArrayEquals(y.index(0, idx).toArray(), m.get("y").value().toArray(), 0.0);
    Trace unfitted = traceGuide(guide, y);
    assertEquals(Shape.of(10), unfitted.get("auto_z_loc").value().shape());
    // AutoNormal: full-size params too, gathered to the subsample
    Trace n = traceGuide(AutoNormal.of(model), y);
    assertEquals(Shape.of(10), n.get("auto_z_scale").value().shape());
    assertEquals(Shape.of(4), n.get("z").value().shape());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> traceGuide(AutoMultivariateNormal.of(model), y));
    assertTrue(e.getMessage().contains("'z'") && e.getMessage().contains("subsampled"));
  }

  @Test
  void jointGuidesScoreTheTransformedJoint() {
    Model<Tensor> model = d -> {
      sample("a", Normal.of(0.0, 1.0));
      sample("s", HalfNormal.of(1.0).expand(Shape.of(2)));
    };
    AutoMultivariateNormal<Tensor> guide = AutoMultivariateNormal.of(model);
    Trace g = traceGuide(guide, Tensor.scalar(0));
    Tensor latent = g.get("_auto_latent").value(); // [3]
    assertEquals(Shape.of(3), latent.shape());
    assertEquals(latent.get(0), g.get("a").value().item(), 0.0);
    assertArrayEquals(latent.slice(0, 1, 3).exp().toArray(), g.get("s").value().toArray(), 1e-15);
    // log q of the sites = log N(latent) - sum log|J|; s = exp(u): log|J| = u
    double total = g.get("_auto_latent").logProb().sum().item() + g.get("a").logProb().sum().item()
        + g.get("s").logProb().sum().item();
    double expected = g.get("_auto_latent").logProb().sum().item() - latent.slice(0, 1, 3).sum().item();
    assertEquals(expected, total, 1e-12);
    Trace lr = traceGuide(AutoLowRankMultivariateNormal.of(model, 2), Tensor.scalar(0));
    assertEquals(Shape.of(3, 2), lr.get("auto_cov_factor").value().shape());
    assertTrue(lr.get("s").value().minValue() > 0);
  }

  @Test
  void jointGuidesScoreAConstrainedScannedSiteStepByStep() {
    // s_t ~ HalfNormal(1) inside a scan of 3 steps: one point mass per step, with that step's
    // Jacobian: log q(s) = log N(latent) - sum_t u_t, since s_t = exp(u_t)
    Model<Tensor> model = xs -> scan((Tensor c, Tensor x) ->
        ScanStep.of(c, sample("s", HalfNormal.of(1.0))), Tensor.scalar(0.0), xs);
    Tensor xs = Tensor.zeros(3);
    Trace g = traceGuide(AutoMultivariateNormal.of(model), xs);
    Tensor latent = g.get("_auto_latent").value(); // [3]
    assertEquals(3, g.get("s").timeSteps());
    assertArrayEquals(latent.exp().toArray(), g.get("s").value().toArray(), 1e-15);
    assertArrayEquals(latent.neg().toArray(), g.get("s").logProb().toArray(), 1e-15,
        "per-step log-density: minus that step's log-Jacobian");
    Trace m = Handlers.trace(Handlers.replay(Handlers.seed(model, RngKey.of(2)), g)).getTrace(xs);
    assertArrayEquals(g.get("s").value().toArray(), m.get("s").value().toArray(), 0.0);
  }

  @Test
  void initStrategiesGiveTheirValues() {
    Model<Tensor> model = d -> sample("s", HalfNormal.of(2.0));
    Map<String, Tensor> init = new LinkedHashMap<>();
    init.put("s", Tensor.scalar(0.7));
    Trace v = traceGuide(AutoDelta.of(model).initStrategy(InitStrategy.value(init,
        InitStrategy.feasible())), Tensor.scalar(0));
    assertEquals(0.7, v.get("s").value().item(), 1e-15);
    Trace f = traceGuide(AutoDelta.of(model).initStrategy(InitStrategy.feasible()), Tensor.scalar(0));
    assertEquals(1.0, f.get("s").value().item(), 1e-15, "exp(0)");
    Trace med = traceGuide(AutoDelta.of(model), Tensor.scalar(0));
    double m = med.get("s").value().item();
    assertTrue(m > 0.3 && m < 3.5, "median of 15 HalfNormal(2) draws: " + m);
    Trace un = traceGuide(AutoNormal.of(model).initStrategy(InitStrategy.uniform(0.5)), Tensor.scalar(0));
    double u0 = un.get("auto_s_loc").value().item();
    assertTrue(Math.abs(u0) < 0.5, "uniform(-0.5, 0.5) in log space: " + u0);
  }

  @Test
  void discreteSitesAreRefusedByName() {
    Model<Tensor> model = d -> sample("k", Categorical.ofProbs(Tensor.of(0.2, 0.8)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> traceGuide(AutoNormal.of(model), Tensor.scalar(0)));
    assertTrue(e.getMessage().contains("'k'") && e.getMessage().contains("discrete"), e.getMessage());
  }
}
