// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.guides;

import static dev.ember.primitives.Primitives.param;
import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Primitives.sampleOverTime;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.data.SequenceBatch;
import dev.ember.dist.Normal;
import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.infer.Svi;
import dev.ember.infer.SviFit;
import dev.ember.infer.TraceElbo;
import dev.ember.infer.optim.Adam;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code AutoNormal.mask} on variable-length series: the guide's padded steps are not scored, as
 * the model's are not. Truths: the masked guide's ELBO equals that of the same guide written by
 * hand with {@code .mask(observed)}; without the mask a padded step's only gradient is the
 * entropy's, exactly -1 on its unconstrained log-scale, so Adam (whose bias-corrected step for a
 * constant gradient is lr / (1 + eps)) raises it by lr at every step; with it, the gradient is 0.
 */
@SuppressWarnings("try") // plates are entered for their effect
class AutoNormalMaskTest {
  /** AR(1) latent series observed with noise; both sites masked at the padding. */
  private static final Model<SequenceBatch> MODEL = batch -> {
    int b = batch.size();
    scan((Tensor prev, List<Tensor> x) -> {
      try (Plate p = plate("series", b)) {
        Tensor z = sample("z", Normal.of(prev.mul(0.8), Tensor.scalar(0.5)).mask(x.get(1)));
        sample("y", Normal.of(z, Tensor.scalar(0.3)).mask(x.get(1)), x.get(0));
        return ScanStep.of(z, (Tensor) null);
      }
    }, Tensor.zeros(b), List.of(batch.values(), batch.observed()));
  };

  /** Two series of lengths 5 and 3: series 1 is padded at t = 3, 4. */
  private static final SequenceBatch BATCH = SequenceBatch.of(new long[] {1, 2},
      new double[][] {{0.2, 0.5, 0.1, -0.3, 0.4}, {1.0, 0.7, 0.9}}, 2);

  private static AutoNormal<SequenceBatch> masked() {
    return AutoNormal.of(MODEL).initStrategy(InitStrategy.feasible())
        .mask(SequenceBatch::observed, "z");
  }

  @Test
  void theMaskedGuidesElboEqualsTheSameGuideWrittenByHand() {
    Model<SequenceBatch> byHand = batch -> {
      try (Plate p = plate("series", batch.size())) {
        Tensor loc = param("auto_z_loc", Tensor.zeros(batch.steps(), batch.size()));
        Tensor scale = param("auto_z_scale", Tensor.full(0.1, batch.steps(), batch.size()),
            Constraints.positive());
        sampleOverTime("z", Normal.of(loc, scale).mask(batch.observed()));
      }
    };
    Map<String, Tensor> params = Map.of(
        "auto_z_loc", Tensor.of(new double[] {0.1, -0.2, 0.3, 0.0, -0.1, 0.4, 0.2, 0.5, 0.6, -0.7},
            5, 2),
        "auto_z_scale", Tensor.of(new double[] {0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1},
            5, 2));
    for (int k = 0; k < 3; k++) {
      RngKey key = RngKey.of(k);
      double auto = new TraceElbo().estimate(MODEL, Handlers.substitute(masked(), params), BATCH,
          key).value();
      double hand = new TraceElbo().estimate(MODEL, Handlers.substitute(byHand, params), BATCH,
          key).value();
      assertEquals(hand, auto, 1e-12 * Math.abs(hand));
    }
  }

  @Test
  void withoutTheMaskThePaddedScalesDriftByTheLearningRateAtEveryStep() {
    double lr = 0.05;
    int steps = 200;
    AutoNormal<SequenceBatch> plain = AutoNormal.of(MODEL).initStrategy(InitStrategy.feasible());
    SviFit<SequenceBatch> drifting = Svi.of(MODEL, plain, Adam.of(lr), new TraceElbo())
        .progress(false).start(RngKey.of(4), BATCH);
    SviFit<SequenceBatch> fixed = Svi.of(MODEL, masked(), Adam.of(lr), new TraceElbo())
        .progress(false).start(RngKey.of(4), BATCH);
    for (int i = 0; i < steps; i++) {
      drifting.step(BATCH);
      fixed.step(BATCH);
    }
    // unconstrained log-scales [T, B], row-major: series 1's padded steps are t = 3, 4
    double[] drift = drifting.state().optimizer().params().get("auto_z_scale").toArray();
    double[] still = fixed.state().optimizer().params().get("auto_z_scale").toArray();
    double start = Math.log(0.1);
    double expected = start + steps * lr / (1 + 1e-8);
    for (int idx : new int[] {3 * 2 + 1, 4 * 2 + 1}) {
      assertEquals(expected, drift[idx], 1e-9, "unmasked padded log-scale at " + idx);
      assertEquals(start, still[idx], 0.0, "masked padded log-scale at " + idx);
    }
    double[] loc = fixed.state().optimizer().params().get("auto_z_loc").toArray();
    assertArrayEquals(new double[] {0.0, 0.0}, new double[] {loc[7], loc[9]}, 0.0,
        "a masked padded step's loc gets no gradient either");
  }

  @Test
  void badMasksAreNamed() {
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> AutoNormal.of(MODEL).mask(SequenceBatch::observed));
    assertEquals("AutoNormal.mask: name the latent sites to mask", none.getMessage());

    AutoNormal<SequenceBatch> unknown = AutoNormal.of(MODEL).mask(SequenceBatch::observed, "w");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Handlers.trace(Handlers.seed(unknown, RngKey.of(0))).getTrace(BATCH));
    assertEquals("AutoNormal.mask: the model has no latent site 'w' (its latent sites: [z])",
        e.getMessage());

    AutoNormal<SequenceBatch> wrongShape = AutoNormal.of(MODEL)
        .mask(b -> Tensor.ofBooleans(true, false, true), "z");
    IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
        () -> Handlers.trace(Handlers.seed(wrongShape, RngKey.of(0))).getTrace(BATCH));
    assertEquals("AutoNormal.mask: the mask of site 'z' must be a boolean tensor that broadcasts "
        + "to the site's batch shape [5, 2], but it has dtype BOOL and shape [3]", s.getMessage());

    AutoNormal<SequenceBatch> notBool = AutoNormal.of(MODEL).mask(SequenceBatch::values, "z");
    IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
        () -> Handlers.trace(Handlers.seed(notBool, RngKey.of(0))).getTrace(BATCH));
    assertEquals("AutoNormal.mask: the mask of site 'z' must be a boolean tensor that broadcasts "
        + "to the site's batch shape [5, 2], but it has dtype FLOAT64 and shape [5, 2]",
        b.getMessage());
  }
}
