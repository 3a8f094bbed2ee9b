// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import dev.ember.autodiff.Autodiff;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * Batched dense linear algebra: matmul, Cholesky, triangular solve, diagonals and triangles.
 *
 * <p>Small problems run as plain loops (no call overhead); large ones go to netlib BLAS/LAPACK
 * (the library Spark and breeze use), which is several times faster from about 64x64 on.
 * Row-major data seen by the column-major BLAS is the transpose, which the calls account for.
 *
 * <p>References: Murray, "Differentiation of the Cholesky decomposition" (2016), for the
 * Cholesky backward rule; Giles, "Collected matrix derivative results for forward and reverse mode
 * algorithmic differentiation" (2008), for matmul and triangular solve.
 */
final class LinearAlgebra {
  private LinearAlgebra() {}

  /** Multiply-adds above which matmul calls BLAS dgemm. */
  static final long BLAS_MATMUL_FLOPS = 64L * 64 * 64;

  /** Matrix order from which Cholesky and triangular solves call LAPACK/BLAS. */
  static final int BLAS_ORDER = 96;

  private static final class Netlib {
    static final BLAS BLAS_INSTANCE = BLAS.getInstance();
    static final LAPACK LAPACK_INSTANCE = LAPACK.getInstance();
  }

  // ------------------------------------------------------------------ matmul

  static Tensor matmul(Tensor a, Tensor b) {
    if (a.rank() == 0 || b.rank() == 0) {
      throw new IllegalArgumentException(
          "matmul: operands must have rank >= 1, got " + a.shape + " and " + b.shape
              + "; use mul for scalars");
    }
    // checked before 1-D operands are promoted, so that the message shows the caller's shapes
    int ka = a.dim(-1);
    int kb = b.rank() == 1 ? b.dim(0) : b.dim(-2);
    if (ka != kb) {
      throw new IllegalArgumentException(
          "matmul: inner dimensions differ: " + a.shape + " @ " + b.shape + " (" + ka + " vs "
              + kb + ")");
    }
    if (a.rank() == 1 && b.rank() == 1) {
      return matmul(a.unsqueeze(0), b.unsqueeze(-1)).reshape(); // [1, 1] -> []
    }
    if (a.rank() == 1) {
      return matmul(a.unsqueeze(0), b).squeeze(-2);
    }
    if (b.rank() == 1) {
      return matmul(a, b.unsqueeze(-1)).squeeze(-1);
    }
    int n = a.dim(-2);
    int k = a.dim(-1);
    int m = b.dim(-1);
    Shape batch = batchAxes(a, b, "matmul");
    Tensor ab = a.broadcastTo(batch.concat(Shape.of(n, k)));
    Tensor bb = b.broadcastTo(batch.concat(Shape.of(k, m)));
    return matmulSameBatch(ab, bb, batch, n, k, m);
  }

  /** The broadcast of two matrix operands' batch axes (all but the last two). */
  private static Shape batchAxes(Tensor a, Tensor b, String op) {
    Shape ba = a.shape.sub(0, a.rank() - 2);
    Shape bb = b.shape.sub(0, b.rank() - 2);
    Shape s = Shape.broadcastOrNull(ba, bb);
    if (s == null) {
      throw new IllegalArgumentException(
          op + ": cannot broadcast the batch axes " + ba + " of " + a.shape + " with " + bb
              + " of " + b.shape);
    }
    return s;
  }

  private static Tensor matmulSameBatch(Tensor a, Tensor b, Shape batch, int n, int k, int m) {
    int count = batch.numel();
    double[] r = new double[count * n * m];
    boolean blas = (long) n * k * m >= BLAS_MATMUL_FLOPS;
    double[] ad = a.readDense();
    double[] bd = b.readDense();
    for (int p = 0; p < count; p++) {
      if (blas) {
        // row-major C = A B is column-major C^T = B^T A^T
        Netlib.BLAS_INSTANCE.dgemm(
            "N", "N", m, n, k, 1.0, bd, p * k * m, m, ad, p * n * k, k, 0.0, r,
            p * n * m, m);
      } else {
        multiply(ad, p * n * k, bd, p * k * m, r, p * n * m, n, k, m);
      }
    }
    Tensor out = new Tensor(r, batch.concat(Shape.of(n, m)));
    if (a.node() == null && b.node() == null) {
      return out;
    }
    // dA = G B^T, dB = A^T G
    return Autodiff.op(
        out,
        "matmul",
        (g, grads) -> {
          if (grads.wants(0)) {
            grads.add(0, g.matmul(b.transpose()));
          }
          if (grads.wants(1)) {
            grads.add(1, a.transpose().matmul(g));
          }
        },
        a,
        b);
  }

  /**
   * {@code r[n, m] = a[n, k] b[k, m]}, i-k-j order so the inner loop is contiguous. Zeros of
   * {@code a} are not skipped: {@code 0 * inf} must give NaN here as it does in BLAS, or a
   * non-finite input would vanish from small products only.
   */
  private static void multiply(
      double[] a, int ao, double[] b, int bo, double[] r, int ro, int n, int k, int m) {
    for (int i = 0; i < n; i++) {
      int ri = ro + i * m;
      for (int t = 0; t < k; t++) {
        double av = a[ao + i * k + t];
        int bt = bo + t * m;
        for (int j = 0; j < m; j++) {
          r[ri + j] += av * b[bt + j];
        }
      }
    }
  }

  // ------------------------------------------------------------------ Cholesky

  private static int requireSquare(Tensor a, String op) {
    if (a.rank() < 2 || a.dim(-1) != a.dim(-2)) {
      throw new IllegalArgumentException(
          op + ": needs square matrices [..., n, n], but got shape " + a.shape);
    }
    return a.dim(-1);
  }

  static Tensor cholesky(Tensor a) {
    int n = requireSquare(a, "cholesky");
    double[] ad = a.readDense();
    int count = ad.length / Math.max(1, n * n);
    double[] r = new double[ad.length];
    for (int p = 0; p < count; p++) {
      int off = p * n * n;
      int bad = n >= BLAS_ORDER ? choleskyLapack(ad, r, off, n) : choleskyLoop(ad, r, off, n);
      if (bad >= 0) {
        throw new IllegalArgumentException(
            "cholesky: matrix " + p + " of " + a.shape + " is not positive definite (leading "
                + "minor of order " + (bad + 1) + " is not positive); check that it is "
                + "symmetric positive definite, or add jitter to its diagonal");
      }
    }
    Tensor out = new Tensor(r, a.shape);
    if (a.node() == null) {
      return out;
    }
    // Murray (2016): with P = Phi(L^T G) symmetrized, dA = L^-T P L^-1
    return Autodiff.op(
        out,
        "cholesky",
        (g, grads) -> {
          Tensor lt = grads.output().transpose();
          Tensor p = lt.matmul(g).tril(0);
          p = p.add(p.tril(-1).transpose()).mul(0.5);
          Tensor x = lt.triangularSolve(p, false); // L^-T P
          grads.add(0, lt.triangularSolve(x.transpose(), false).transpose()); // (L^-T (L^-T P)^T)^T
        },
        a);
  }

  /** Returns -1 on success, else the failing column. Reads only the lower triangle. */
  private static int choleskyLoop(double[] a, double[] l, int off, int n) {
    for (int j = 0; j < n; j++) {
      double s = a[off + j * n + j];
      for (int k = 0; k < j; k++) {
        double v = l[off + j * n + k];
        s -= v * v;
      }
      if (!(s > 0)) {
        return j;
      }
      double d = Math.sqrt(s);
      l[off + j * n + j] = d;
      for (int i = j + 1; i < n; i++) {
        double t = a[off + i * n + j];
        for (int k = 0; k < j; k++) {
          t -= l[off + i * n + k] * l[off + j * n + k];
        }
        l[off + i * n + j] = t / d;
      }
    }
    return -1;
  }

  private static int choleskyLapack(double[] a, double[] l, int off, int n) {
    // row-major lower triangle = column-major upper triangle; dpotrf("U") gives U with A = U^T U,
    // whose row-major reading is the lower factor L
    System.arraycopy(a, off, l, off, n * n);
    intW info = new intW(0);
    Netlib.LAPACK_INSTANCE.dpotrf("U", n, l, off, n, info);
    if (info.val != 0) {
      return info.val > 0 ? info.val - 1 : 0;
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        l[off + i * n + j] = 0.0;
      }
    }
    return -1;
  }

  // ------------------------------------------------------------------ triangular solve

  static Tensor triangularSolve(Tensor a, Tensor b, boolean lower) {
    int n = requireSquare(a, "triangularSolve");
    if (b.rank() < 2 || b.dim(-2) != n) {
      throw new IllegalArgumentException(
          "triangularSolve: b must be [..., " + n + ", m] for A of shape " + a.shape
              + ", but got " + b.shape + "; for a vector right-hand side use b.unsqueeze(-1)");
    }
    int m = b.dim(-1);
    Shape batch = batchAxes(a, b, "triangularSolve");
    Tensor ab = a.broadcastTo(batch.concat(Shape.of(n, n)));
    Tensor bb = b.broadcastTo(batch.concat(Shape.of(n, m)));
    int count = batch.numel();
    double[] x = bb.toArray();
    double[] ad = ab.readDense();
    for (int p = 0; p < count; p++) {
      if (n >= BLAS_ORDER) {
        // row-major A X = B is column-major X^T A^T = B^T; A^T has the other triangle
        Netlib.BLAS_INSTANCE.dtrsm(
            "R", lower ? "U" : "L", "N", "N", m, n, 1.0, ad, p * n * n, n, x, p * n * m, m);
      } else {
        solveLoop(ad, p * n * n, x, p * n * m, n, m, lower);
      }
    }
    Tensor out = new Tensor(x, batch.concat(Shape.of(n, m)));
    if (ab.node() == null && bb.node() == null) {
      return out;
    }
    // dB = A^-T G; dA = -dB X^T restricted to A's triangle
    return Autodiff.op(
        out,
        "triangularSolve",
        (g, grads) -> {
          Tensor gb = ab.transpose().triangularSolve(g, !lower);
          grads.add(1, gb);
          if (grads.wants(0)) {
            Tensor ga = gb.matmul(grads.output().transpose()).neg();
            grads.add(0, lower ? ga.tril(0) : ga.triu(0));
          }
        },
        ab,
        bb);
  }

  private static void solveLoop(
      double[] a, int ao, double[] x, int xo, int n, int m, boolean lower) {
    for (int c = 0; c < m; c++) {
      if (lower) {
        for (int i = 0; i < n; i++) {
          double s = x[xo + i * m + c];
          for (int k = 0; k < i; k++) {
            s -= a[ao + i * n + k] * x[xo + k * m + c];
          }
          x[xo + i * m + c] = s / a[ao + i * n + i];
        }
      } else {
        for (int i = n - 1; i >= 0; i--) {
          double s = x[xo + i * m + c];
          for (int k = i + 1; k < n; k++) {
            s -= a[ao + i * n + k] * x[xo + k * m + c];
          }
          x[xo + i * m + c] = s / a[ao + i * n + i];
        }
      }
    }
  }

  // ------------------------------------------------------------------ diagonals, triangles

  /** Gather arguments selecting the diagonal of the last two axes. */
  private static int[][] diagonalView(Shape s) {
    int r = s.rank();
    int[] st = Strided.rowMajor(s.dims);
    int len = Math.min(s.dims[r - 2], s.dims[r - 1]);
    int[] shape = new int[r - 1];
    int[] strides = new int[r - 1];
    for (int i = 0; i < r - 2; i++) {
      shape[i] = s.dims[i];
      strides[i] = st[i];
    }
    shape[r - 2] = len;
    strides[r - 2] = st[r - 2] + 1;
    return new int[][] {strides, shape};
  }

  static Tensor diagonal(Tensor a) {
    if (a.rank() < 2) {
      throw new IllegalArgumentException("diagonal: needs rank >= 2, but shape is " + a.shape);
    }
    int r = a.rank();
    int len = Math.min(a.shape.dims[r - 2], a.shape.dims[r - 1]);
    int[] shape = java.util.Arrays.copyOf(a.shape.dims, r - 1);
    shape[r - 2] = len;
    // a view: the last axis steps one row and one column at a time
    return ShapeOps.view(a, "diagonal", shape, (base, st) -> {
      int[] p = new int[r];
      p[0] = base;
      System.arraycopy(st, 0, p, 1, r - 2);
      p[r - 1] = st[r - 2] + st[r - 1];
      return p;
    });
  }

  static Tensor diagEmbed(Tensor a) {
    if (a.rank() < 1) {
      throw new IllegalArgumentException("diagEmbed: needs rank >= 1, but shape is " + a.shape);
    }
    int n = a.dim(-1);
    Shape target = a.shape.concat(Shape.of(n));
    int[][] v = diagonalView(target);
    return Gathers.scatter(a, 0, v[0], target);
  }

  /**
   * Keeps diagonal {@code k} and below ({@code lower}) or above, zeroing the rest. The entries are
   * copied, not multiplied by a 0/1 mask, so an infinite entry outside the triangle becomes 0
   * rather than NaN; the backward rule is the same selection of the gradient.
   */
  static Tensor triangle(Tensor a, int k, boolean lower) {
    String name = lower ? "tril" : "triu";
    if (a.rank() < 2) {
      throw new IllegalArgumentException(name + ": needs rank >= 2, but shape is " + a.shape);
    }
    int n = a.dim(-2);
    int m = a.dim(-1);
    double[] x = a.readDense();
    double[] r = new double[x.length];
    for (int off = 0; off < r.length; off += n * m) {
      for (int i = 0; i < n; i++) {
        // row i keeps columns [0, i + k] (lower) or [i + k, m) (upper), clipped to [0, m]
        int from = lower ? 0 : (int) Math.max(0, Math.min(m, (long) i + k));
        int to = lower ? (int) Math.max(0, Math.min(m, (long) i + k + 1)) : m;
        System.arraycopy(x, off + i * m + from, r, off + i * m + from, to - from);
      }
    }
    Tensor out = new Tensor(r, a.shape, a.dtype);
    return a.node() == null ? out
        : Autodiff.op(out, name, (g, grads) -> grads.add(0, triangle(g, k, lower)), a);
  }
}
