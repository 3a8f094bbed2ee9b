// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The event-dimension bookkeeping of {@link ComposeTransform}, the shapes and sums of {@link
 * AffineTransform}, {@link IdentityTransform} and {@link IndependentTransform}, and the messages of
 * invalid arguments.
 */
class TransformBasicsTest {

  /** An identity whose log-determinant reports the {@code y} it was given. */
  private static final class ReportsY extends Transform {
    private static final long serialVersionUID = 1L;

    @Override
    public Tensor forward(Tensor x) {
      return x;
    }

    @Override
    public Tensor inverse(Tensor y) {
      return y;
    }

    @Override
    public Tensor logAbsDetJacobian(Tensor x, Tensor y) {
      return y;
    }

    @Override
    public Constraint domain() {
      return Constraints.real();
    }

    @Override
    public Constraint codomain() {
      return Constraints.real();
    }
  }

  @Test
  void composeCountsEventDimsAcrossItsParts() {
    ComposeTransform elementwiseThenVector =
        new ComposeTransform(List.of(new ExpTransform(), new StickBreakingTransform()));
    assertEquals(1, elementwiseThenVector.domainEventDim());
    assertEquals(1, elementwiseThenVector.codomainEventDim());
    assertEquals(Constraints.realVector(), elementwiseThenVector.domain());
    assertEquals(Constraints.simplex(), elementwiseThenVector.codomain());

    ComposeTransform vectorThenElementwise =
        new ComposeTransform(List.of(new StickBreakingTransform(), new ExpTransform()));
    assertEquals(1, vectorThenElementwise.domainEventDim());
    assertEquals(1, vectorThenElementwise.codomainEventDim());
    assertEquals(Constraints.independent(Constraints.positive(), 1), vectorThenElementwise.codomain());

    ComposeTransform matrices =
        new ComposeTransform(List.of(new LowerCholeskyTransform(), new CholeskyOuterTransform()));
    assertEquals(1, matrices.domainEventDim());
    assertEquals(2, matrices.codomainEventDim());
    assertEquals(Constraints.positiveDefinite(), matrices.codomain());
    assertEquals(Shape.of(5, 3, 3), matrices.forwardShape(Shape.of(5, 6)));
    assertEquals(Shape.of(5, 6), matrices.inverseShape(Shape.of(5, 3, 3)));

    ComposeTransform scalars =
        new ComposeTransform(List.of(new ExpTransform(), new SoftplusTransform()));
    assertEquals(0, scalars.domainEventDim());
    assertEquals(Constraints.real(), scalars.domain());
  }

  /**
   * An elementwise part before a vector part has its log-determinant summed over the event: for
   * {@code x -> stickBreaking(0.5 - 2 x)} the total is {@code (K - 1) log 2} plus stick
   * breaking's own term at {@code 0.5 - 2 x}.
   */
  @Test
  void composeSumsElementwiseTermsOverTheEvent() {
    Transform affine = new AffineTransform(Tensor.scalar(0.5), Tensor.scalar(-2.0));
    Transform sb = new StickBreakingTransform();
    ComposeTransform t = new ComposeTransform(List.of(affine, sb));
    Tensor x = Tensor.of(new double[][] {{0.1, -0.4, 1.2}, {0.0, 0.3, -0.7}}); // [2, 3]
    Tensor u = affine.forward(x);
    Tensor expected = sb.logAbsDetJacobian(u, sb.forward(u)).add(3 * Math.log(2));
    Tensor actual = t.logAbsDetJacobian(x, t.forward(x));
    assertEquals(Shape.of(2), actual.shape());
    assertTrue(actual.allClose(expected, 1e-15, 1e-15), actual + " vs " + expected);
  }

  /** The last part reads the {@code y} given to the composition (NumPyro's convention). */
  @Test
  void composeGivesTheLastPartTheCallersY() {
    ComposeTransform t = new ComposeTransform(List.of(new ExpTransform(), new ReportsY()));
    Tensor x = Tensor.of(0.5);
    Tensor ladj = t.logAbsDetJacobian(x, Tensor.of(42.0));
    assertEquals(0.5 + 42.0, ladj.item(), 0.0);
  }

  @Test
  void affineBroadcastsAndSumsOverItsEventDims() {
    AffineTransform perElement = new AffineTransform(Tensor.scalar(1.0), Tensor.of(2.0, -4.0, 0.5));
    Tensor ladj = perElement.logAbsDetJacobian(Tensor.scalar(3.0), perElement.forward(Tensor.scalar(3.0)));
    assertEquals(Shape.of(3), perElement.forwardShape(Shape.of()));
    assertArrayEquals(
        new double[] {Math.log(2), Math.log(4), Math.log(0.5)}, ladj.toArray(), 1e-15);

    AffineTransform vectors =
        new AffineTransform(
            Tensor.zeros(3), Tensor.of(2.0, -4.0, 0.5), Constraints.realVector(),
            Constraints.realVector());
    Tensor x = Tensor.ones(2, 3);
    Tensor l = vectors.logAbsDetJacobian(x, vectors.forward(x));
    assertEquals(Shape.of(2), l.shape());
    assertArrayEquals(new double[] {Math.log(4), Math.log(4)}, l.toArray(), 1e-15);
    assertEquals(1, vectors.domainEventDim());
  }

  @Test
  void identityAndIndependentSumOverTheirEvents() {
    Tensor x = Tensor.ones(2, 3, 4);
    assertEquals(Shape.of(2, 3, 4), new IdentityTransform(0).logAbsDetJacobian(x, x).shape());
    assertEquals(Shape.of(2), new IdentityTransform(2).logAbsDetJacobian(x, x).shape());
    assertEquals(Constraints.independent(Constraints.real(), 2), new IdentityTransform(2).domain());
    IndependentTransform exp = new IndependentTransform(new ExpTransform(), 2);
    Tensor l = exp.logAbsDetJacobian(x, exp.forward(x));
    assertEquals(Shape.of(2), l.shape());
    assertArrayEquals(new double[] {12, 12}, l.toArray(), 0.0);
  }

  @Test
  void shapeChangingTransformsSayHow() {
    assertEquals(Shape.of(4, 5), new StickBreakingTransform().forwardShape(Shape.of(4, 4)));
    assertEquals(Shape.of(4, 3), new StickBreakingTransform().inverseShape(Shape.of(4, 4)));
    assertEquals(Shape.of(3, 3), new LowerCholeskyTransform().forwardShape(Shape.of(6)));
    assertEquals(Shape.of(2, 10), new ScaledUnitLowerCholeskyTransform().inverseShape(Shape.of(2, 4, 4)));
    assertEquals(Shape.of(7, 4, 4), new CorrCholeskyTransform().forwardShape(Shape.of(7, 6)));
    assertEquals(Shape.of(6), new CorrCholeskyTransform().inverseShape(Shape.of(4, 4)));
  }

  private static void assertMessage(String expected, Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  @Test
  void invalidArgumentsAreNamed() {
    assertMessage(
        "ComposeTransform: needs at least one transform", () -> new ComposeTransform(List.of()));
    assertMessage(
        "AffineTransform: scale must be finite and non-zero, got tensor([1.0, 0.0])",
        () -> new AffineTransform(Tensor.scalar(0.0), Tensor.of(1.0, 0.0)));
    assertMessage(
        "AffineTransform: domain real and codomain simplex must have the same event dimension, "
            + "got 0 and 1",
        () -> new AffineTransform(Tensor.scalar(0.0), Tensor.scalar(1.0), Constraints.real(),
            Constraints.simplex()));
    assertMessage(
        "PowerTransform: exponent must be finite and non-zero, got 0.0",
        () -> new PowerTransform(0.0));
    assertMessage(
        "IdentityTransform: eventDim must be >= 0, got -1", () -> new IdentityTransform(-1));
    assertMessage(
        "IndependentTransform: n must be >= 0, got -1",
        () -> new IndependentTransform(new ExpTransform(), -1));
    assertMessage(
        "LowerCholeskyTransform: a vector of length 4 is not the lower triangle of any square "
            + "matrix",
        () -> new LowerCholeskyTransform().forward(Tensor.zeros(4)));
    assertMessage(
        "CorrCholeskyTransform: a vector of length 2 is not the strictly lower triangle of any "
            + "square matrix",
        () -> new CorrCholeskyTransform().forward(Tensor.zeros(2)));
  }

  @Test
  void namesAreReadable() {
    assertEquals("ExpTransform", new ExpTransform().toString());
    assertEquals(
        "ComposeTransform[SigmoidTransform, AffineTransform(loc = tensor(-2.0), scale = tensor(5.0))]",
        Transforms.bijectTo(Constraints.interval(-2, 3)).toString());
  }
}
