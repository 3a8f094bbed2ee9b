// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The table of transforms under test: every {@code bijectTo} of a continuous constraint and the
 * standalone transforms, each with the shape of one unconstrained event, where its values live,
 * how to address the free coordinates of its outputs, and an independent construction of points
 * in its codomain (normalized exponentials for a simplex, a Cholesky factor computed here for a
 * correlation matrix, ...), written without the code under test.
 */
final class TransformCases {
  private TransformCases() {}

  /** How the codomain's events are addressed by free coordinates. */
  enum Layout {
    /** Every coordinate of {@code y} is free (elementwise transforms and identities). */
    ALL,
    /** The first {@code K - 1} entries of a simplex; the last is {@code 1 - sum}. */
    SIMPLEX,
    /** The lower triangle, diagonal included, row by row. */
    LOWER,
    /** The strictly lower triangle; each diagonal entry completes its row to unit norm. */
    CORR,
    /** The lower triangle of a symmetric matrix, diagonal included. */
    SYMMETRIC;

    /** The free coordinates of one event of {@code y} (flattened, row-major). */
    double[] free(double[] y, Shape yEvent) {
      switch (this) {
        case ALL:
          return y.clone();
        case SIMPLEX:
          return Arrays.copyOf(y, y.length - 1);
        default:
          int n = yEvent.dim(-1);
          List<Double> out = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
              if (this != CORR || j < i) {
                out.add(y[i * n + j]);
              }
            }
          }
          return out.stream().mapToDouble(Double::doubleValue).toArray();
      }
    }

    /** The inverse of {@link #free} on the codomain, with tensor ops: {@code [..., m] -> y}. */
    Tensor embed(Tensor v, Shape yEvent) {
      Shape batch = v.shape().sub(0, v.rank() - 1);
      switch (this) {
        case ALL:
          return v.reshape(batch.concat(yEvent));
        case SIMPLEX:
          return Tensor.concat(-1, v, v.sum(-1, true).rsub(1.0));
        default:
          int n = yEvent.dim(-1);
          int m = v.dim(-1);
          int[] map = new int[n * n];
          Arrays.fill(map, m); // a zero appended to v
          int k = 0;
          for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
              if (this != CORR || j < i) {
                map[i * n + j] = k;
                if (this == SYMMETRIC) {
                  map[j * n + i] = k;
                }
                k++;
              }
            }
          }
          Tensor padded = Tensor.concat(-1, v, Tensor.zeros(batch.concat(Shape.of(1))));
          Tensor matrix = padded.index(-1, map).reshape(batch.concat(Shape.of(n, n)));
          if (this == CORR) {
            Tensor diagonal = matrix.square().sum(-1).rsub(1.0).sqrt(); // [..., n]
            matrix = matrix.add(diagonal.diagEmbed());
          }
          return matrix;
      }
    }
  }

  /** One event of the codomain, flattened, drawn without the code under test. */
  @FunctionalInterface
  interface PointGen {
    double[] next(SplittableRandom rng);
  }

  /**
   * A transform under test.
   *
   * @param name for reports
   * @param t the transform
   * @param target the constraint its outputs must satisfy (the one given to {@code bijectTo})
   * @param xEvent the shape of one unconstrained event
   * @param low the range unconstrained draws come from, {@code [low, high]}
   * @param high see {@code low}
   * @param layout the free coordinates of the codomain
   * @param yEvent the shape of one event of the codomain
   * @param points independent points of the codomain
   * @param unconstrained whether the domain is all of {@code R^m} (false for the power map)
   */
  record Case(
      String name,
      Transform t,
      Constraint target,
      Shape xEvent,
      double low,
      double high,
      Layout layout,
      Shape yEvent,
      PointGen points,
      boolean unconstrained) {
    @Override
    public String toString() {
      return name;
    }

    /** Unconstrained draws of shape {@code batch + xEvent}. */
    Tensor drawX(SplittableRandom rng, Shape batch) {
      Shape s = batch.concat(xEvent);
      double[] d = new double[s.numel()];
      for (int i = 0; i < d.length; i++) {
        d[i] = rng.nextDouble(low, high);
      }
      return Tensor.of(d, s);
    }

    /** Independent codomain points of shape {@code batch + yEvent}. */
    Tensor drawY(SplittableRandom rng, Shape batch) {
      int per = yEvent.numel();
      double[] d = new double[batch.numel() * per];
      for (int b = 0; b < batch.numel(); b++) {
        System.arraycopy(points.next(rng), 0, d, b * per, per);
      }
      return Tensor.of(d, batch.concat(yEvent));
    }
  }

  static List<Case> all() {
    List<Case> c = new ArrayList<>();
    Shape scalar = Shape.of();
    // scalar constraints through bijectTo
    scalarCase(c, Constraints.real(), rng -> new double[] {rng.nextDouble(-3, 3)});
    scalarCase(c, Constraints.positive(), rng -> new double[] {Math.exp(rng.nextDouble(-2, 2))});
    scalarCase(c, Constraints.nonnegative(), rng -> new double[] {Math.exp(rng.nextDouble(-2, 2))});
    scalarCase(
        c, Constraints.softplusPositive(), rng -> new double[] {Math.exp(rng.nextDouble(-2, 2))});
    scalarCase(
        c, Constraints.greaterThan(1.5), rng -> new double[] {1.5 + Math.exp(rng.nextDouble(-2, 2))});
    scalarCase(
        c, Constraints.greaterThanEq(-1), rng -> new double[] {-1 + Math.exp(rng.nextDouble(-2, 2))});
    scalarCase(
        c, Constraints.lessThan(-0.5), rng -> new double[] {-0.5 - Math.exp(rng.nextDouble(-2, 2))});
    scalarCase(
        c, Constraints.lessThanEq(2), rng -> new double[] {2 - Math.exp(rng.nextDouble(-2, 2))});
    scalarCase(c, Constraints.unitInterval(), rng -> new double[] {rng.nextDouble(0.05, 0.95)});
    scalarCase(c, Constraints.interval(0, 1), rng -> new double[] {rng.nextDouble(0.05, 0.95)});
    scalarCase(
        c, Constraints.interval(-2, 3), rng -> new double[] {-2 + 5 * rng.nextDouble(0.05, 0.95)});
    // vector-valued identities and independent wrappers
    c.add(bijected(Constraints.realVector(), Shape.of(3), Layout.ALL, Shape.of(3),
        rng -> uniforms(rng, 3, -3, 3)));
    c.add(bijected(Constraints.independent(Constraints.real(), 2), Shape.of(2, 2), Layout.ALL,
        Shape.of(2, 2), rng -> uniforms(rng, 4, -3, 3)));
    c.add(bijected(Constraints.independent(Constraints.positive(), 1), Shape.of(3), Layout.ALL,
        Shape.of(3), rng -> exps(rng, 3)));
    c.add(bijected(Constraints.independent(Constraints.interval(0, 2), 2), Shape.of(2, 2),
        Layout.ALL, Shape.of(2, 2), rng -> uniforms(rng, 4, 0.1, 1.9)));
    // event-shaped constraints
    for (int k : new int[] {2, 4}) {
      c.add(bijected(Constraints.simplex(), Shape.of(k - 1), Layout.SIMPLEX, Shape.of(k),
          rng -> simplex(rng, k)));
    }
    for (int n : new int[] {2, 3}) {
      int m = n * (n + 1) / 2;
      c.add(bijected(Constraints.lowerCholesky(), Shape.of(m), Layout.LOWER, Shape.of(n, n),
          rng -> lowerCholesky(rng, n)));
      c.add(bijected(Constraints.positiveDefinite(), Shape.of(m), Layout.SYMMETRIC,
          Shape.of(n, n), rng -> positiveDefinite(rng, n)));
    }
    c.add(bijected(Constraints.scaledUnitLowerCholesky(), Shape.of(6), Layout.LOWER,
        Shape.of(3, 3), rng -> lowerCholesky(rng, 3)));
    c.add(bijected(Constraints.softplusLowerCholesky(), Shape.of(6), Layout.LOWER,
        Shape.of(3, 3), rng -> lowerCholesky(rng, 3)));
    for (int n : new int[] {2, 3, 4}) {
      c.add(bijected(Constraints.corrCholesky(), Shape.of(n * (n - 1) / 2), Layout.CORR,
          Shape.of(n, n), rng -> corrCholesky(rng, n)));
    }
    // standalone transforms
    c.add(standalone("softplus", new SoftplusTransform(), scalar, Layout.ALL, scalar,
        rng -> new double[] {Math.exp(rng.nextDouble(-2, 2))}));
    c.add(new Case("power 2.5", new PowerTransform(2.5), Constraints.positive(), scalar, 0.3, 3,
        Layout.ALL, scalar, rng -> new double[] {Math.exp(rng.nextDouble(-2, 2))}, false));
    c.add(new Case("power -0.5", new PowerTransform(-0.5), Constraints.positive(), scalar, 0.3, 3,
        Layout.ALL, scalar, rng -> new double[] {Math.exp(rng.nextDouble(-2, 2))}, false));
    c.add(standalone("affine", new AffineTransform(Tensor.scalar(1.0), Tensor.scalar(-3.0)),
        scalar, Layout.ALL, scalar, rng -> new double[] {rng.nextDouble(-3, 3)}));
    c.add(standalone("affine on vectors",
        new AffineTransform(Tensor.of(1.0, 0.0, -1.0), Tensor.of(0.5, -2.0, 3.0),
            Constraints.realVector(), Constraints.realVector()),
        Shape.of(3), Layout.ALL, Shape.of(3), rng -> uniforms(rng, 3, -3, 3)));
    c.add(standalone("independent exp", new IndependentTransform(new ExpTransform(), 1),
        Shape.of(3), Layout.ALL, Shape.of(3), rng -> exps(rng, 3)));
    c.add(standalone("identity 1", new IdentityTransform(1), Shape.of(3), Layout.ALL, Shape.of(3),
        rng -> uniforms(rng, 3, -3, 3)));
    c.add(standalone("affine then stick breaking",
        new ComposeTransform(List.of(
            new AffineTransform(Tensor.scalar(0.5), Tensor.scalar(-2.0)),
            new StickBreakingTransform())),
        Shape.of(3), Layout.SIMPLEX, Shape.of(4), rng -> simplex(rng, 4)));
    c.add(standalone("affine then sigmoid",
        new ComposeTransform(List.of(
            new AffineTransform(Tensor.scalar(0.5), Tensor.scalar(2.0)), new SigmoidTransform())),
        scalar, Layout.ALL, scalar, rng -> new double[] {rng.nextDouble(0.05, 0.95)}));
    c.add(standalone("nested compose",
        new ComposeTransform(List.of(
            new ComposeTransform(List.of(new ExpTransform(), new SoftplusTransform())),
            new IndependentTransform(new AffineTransform(Tensor.scalar(-1.0), Tensor.scalar(2.0)),
                1))),
        Shape.of(2), Layout.ALL, Shape.of(2), rng -> {
          // exp maps onto (0, inf), softplus that onto (log 2, inf), the affine map onto
          // (2 log 2 - 1, inf)
          double[] v = exps(rng, 2);
          for (int i = 0; i < v.length; i++) {
            v[i] = -1 + 2 * (Math.log(2) + v[i]);
          }
          return v;
        }));
    return c;
  }

  private static void scalarCase(List<Case> c, Constraint k, PointGen points) {
    c.add(bijected(k, Shape.of(), Layout.ALL, Shape.of(), points));
  }

  private static Case bijected(
      Constraint k, Shape xEvent, Layout layout, Shape yEvent, PointGen points) {
    return new Case(
        "bijectTo(" + k + ") " + yEvent, Transforms.bijectTo(k), k, xEvent, -2, 2, layout, yEvent,
        points, true);
  }

  private static Case standalone(
      String name, Transform t, Shape xEvent, Layout layout, Shape yEvent, PointGen points) {
    return new Case(name, t, t.codomain(), xEvent, -2, 2, layout, yEvent, points, true);
  }

  // ------------------------------------------------------------------ independent points

  static double[] uniforms(SplittableRandom rng, int n, double low, double high) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextDouble(low, high);
    }
    return v;
  }

  static double[] exps(SplittableRandom rng, int n) {
    double[] v = uniforms(rng, n, -2, 2);
    for (int i = 0; i < n; i++) {
      v[i] = Math.exp(v[i]);
    }
    return v;
  }

  /** Normalized standard exponentials: a uniform draw from the simplex, entries not tiny. */
  static double[] simplex(SplittableRandom rng, int k) {
    double[] v = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      v[i] = -Math.log(rng.nextDouble(0.02, 1.0));
      sum += v[i];
    }
    for (int i = 0; i < k; i++) {
      v[i] /= sum;
    }
    return v;
  }

  static double[] lowerCholesky(SplittableRandom rng, int n) {
    double[] l = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        l[i * n + j] = rng.nextDouble(-1, 1);
      }
      l[i * n + i] = Math.exp(rng.nextDouble(-1, 1));
    }
    return l;
  }

  /** {@code B B^T + n I} for a random {@code B} with entries in (-1, 1). */
  static double[] positiveDefinite(SplittableRandom rng, int n) {
    double[] b = uniforms(rng, n * n, -1, 1);
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = i == j ? n : 0;
        for (int k = 0; k < n; k++) {
          s += b[i * n + k] * b[j * n + k];
        }
        a[i * n + j] = s;
      }
    }
    return a;
  }

  /** The Cholesky factor (computed here) of a random correlation matrix. */
  static double[] corrCholesky(SplittableRandom rng, int n) {
    double[] a = positiveDefinite(rng, n);
    double[] c = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        c[i * n + j] = a[i * n + j] / Math.sqrt(a[i * n + i] * a[j * n + j]);
      }
    }
    double[] l = new double[n * n];
    for (int j = 0; j < n; j++) {
      double s = c[j * n + j];
      for (int k = 0; k < j; k++) {
        s -= l[j * n + k] * l[j * n + k];
      }
      l[j * n + j] = Math.sqrt(s);
      for (int i = j + 1; i < n; i++) {
        double t = c[i * n + j];
        for (int k = 0; k < j; k++) {
          t -= l[i * n + k] * l[j * n + k];
        }
        l[i * n + j] = t / l[j * n + j];
      }
    }
    return l;
  }
}
