// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shape error names the operation and the shapes involved, in words a user can act on; no
 * shape mistake runs on silently (to NaN or a wrong broadcast).
 */
class ShapeErrorsTest {

  record Case(String message, Class<? extends RuntimeException> type, Executable call) {
    @Override
    public String toString() {
      return message;
    }
  }

  private static Case bad(String message, Executable call) {
    return new Case(message, IllegalArgumentException.class, call);
  }

  private static Case outOfRange(String message, Executable call) {
    return new Case(message, IndexOutOfBoundsException.class, call);
  }

  static Stream<Case> cases() {
    Tensor ok = Tensor.eye(2);
    Tensor notPd = Tensor.of(new double[][] {{1, 2}, {2, 1}});
    int big = LinearAlgebra.BLAS_ORDER;
    Tensor bigNotPd = Tensor.eye(big).mul(-1.0);
    return Stream.of(
        bad("add: cannot broadcast [3, 4] with [5]", () -> Tensor.zeros(3, 4).add(Tensor.zeros(5))),
        bad("sub: cannot broadcast [2] with [3]", () -> Tensor.zeros(2).sub(Tensor.zeros(3))),
        bad("mul: cannot broadcast [2] with [3]", () -> Tensor.zeros(2).mul(Tensor.zeros(3))),
        bad(
            "div: cannot broadcast [2, 3] with [2]",
            () -> Tensor.zeros(2, 3).div(Tensor.zeros(2))),
        bad(
            "pow: cannot broadcast [2, 3] with [4]",
            () -> Tensor.zeros(2, 3).pow(Tensor.zeros(4))),
        bad(
            "maximum: cannot broadcast [2, 3] with [4]",
            () -> Tensor.zeros(2, 3).maximum(Tensor.zeros(4))),
        bad("lt: cannot broadcast [2, 3] with [4]", () -> Tensor.zeros(2, 3).lt(Tensor.zeros(4))),
        bad(
            "matmul: inner dimensions differ: [2, 3] @ [4, 5] (3 vs 4)",
            () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5))),
        bad(
            "matmul: inner dimensions differ: [4] @ [3, 2] (4 vs 3)",
            () -> Tensor.zeros(4).matmul(Tensor.zeros(3, 2))),
        bad(
            "matmul: inner dimensions differ: [2, 3] @ [2] (3 vs 2)",
            () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(2))),
        bad(
            "matmul: cannot broadcast the batch axes [2] of [2, 2, 3] with [3] of [3, 3, 2]",
            () -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(3, 3, 2))),
        bad(
            "matmul: operands must have rank >= 1, got [] and [2]; use mul for scalars",
            () -> Tensor.scalar(1).matmul(Tensor.zeros(2))),
        bad(
            "reshape: cannot reshape [2, 3] (6 elements) to [4, 2]",
            () -> Tensor.zeros(2, 3).reshape(4, 2)),
        bad("reshape: cannot reshape [2, 3] to [-1, 4]", () -> Tensor.zeros(2, 3).reshape(-1, 4)),
        bad(
            "reshape: only one dimension may be -1, got [-1, -1]",
            () -> Tensor.zeros(6).reshape(-1, -1)),
        bad(
            "concat: tensor 1 has shape [3, 3], which does not match [2, 3] outside axis 1",
            () -> Tensor.concat(1, Tensor.zeros(2, 3), Tensor.zeros(3, 3))),
        bad(
            "concat: tensor 1 has shape [3], which does not match [2, 3] outside axis 0",
            () -> Tensor.concat(0, Tensor.zeros(2, 3), Tensor.zeros(3))),
        bad(
            "concat: axis 0 is out of range for shape [] of rank 0",
            () -> Tensor.concat(0, Tensor.scalar(1), Tensor.scalar(2))),
        bad("concat: needs at least one tensor", () -> Tensor.concat(0)),
        bad(
            "stack: all tensors must have the same shape, but tensor 0 has [2] and tensor 1 has"
                + " [3]",
            () -> Tensor.stack(0, Tensor.zeros(2), Tensor.zeros(3))),
        bad(
            "stack: axis 2 is out of range for a result of rank 2",
            () -> Tensor.stack(2, Tensor.zeros(2))),
        outOfRange(
            "index: index 5 at position 1 is out of range for axis 0 (size 3) of [3]",
            () -> Tensor.zeros(3).index(0, 0, 5)),
        outOfRange(
            "index: index -4 at position 0 is out of range for axis 1 (size 3) of [2, 3]",
            () -> Tensor.zeros(2, 3).index(1, Tensor.of(-4))),
        bad(
            "index: indices must be integers, but position 0 holds 0.5",
            () -> Tensor.zeros(4).index(0, Tensor.of(0.5))),
        outOfRange(
            "select: index 3 is out of range for axis 1 (size 3) of [2, 3]",
            () -> Tensor.zeros(2, 3).select(1, 3)),
        bad(
            "slice: [2, 5) with step 1 is not a valid range of axis 1 (size 3) of [2, 3]",
            () -> Tensor.zeros(2, 3).slice(1, 2, 5)),
        bad(
            "slice: [0, 3) with step 0 is not a valid range of axis 1 (size 3) of [2, 3]",
            () -> Tensor.zeros(2, 3).slice(1, 0, 3, 0)),
        bad(
            "where: the mask must be a boolean tensor (from a comparison or Tensor.ofBooleans), "
                + "but got dtype FLOAT64 of shape [2]",
            () -> Tensor.where(Tensor.of(1, 0), Tensor.zeros(2), Tensor.ones(2))),
        bad(
            "where: cannot broadcast the mask [2], a [3] and b [2] together",
            () -> Tensor.where(Tensor.ofBooleans(true, false), Tensor.zeros(3), Tensor.zeros(2))),
        bad("broadcastTo: cannot broadcast [3] to [2, 4]", () -> Tensor.zeros(3).broadcastTo(2, 4)),
        bad(
            "sumTo: shape [2] cannot be summed to [3] (the target must broadcast to the input)",
            () -> Tensor.zeros(2).sumTo(Shape.of(3))),
        bad("sum: axis 2 is out of range for shape [2, 3] of rank 2", () -> Tensor.zeros(2, 3).sum(2)),
        bad(
            "mean: axis 3 is out of range for shape [2, 3] of rank 2",
            () -> Tensor.zeros(2, 3).mean(3)),
        bad(
            "max: axis -3 is out of range for shape [2, 3] of rank 2",
            () -> Tensor.zeros(2, 3).max(-3)),
        bad("max: axis 0 of [0] is empty", () -> Tensor.zeros(0).max()),
        bad(
            "logSumExp: axis 1 is out of range for shape [3] of rank 1",
            () -> Tensor.zeros(3).logSumExp(1)),
        bad(
            "cumsum: axis 2 is out of range for shape [3] of rank 1",
            () -> Tensor.zeros(3).cumsum(2)),
        bad(
            "transpose: axis 2 is out of range for shape [2, 3] of rank 2",
            () -> Tensor.zeros(2, 3).transpose(0, 2)),
        bad("transpose: needs rank >= 2, but shape is [3]", () -> Tensor.zeros(3).transpose()),
        bad(
            "permute: [0] is not a permutation of the 2 axes of [2, 3]",
            () -> Tensor.zeros(2, 3).permute(0)),
        bad(
            "squeeze: axis 0 of [2, 3] has size 2, not 1",
            () -> Tensor.zeros(2, 3).squeeze(0)),
        bad(
            "unsqueeze: axis 3 is out of range for a result of rank 2",
            () -> Tensor.zeros(2).unsqueeze(3)),
        bad(
            "Tensor.of: 5 values cannot fill shape [2, 3] (6 elements)",
            () -> Tensor.of(new double[5], 2, 3)),
        bad(
            "cholesky: needs square matrices [..., n, n], but got shape [2, 3]",
            () -> Tensor.zeros(2, 3).cholesky()),
        bad(
            "cholesky: matrix 1 of [2, 2, 2] is not positive definite (leading minor of order 2 is"
                + " not positive); check that it is symmetric positive definite, or add jitter to"
                + " its diagonal",
            () -> Tensor.stack(0, ok, notPd).cholesky()),
        bad(
            "cholesky: matrix 2 of [3, " + big + ", " + big + "] is not positive definite (leading"
                + " minor of order 1 is not positive); check that it is symmetric positive"
                + " definite, or add jitter to its diagonal",
            () -> Tensor.stack(0, Tensor.eye(big), Tensor.eye(big), bigNotPd).cholesky()),
        bad(
            "triangularSolve: b must be [..., 3, m] for A of shape [3, 3], but got [2, 3]; for a"
                + " vector right-hand side use b.unsqueeze(-1)",
            () -> Tensor.eye(3).triangularSolve(Tensor.zeros(2, 3), true)),
        bad(
            "triangularSolve: cannot broadcast the batch axes [2] of [2, 3, 3] with [3] of"
                + " [3, 3, 1]",
            () -> Tensor.zeros(2, 3, 3).triangularSolve(Tensor.zeros(3, 3, 1), true)),
        bad("diagonal: needs rank >= 2, but shape is [3]", () -> Tensor.zeros(3).diagonal()),
        bad("tril: needs rank >= 2, but shape is [3]", () -> Tensor.zeros(3).tril(0)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void errorsNameTheOperationAndTheShapes(Case c) {
    RuntimeException e = assertThrows(c.type(), c.call());
    assertEquals(c.message(), e.getMessage());
  }
}
