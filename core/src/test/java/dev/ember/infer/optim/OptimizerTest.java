// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour common to all optimizers: convergence, immutability, serialization, errors. */
class OptimizerTest {

  /** The target of the convex quadratic below, a [3] and a [2, 2] parameter. */
  private static final double[] W_TARGET = {1.0, -2.0, 0.5};
  private static final double[] M_TARGET = {3.0, 0.0, -1.0, 2.0};

  /**
   * The gradient of {@code f = sum_i c_i (w_i - t_i)^2 + 0.5 ||M - T||^2} with curvatures c =
   * [0.5, 2, 8]: an ill-conditioned bowl.
   */
  private static Map<String, Tensor> bowlGrad(Map<String, Tensor> p) {
    Tensor c = Tensor.of(0.5, 2.0, 8.0);
    Map<String, Tensor> g = new LinkedHashMap<>();
    g.put("w", p.get("w").sub(Tensor.of(W_TARGET)).mul(c).mul(2)); // [3]
    g.put("m", p.get("m").sub(Tensor.of(M_TARGET, 2, 2))); // [2, 2]
    return g;
  }

  private static Map<String, Tensor> bowlStart() {
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("w", Tensor.zeros(3));
    p.put("m", Tensor.zeros(2, 2));
    return p;
  }

  static Stream<Arguments> converging() {
    LearningRate cosine = LearningRate.cosineDecay(0.2, 3000, 0.0);
    return Stream.of(
        Arguments.of(Sgd.of(0.05), 1000),
        Arguments.of(Momentum.of(0.02, 0.9), 1000),
        Arguments.of(Momentum.of(0.02, 0.9, true), 1000),
        Arguments.of(Adam.of(cosine), 3000),
        Arguments.of(ClippedAdam.of(cosine, 1.0, 0.9995), 3000),
        Arguments.of(Adagrad.of(0.5), 3000),
        Arguments.of(Adagrad.of(1.0, 0.0), 3000),
        Arguments.of(RmsProp.of(LearningRate.cosineDecay(0.05, 3000, 0.0)), 3000));
  }

  @ParameterizedTest
  @MethodSource("converging")
  void eachOptimizerConvergesOnAConvexQuadratic(Optimizer opt, int steps) {
    OptimizerState s = opt.init(bowlStart());
    for (int i = 0; i < steps; i++) {
      s = opt.update(bowlGrad(s.params()), s);
    }
    assertEquals(steps, s.step());
    assertArrayEquals(W_TARGET, s.params().get("w").toArray(), 1e-3, opt.toString());
    assertArrayEquals(M_TARGET, s.params().get("m").toArray(), 1e-3, opt.toString());
  }

  static Stream<Optimizer> all() {
    return Stream.of(
        Sgd.of(0.05),
        Momentum.of(0.02, 0.9),
        Momentum.of(LearningRate.exponentialDecay(0.02, 0.5, 3, true), 0.9, true),
        Adam.of(LearningRate.warmup(2, LearningRate.cosineDecay(0.1, 20, 0.1))),
        ClippedAdam.of(0.1, 0.5, 0.95),
        Adagrad.of(0.5),
        RmsProp.of(LearningRate.piecewiseConstant(new long[] {4}, new double[] {0.05, 0.01})));
  }

  /** A checkpoint mid-run restores to the same bits: 10 straight steps = 5, bytes, 5 more. */
  @ParameterizedTest
  @MethodSource("all")
  void serializedOptimizerAndStateContinueBitForBit(Optimizer opt) throws Exception {
    OptimizerState s = opt.init(bowlStart());
    for (int i = 0; i < 5; i++) {
      s = opt.update(bowlGrad(s.params()), s);
    }
    Object[] back = roundTrip(opt, s);
    Optimizer opt2 = (Optimizer) back[0];
    OptimizerState s2 = (OptimizerState) back[1];
    assertNotSame(opt, opt2);
    assertEquals(opt.toString(), opt2.toString());
    assertEquals(List.copyOf(s.params().keySet()), List.copyOf(s2.params().keySet()));
    for (int i = 0; i < 5; i++) {
      s = opt.update(bowlGrad(s.params()), s);
      s2 = opt2.update(bowlGrad(s2.params()), s2);
    }
    assertEquals(s.step(), s2.step());
    for (String name : s.params().keySet()) {
      assertArrayEquals(s.params().get(name).toArray(), s2.params().get(name).toArray(), name);
      assertEquals(s.params().get(name).shape(), s2.params().get(name).shape());
      for (int k = 0; k < s.slots().get(name).size(); k++) {
        assertArrayEquals(s.slots().get(name).get(k).toArray(),
            s2.slots().get(name).get(k).toArray(), name + " slot " + k);
      }
    }
  }

  private static Object[] roundTrip(Object... objects) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      for (Object o : objects) {
        out.writeObject(o);
      }
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      Object[] back = new Object[objects.length];
      for (int i = 0; i < back.length; i++) {
        back[i] = in.readObject();
      }
      return back;
    }
  }

  @ParameterizedTest
  @MethodSource("all")
  void initZeroesTheSlotsAndUpdateLeavesTheOldStateAlone(Optimizer opt) {
    double[] w0 = {1.0, 2.0, 3.0};
    Map<String, Tensor> params = new LinkedHashMap<>();
    params.put("w", Tensor.of(w0));
    params.put("m", Tensor.ones(2, 2));
    OptimizerState s0 = opt.init(params);
    params.put("extra", Tensor.scalar(1)); // the state copied the map
    assertEquals(List.of("w", "m"), List.copyOf(s0.params().keySet()));
    assertEquals(0, s0.step());
    for (List<Tensor> slots : s0.slots().values()) {
      for (Tensor t : slots) {
        assertEquals(0.0, t.abs().sum().item());
      }
    }
    OptimizerState s1 = opt.update(bowlGrad(s0.params()), s0);
    assertArrayEquals(w0, s0.params().get("w").toArray());
    assertEquals(1, s1.step());
    assertEquals(List.of("w", "m"), List.copyOf(s1.params().keySet()));
    assertEquals(Shape.of(2, 2), s1.params().get("m").shape());
    // an old state can be stepped again and gives the same result (no hidden state)
    OptimizerState again = opt.update(bowlGrad(s0.params()), s0);
    assertArrayEquals(s1.params().get("w").toArray(), again.params().get("w").toArray());
  }

  /** The schedule is read at the state's step before it is counted: lr = step + 1 here. */
  @Test
  void theScheduleIsEvaluatedAtTheStepBeforeTheUpdate() {
    List<Long> seen = new ArrayList<>();
    LearningRate lr = step -> {
      seen.add(step);
      return step + 1.0;
    };
    Optimizer sgd = Sgd.of(lr);
    OptimizerState s = sgd.init(Map.of("x", Tensor.scalar(0.0)));
    Map<String, Tensor> g = Map.of("x", Tensor.scalar(-1.0));
    for (int i = 0; i < 3; i++) {
      s = sgd.update(g, s);
    }
    assertEquals(List.of(0L, 1L, 2L), seen);
    assertEquals(1.0 + 2.0 + 3.0, s.params().get("x").item());
  }

  @Test
  void aWarmUpsFirstUpdateLeavesTheParametersUnchanged() {
    Optimizer adam = Adam.of(LearningRate.warmup(10, LearningRate.constant(0.1)));
    OptimizerState s = adam.init(Map.of("x", Tensor.scalar(2.0)));
    s = adam.update(Map.of("x", Tensor.scalar(5.0)), s);
    assertEquals(2.0, s.params().get("x").item());
    assertEquals(0.5, s.slots().get("x").get(0).item(), 1e-15); // the moments did move
  }

  @Test
  void clippingRescalesTheWholeTensorAndKeepsItsDirection() {
    assertEquals(5.0, ClippedAdam.l2Norm(new double[] {3, -4}));
    assertEquals(5e200, ClippedAdam.l2Norm(new double[] {3e200, -4e200}), 1e186);
    assertEquals(0.0, ClippedAdam.l2Norm(new double[] {0, 0}));
    assertTrue(Double.isNaN(ClippedAdam.l2Norm(new double[] {1, Double.NaN})));
    // With b1 = 0 (m = g) and b2 close to 0 the first step is lr * g / (|g| + eps): the step
    // direction shows what was clipped. An elementwise clamp at 1 would give [1, -1] / 1.
    Optimizer opt = ClippedAdam.of(1.0, 0.0, 1e-12, 1e-8, 1.0, 1.0);
    OptimizerState s = opt.update(Map.of("a", Tensor.of(30.0, -40.0)),
        opt.init(Map.of("a", Tensor.zeros(2))));
    assertArrayEquals(new double[] {-1, 1}, s.params().get("a").toArray(), 1e-7);
    // the moments hold the clipped gradient [0.6, -0.8]
    assertArrayEquals(new double[] {0.6, -0.8}, s.slots().get("a").get(0).toArray(), 1e-15);
  }

  /**
   * What {@link Optimizer#isElementwise} promises: two updates of a parameter's halves equal the
   * halves of one update of the whole, over three steps; ClippedAdam, whose clip binds on the
   * whole tensor here, says it does not hold and indeed breaks it.
   */
  @ParameterizedTest
  @MethodSource("converging")
  void elementwiseOptimizersUpdateSlicesAsTheWhole(Optimizer opt, int ignored) {
    double[] x0 = {0.5, -1.0, 2.0, 0.25};
    double[][] grads = {{3.0, -4.0, 0.5, 1.0}, {-2.0, 1.5, 0.0, 7.0}, {0.1, 0.2, -9.0, 0.3}};
    OptimizerState whole = opt.init(Map.of("x", Tensor.of(x0)));
    OptimizerState left = opt.init(Map.of("x", Tensor.of(0.5, -1.0)));
    OptimizerState right = opt.init(Map.of("x", Tensor.of(2.0, 0.25)));
    for (double[] g : grads) {
      whole = opt.update(Map.of("x", Tensor.of(g)), whole);
      left = opt.update(Map.of("x", Tensor.of(g[0], g[1])), left);
      right = opt.update(Map.of("x", Tensor.of(g[2], g[3])), right);
    }
    double[] w = whole.params().get("x").toArray();
    double[] halves = {left.params().get("x").toArray()[0], left.params().get("x").toArray()[1],
        right.params().get("x").toArray()[0], right.params().get("x").toArray()[1]};
    if (opt.isElementwise()) {
      assertArrayEquals(w, halves, 0.0);
    } else {
      assertTrue(opt instanceof ClippedAdam);
      assertFalse(java.util.Arrays.equals(w, halves)); // |g| = 5.2 > clipNorm 1 binds differently
    }
  }

  @Test
  void adagradLeavesElementsWithOnlyZeroGradientsInPlace() {
    Optimizer opt = Adagrad.of(0.1, 0.0);
    OptimizerState s = opt.update(Map.of("a", Tensor.of(0.0, 2.0)),
        opt.init(Map.of("a", Tensor.of(1.0, 1.0))));
    assertArrayEquals(new double[] {1.0, 0.9}, s.params().get("a").toArray(), 1e-15);
  }

  // ------------------------------------------------------------------ the state value

  @Test
  void theStateIsAnUnmodifiableOrderedCopyOfDetachedTensors() {
    Map<String, Tensor> params = new LinkedHashMap<>();
    params.put("z", Autodiff.track(Tensor.of(1.0, 2.0), "z"));
    params.put("a", Tensor.scalar(3.0));
    Map<String, List<Tensor>> slots = new LinkedHashMap<>();
    slots.put("a", new ArrayList<>(List.of(Tensor.scalar(0.0))));
    slots.put("z", new ArrayList<>());
    OptimizerState s = new OptimizerState(7, params, slots);
    params.clear();
    slots.get("a").clear();
    assertEquals(List.of("z", "a"), List.copyOf(s.params().keySet()));
    assertEquals(List.of("z", "a"), List.copyOf(s.slots().keySet()));
    assertEquals(1, s.slots().get("a").size());
    assertFalse(s.params().get("z").isTracked());
    assertThrows(UnsupportedOperationException.class, () -> s.params().put("b", Tensor.scalar(0)));
    assertThrows(UnsupportedOperationException.class, () -> s.slots().get("a").clear());
    OptimizerState same = new OptimizerState(s.step(), s.params(), s.slots());
    assertSame(s.params().get("a"), same.params().get("a"));
  }

  @Test
  void theStateRejectsInconsistentContents() {
    assertRejected(IllegalArgumentException.class,
        "OptimizerState: step must be >= 0, got -1",
        () -> new OptimizerState(-1, Map.of(), Map.of()));
    assertRejected(IllegalArgumentException.class,
        "OptimizerState: slots must have the keys of params, but params has [x] and slots has []",
        () -> new OptimizerState(0, Map.of("x", Tensor.scalar(0)), Map.of()));
  }

  // ------------------------------------------------------------------ errors

  private static <T extends Throwable> void assertRejected(
      Class<T> type, String expectedMessage, Executable call) {
    T e = assertThrows(type, call);
    assertEquals(expectedMessage, e.getMessage());
  }

  @Test
  void gradientsMustMatchTheParameters() {
    Optimizer adam = Adam.of(0.1);
    OptimizerState s = adam.init(bowlStart());
    assertRejected(IllegalArgumentException.class,
        "Adam.update: no gradient for parameter 'm' of shape [2, 2] (parameters: [w, m],"
            + " gradients: [w])",
        () -> adam.update(Map.of("w", Tensor.zeros(3)), s));
    Map<String, Tensor> extra = new LinkedHashMap<>(bowlGrad(s.params()));
    extra.put("bias", Tensor.zeros(4));
    assertRejected(IllegalArgumentException.class,
        "Adam.update: gradient 'bias' of shape [4] has no parameter (parameters: [w, m])",
        () -> adam.update(extra, s));
    Map<String, Tensor> wrongShape = new LinkedHashMap<>(bowlGrad(s.params()));
    wrongShape.put("m", Tensor.zeros(4));
    assertRejected(IllegalArgumentException.class,
        "Adam.update: the gradient of 'm' has shape [4] but the parameter has shape [2, 2]",
        () -> adam.update(wrongShape, s));
  }

  @Test
  void aStateFromAnotherOptimizerIsRejected() {
    OptimizerState sgdState = Sgd.of(0.1).init(Map.of("x", Tensor.scalar(0)));
    assertRejected(IllegalArgumentException.class,
        "Adam.update: the state has 0 slots for 'x' but Adam keeps 2 [m, v]; was the state"
            + " made by another optimizer's init?",
        () -> Adam.of(0.1).update(Map.of("x", Tensor.scalar(1)), sgdState));
    OptimizerState wrongSlotShape = new OptimizerState(0, Map.of("x", Tensor.scalar(0)),
        Map.of("x", List.of(Tensor.zeros(2))));
    assertRejected(IllegalArgumentException.class,
        "RmsProp.update: slot 'meanSquare' of 'x' has shape [2] but the parameter has shape []",
        () -> RmsProp.of(0.1).update(Map.of("x", Tensor.scalar(1)), wrongSlotShape));
    // the same class with other hyper-parameters continues the run
    OptimizerState adamState = Adam.of(0.1).init(Map.of("x", Tensor.scalar(0)));
    assertEquals(1, Adam.of(0.2, 0.5, 0.9, 1e-6)
        .update(Map.of("x", Tensor.scalar(1)), adamState).step());
  }

  @Test
  void aScheduleThatGoesNegativeOrNaNStopsTheRun() {
    Optimizer sgd = Sgd.of(step -> step == 0 ? 0.1 : Double.NaN);
    OptimizerState s = sgd.update(Map.of("x", Tensor.scalar(1)),
        sgd.init(Map.of("x", Tensor.scalar(0))));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> sgd.update(Map.of("x", Tensor.scalar(1)), s));
    assertTrue(e.getMessage().startsWith("Sgd: the learning rate "), e.getMessage());
    assertTrue(e.getMessage().endsWith(" is NaN at step 1; it must be finite and >= 0"),
        e.getMessage());
  }

  @Test
  void hyperParametersOutsideTheirRangeAreNamed() {
    IllegalArgumentException e;
    String[][] cases = {
      {"Sgd: lr must be finite and > 0, got 0.0"},
      {"Sgd: lr must be finite and > 0, got NaN"},
      {"Momentum: lr must be finite and > 0, got -0.1"},
      {"Momentum: mass must be in [0, 1), got 1.0"},
      {"Adam: lr must be finite and > 0, got Infinity"},
      {"Adam: b1 must be in [0, 1), got 1.0"},
      {"Adam: b2 must be in [0, 1), got -0.1"},
      {"Adam: eps must be finite and > 0, got 0.0"},
      {"ClippedAdam: clipNorm must be finite and > 0, got 0.0"},
      {"ClippedAdam: lrDecay must be in (0, 1], got 1.5"},
      {"ClippedAdam: lrDecay must be in (0, 1], got 0.0"},
      {"Adagrad: momentum must be in [0, 1), got NaN"},
      {"RmsProp: decay must be in [0, 1), got 1.0"},
      {"RmsProp: eps must be finite and > 0, got -1.0E-8"},
    };
    Executable[] calls = {
      () -> Sgd.of(0.0),
      () -> Sgd.of(Double.NaN),
      () -> Momentum.of(-0.1, 0.9),
      () -> Momentum.of(0.1, 1.0),
      () -> Adam.of(Double.POSITIVE_INFINITY),
      () -> Adam.of(0.1, 1.0, 0.999, 1e-8),
      () -> Adam.of(0.1, 0.9, -0.1, 1e-8),
      () -> Adam.of(0.1, 0.9, 0.999, 0.0),
      () -> ClippedAdam.of(0.1, 0.0, 1.0),
      () -> ClippedAdam.of(0.1, 10.0, 1.5),
      () -> ClippedAdam.of(LearningRate.constant(0.1), 10.0, 0.0),
      () -> Adagrad.of(0.1, Double.NaN),
      () -> RmsProp.of(0.1, 1.0, 1e-8),
      () -> RmsProp.of(0.1, 0.9, -1e-8),
    };
    for (int i = 0; i < calls.length; i++) {
      e = assertThrows(IllegalArgumentException.class, calls[i]);
      assertEquals(cases[i][0], e.getMessage());
    }
    assertThrows(NullPointerException.class, () -> Adam.of((LearningRate) null));
  }

  @Test
  void optimizersPrintTheirHyperParameters() {
    assertEquals("Adam(lr=constant(0.1), b1=0.9, b2=0.999, eps=1.0E-8)", Adam.of(0.1).toString());
    assertEquals("Sgd(lr=cosineDecay(0.1, 100, 0.0))",
        Sgd.of(LearningRate.cosineDecay(0.1, 100, 0)).toString());
    assertEquals("Momentum(lr=constant(0.1), mass=0.9, nesterov=true)",
        Momentum.of(0.1, 0.9, true).toString());
  }
}
