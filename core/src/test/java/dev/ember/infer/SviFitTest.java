// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import static dev.ember.primitives.Primitives.factor;
import static dev.ember.primitives.Primitives.param;
import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.Normal;
import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.infer.optim.Adagrad;
import dev.ember.infer.optim.Adam;
import dev.ember.infer.optim.ClippedAdam;
import dev.ember.infer.optim.Momentum;
import dev.ember.infer.optim.Optimizer;
import dev.ember.infer.optim.OptimizerBuffers;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.infer.optim.RmsProp;
import dev.ember.infer.optim.Sgd;
import dev.ember.random.RngKey;
import dev.ember.tensor.StaleTensorException;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A fit that updates its own state in place against the pure chain of {@link Svi#update}s: the
 * same numbers bit for bit, and nothing it hands out or started from is changed by later steps.
 */
@SuppressWarnings("try") // plates are entered for their effect
class SviFitTest {
  private static final Tensor DATA = Tensor.of(0.3, -1.2, 0.8, 2.1, 0.4);

  /** A Normal mean with a vector of per-point offsets: scalar and vector params, a constraint. */
  private static final Model<Tensor> MODEL = d -> {
    Tensor mu = sample("mu", Normal.of(0.0, 1.0));
    Tensor w = param("w", Tensor.of(0.1, 0.2, 0.3, 0.4, 0.5));
    try (Plate p = plate("data", d.dim(0))) {
      sample("x", Normal.of(mu.add(w), Tensor.scalar(0.5)), d);
    }
  };

  private static final Model<Tensor> GUIDE = d -> {
    Tensor loc = param("loc", Tensor.scalar(0.0));
    Tensor scale = param("scale", Tensor.scalar(1.0), Constraints.positive());
    sample("mu", Normal.of(loc, scale));
  };

  private static Svi<Tensor> svi(Optimizer opt) {
    return Svi.of(MODEL, GUIDE, opt, new TraceElbo(2)).progress(false);
  }

  private static void assertSameState(SviState expected, SviState actual, String what) {
    assertEquals(expected.step(), actual.step(), what);
    assertEquals(expected.skippedSteps(), actual.skippedSteps(), what);
    assertEquals(expected.optimizer().step(), actual.optimizer().step(), what);
    for (String n : expected.optimizer().params().keySet()) {
      assertArrayEquals(expected.optimizer().params().get(n).toArray(),
          actual.optimizer().params().get(n).toArray(), 0.0, what + " " + n);
      List<Tensor> a = expected.optimizer().slots().get(n);
      List<Tensor> b = actual.optimizer().slots().get(n);
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.get(i).toArray(), b.get(i).toArray(), 0.0, what + " slot " + n);
      }
    }
  }

  @Test
  void aFitEqualsTheChainOfUpdatesBitForBitForEveryOptimizer() {
    List<Optimizer> optimizers = List.of(Adam.of(0.05), Sgd.of(0.01), Momentum.of(0.01, 0.9, true),
        Adagrad.of(0.1), RmsProp.of(0.01), ClippedAdam.of(0.05, 1.0, 0.99));
    for (Optimizer opt : optimizers) {
      Svi<Tensor> svi = svi(opt);
      SviState s = svi.init(RngKey.of(3), DATA);
      SviFit<Tensor> fit = svi.start(RngKey.of(3), DATA);
      for (int i = 0; i < 25; i++) {
        Svi.Update u = svi.update(s, DATA);
        s = u.state();
        assertEquals(u.loss(), fit.step(DATA), 0.0, opt + " loss at step " + i);
      }
      assertSameState(s, fit.state(), opt.toString());
      assertEquals(25, fit.steps());
      Svi.RunResult run = svi.run(RngKey.of(3), 25, DATA);
      assertSameState(s, run.state(), "run " + opt);
    }
  }

  @Test
  void whatTheFitStartedFromAndHandedOutIsNotChangedByLaterSteps() {
    Svi<Tensor> svi = svi(Adam.of(0.05));
    SviState start = svi.update(svi.init(RngKey.of(1), DATA), DATA).state();
    double[] startW = start.optimizer().params().get("w").toArray();
    double[] startM = start.optimizer().slots().get("w").get(0).toArray();
    SviFit<Tensor> fit = svi.start(start);
    fit.step(DATA);
    SviState snapshot = fit.state();
    double[] snapW = snapshot.optimizer().params().get("w").toArray();
    Map<String, Tensor> params = fit.params();
    double[] paramW = params.get("w").toArray();
    for (int i = 0; i < 5; i++) {
      fit.step(DATA);
    }
    assertArrayEquals(startW, start.optimizer().params().get("w").toArray(), 0.0);
    assertArrayEquals(startM, start.optimizer().slots().get("w").get(0).toArray(), 0.0);
    assertArrayEquals(snapW, snapshot.optimizer().params().get("w").toArray(), 0.0);
    assertArrayEquals(paramW, params.get("w").toArray(), 0.0);
    assertTrue(fit.state().optimizer().params().get("w").toArray()[0] != snapW[0], "it moved");
    // the fit continued from the snapshot is the pure chain from it
    SviState chain = snapshot;
    for (int i = 0; i < 5; i++) {
      chain = svi.update(chain, DATA).state();
    }
    assertSameState(chain, fit.state(), "from the snapshot");
  }

  /** log(x) of a negative param: a NaN log-factor at site "penalty" on the first step. */
  private static final Model<Tensor> NAN_MODEL = d -> {
    Tensor x = param("x", Tensor.of(-1.0, -2.0));
    sample("y", Normal.of(x.sum(), Tensor.scalar(1.0)), d);
    factor("penalty", x.log().sum());
  };

  @Test
  void aNonFiniteStepThrowsOrIsSkippedAndLeavesTheFitWhereItWas() {
    Svi<Tensor> svi = Svi.of(NAN_MODEL, d -> { }, Adam.of(0.1), new TraceElbo()).progress(false);
    SviFit<Tensor> fit = svi.start(RngKey.of(0), Tensor.scalar(0.5));
    SviState before = fit.state();
    ArithmeticException e = assertThrows(ArithmeticException.class,
        () -> fit.step(Tensor.scalar(0.5)));
    assertTrue(e.getMessage().contains("model site 'penalty'"), e.getMessage());
    assertSameState(before, fit.state(), "after the error");

    // a finite loss with an infinite gradient (sqrt at 0): refused by the in-place update itself
    Model<Tensor> sqrtModel = d -> {
      Tensor x = param("x", Tensor.of(0.0, 1.0));
      sample("y", Normal.of(x.sqrt().sum(), Tensor.scalar(1.0)), d);
    };
    Svi<Tensor> sqrtSvi = Svi.of(sqrtModel, d -> { }, Adam.of(0.1), new TraceElbo())
        .progress(false);
    SviFit<Tensor> sqrtFit = sqrtSvi.start(RngKey.of(0), Tensor.scalar(0.5));
    ArithmeticException g = assertThrows(ArithmeticException.class,
        () -> sqrtFit.step(Tensor.scalar(0.5)));
    assertTrue(g.getMessage().contains("'x'"), g.getMessage());
    assertArrayEquals(new double[] {0.0, 1.0},
        sqrtFit.state().optimizer().params().get("x").toArray(), 0.0);
    assertArrayEquals(new double[] {0.0, 0.0},
        sqrtFit.state().optimizer().slots().get("x").get(1).toArray(), 0.0);

    SviFit<Tensor> stable = svi.stableUpdate(true).start(RngKey.of(0), Tensor.scalar(0.5));
    assertTrue(Double.isNaN(stable.step(Tensor.scalar(0.5))));
    assertEquals(1, stable.state().skippedSteps());
    assertArrayEquals(new double[] {-1.0, -2.0},
        stable.state().optimizer().params().get("x").toArray(), 0.0);
  }

  @Test
  void theInPlaceUpdateWritesOnlyItsOwnBuffersAndNothingForANonFiniteGradient() {
    Adam adam = Adam.of(0.1);
    // init shares one zero tensor between the moments: the buffers are copies, so that is fine
    OptimizerState init = adam.init(Map.of("x", Tensor.of(1.0, 2.0)));
    OptimizerBuffers fromInit = OptimizerBuffers.copyOf(init);
    assertTrue(adam.updateInPlaceIfFinite(Map.of("x", Tensor.of(1.0, 1.0)), fromInit));
    assertArrayEquals(new double[] {1.0, 2.0}, init.params().get("x").toArray(), 0.0);
    assertArrayEquals(new double[] {0.0, 0.0}, init.slots().get("x").get(0).toArray(), 0.0);
    assertArrayEquals(adam.update(Map.of("x", Tensor.of(1.0, 1.0)), init).params().get("x")
        .toArray(), fromInit.views().params().get("x").toArray(), 0.0);

    OptimizerState owned = new OptimizerState(3, Map.of("x", Tensor.of(1.0, 2.0)),
        Map.of("x", List.of(Tensor.of(0.5, 0.5), Tensor.of(0.25, 0.25))));
    OptimizerBuffers buffers = OptimizerBuffers.copyOf(owned);
    Tensor before = buffers.views().params().get("x");
    assertFalse(adam.updateInPlaceIfFinite(Map.of("x", Tensor.of(0.1, Double.NaN)), buffers));
    assertArrayEquals(new double[] {1.0, 2.0}, before.toArray(), 0.0); // nothing written
    assertArrayEquals(new double[] {0.5, 0.5},
        buffers.views().slots().get("x").get(0).toArray(), 0.0);
    assertArrayEquals(new double[] {0.25, 0.25},
        buffers.views().slots().get("x").get(1).toArray(), 0.0);
    assertEquals(3, buffers.step());

    // a gradient that is the param's own values is read before anything is written
    OptimizerState pure = adam.update(Map.of("x", Tensor.of(1.0, 2.0)), owned);
    assertTrue(adam.updateInPlaceIfFinite(Map.of("x", before), buffers));
    assertArrayEquals(pure.params().get("x").toArray(),
        buffers.views().params().get("x").toArray(), 0.0);
    assertArrayEquals(pure.slots().get("x").get(1).toArray(),
        buffers.views().slots().get("x").get(1).toArray(), 0.0);
    assertEquals(4, buffers.step());
    // the view taken before the write is stale: it fails loudly instead of showing new values
    assertThrows(StaleTensorException.class, before::toArray);
  }
}
