// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import static dev.ember.primitives.Primitives.factor;
import static dev.ember.primitives.Primitives.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.HandlerStack;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.infer.optim.Sgd;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A model's {@code param(name)} without an initial value shares the guide's param of that name,
 * as NumPyro's {@code test_shared_param}: the model {@code factor(-(s - 5)^2)} with the guide
 * declaring {@code s} positive, initialized at 1.5. The loss is then {@code (s - 5)^2} exactly
 * (no sample sites), and its gradient with respect to the unconstrained {@code u = log s} is
 * {@code 2 (s - 5) s}.
 */
class SharedParamTest {
  private static final double INIT = 1.5;

  /** The model, with {@code s} declared by {@code declare}. */
  private static Model<Void> model(Function<String, Tensor> declare) {
    return unused -> {
      Tensor s = declare.apply("s");
      factor("f", s.sub(5.0).square().neg());
    };
  }

  private static final Model<Void> GUIDE =
      unused -> param("s", Tensor.scalar(INIT), Constraints.positive());

  /** The two ways to declare a param without an initial value. */
  private static final List<Model<Void>> MODELS = List.of(
      model(name -> param(name)), model(name -> param(name, (Tensor) null)));

  @Test
  void theModelsParamStartsFromTheGuidesAndFollowsTheFit() {
    for (Model<Void> m : MODELS) {
      Svi<Void> svi = Svi.of(m, GUIDE, Sgd.of(0.01), new TraceElbo()).progress(false);
      SviState s0 = svi.init(RngKey.of(0), null);
      assertEquals(INIT, svi.getParams(s0).get("s").item(), 1e-15);
      assertEquals(Constraints.positive(), s0.constraints().get("s"), "the guide's constraint");
      Svi.LossAndGrad lg = svi.lossAndGrad(s0, null, RngKey.of(1));
      assertEquals((INIT - 5) * (INIT - 5), lg.loss(), 1e-12);
      assertEquals(2 * (INIT - 5) * INIT, lg.grads().get("s").item(), 1e-12);
      // after a step, the model sees the updated value: loss (s1 - 5)^2 at the new s1
      SviState s1 = svi.update(s0, null).state();
      double s = svi.getParams(s1).get("s").item();
      assertEquals(INIT * Math.exp(-0.01 * 2 * (INIT - 5) * INIT), s, 1e-12, "one SGD step on u");
      assertEquals((s - 5) * (s - 5), svi.evaluate(s1, null), 1e-12);
    }
  }

  @Test
  void withoutAGuideParamOfThatNameInitFailsNamingIt() {
    Model<Void> guide = unused -> param("t", Tensor.scalar(0.0));
    for (Model<Void> m : MODELS) {
      Svi<Void> svi = Svi.of(m, guide, Sgd.of(0.01), new TraceElbo()).progress(false);
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> svi.init(RngKey.of(0), null));
      assertEquals("param 's' has no initial value and no handler gave it a value: under Svi a "
          + "model's param takes the value of the guide's param of the same name, so declare "
          + "param(\"s\", init) in the guide; elsewhere give it a value with Handlers.substitute, "
          + "or an initial value here", e.getMessage());
      assertTrue(HandlerStack.isEmpty());
    }
  }

  @Test
  void outsideInferenceItNeedsAValueFromAHandler() {
    for (Model<Void> m : MODELS) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.run(null));
      assertTrue(e.getMessage().startsWith("param 's' has no initial value and no handler gave "
          + "it a value"), e.getMessage());
      Tensor given = Tensor.scalar(4.0);
      assertEquals(4.0, Handlers.trace(Handlers.substitute(m, Map.of("s", given))).getTrace(null)
          .get("s").value().item(), 0.0);
      assertEquals(-1.0, LogDensity.logDensity(m, null, Map.of("s", given)).total().item(), 0.0);
    }
    Model<Void> nullFromFunction = unused -> param("s", key -> null, Constraints.real());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> nullFromFunction.run(null));
    assertTrue(e.getMessage().startsWith("param 's' has no initial value (its initial-value "
        + "function returned null)"), e.getMessage());
    assertTrue(HandlerStack.isEmpty());
  }
}
