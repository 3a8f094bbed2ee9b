// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist.transforms;

import java.util.function.UnaryOperator;

/**
 * Central finite-difference Jacobians of maps {@code R^m -> R^m} on plain arrays, their log
 * absolute determinants, and an error bound for that log-determinant derived from the finite
 * differences themselves.
 *
 * <p>Entry error. With step {@code h = eps^(1/3) max(1, |x_k|)}, the central difference of
 * column {@code k} is off by truncation {@code h^2/6 |f'''|} and rounding {@code K eps F / h}
 * ({@code F} the largest {@code |f|}, {@code K = 64} roundings per evaluation, as {@code
 * GradCheck}). Truncation is estimated by Richardson's comparison {@code |D(2h) - D(h)| / 3}; the
 * entry bound {@code e_ij} is the sum of the two.
 *
 * <p>Log-determinant error. To first order {@code log|det(J + E)| - log|det J| = tr(J^-1 E)},
 * which is at most {@code ||J^-1||_F ||E||_F}; the tolerance is {@code 10} (a safety factor for
 * the first-order approximation and the estimates) times {@code ||J^-1||_F ||e||_F}, plus {@code
 * 64 m eps} for the elimination's own rounding. Ill-conditioned Jacobians so get wider
 * tolerances, and well-conditioned ones narrow ones (typically 1e-9).
 */
final class Jacobians {
  private Jacobians() {}

  static final double EPS = Math.ulp(1.0);
  static final double ROUNDING_ULPS = 64;
  static final double SAFETY = 10;

  /** A log-determinant and the tolerance it is known to. */
  record LogDet(double value, double tolerance) {}

  /** The Jacobian of {@code f} at {@code x0} by central differences with step {@code scale * h}. */
  static double[][] jacobian(UnaryOperator<double[]> f, double[] x0, double scale) {
    double[] y0 = f.apply(x0);
    double[][] j = new double[y0.length][x0.length];
    for (int k = 0; k < x0.length; k++) {
      double h = scale * Math.cbrt(EPS) * Math.max(1.0, Math.abs(x0[k]));
      double[] up = x0.clone();
      double[] down = x0.clone();
      up[k] += h;
      down[k] -= h;
      double width = up[k] - down[k]; // the exact distance of the rounded points
      double[] yu = f.apply(up);
      double[] yd = f.apply(down);
      for (int r = 0; r < y0.length; r++) {
        j[r][k] = (yu[r] - yd[r]) / width;
      }
    }
    return j;
  }

  /** {@code log |det J|} of the map {@code f} at {@code x0}, with its derived tolerance. */
  static LogDet logAbsDet(UnaryOperator<double[]> f, double[] x0) {
    double[][] j1 = jacobian(f, x0, 1.0);
    double[][] j2 = jacobian(f, x0, 2.0);
    int m = j1.length;
    if (m != x0.length) {
      throw new AssertionError("the map restricted to its free coordinates must be square, got "
          + m + " x " + x0.length);
    }
    double fmax = 1.0;
    for (double v : f.apply(x0)) {
      fmax = Math.max(fmax, Math.abs(v));
    }
    double errorSq = 0;
    for (int r = 0; r < m; r++) {
      for (int k = 0; k < m; k++) {
        double h = Math.cbrt(EPS) * Math.max(1.0, Math.abs(x0[k]));
        double e = Math.abs(j2[r][k] - j1[r][k]) / 3 + ROUNDING_ULPS * EPS * fmax / h;
        errorSq += e * e;
      }
    }
    double inverseNorm = frobenius(invert(j1));
    double tolerance = SAFETY * inverseNorm * Math.sqrt(errorSq) + ROUNDING_ULPS * m * EPS;
    return new LogDet(logAbsDet(j1), tolerance);
  }

  /** {@code log |det a|} by Gaussian elimination with partial pivoting. */
  static double logAbsDet(double[][] a0) {
    double[][] a = copy(a0);
    int n = a.length;
    double logDet = 0;
    for (int col = 0; col < n; col++) {
      int pivot = pivot(a, col);
      swap(a, col, pivot);
      logDet += Math.log(Math.abs(a[col][col]));
      for (int r = col + 1; r < n; r++) {
        double f = a[r][col] / a[col][col];
        for (int k = col; k < n; k++) {
          a[r][k] -= f * a[col][k];
        }
      }
    }
    return logDet;
  }

  /** The inverse by Gauss-Jordan elimination with partial pivoting. */
  static double[][] invert(double[][] a0) {
    int n = a0.length;
    double[][] a = copy(a0);
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      inv[i][i] = 1;
    }
    for (int col = 0; col < n; col++) {
      int pivot = pivot(a, col);
      swap(a, col, pivot);
      swap(inv, col, pivot);
      double p = a[col][col];
      for (int k = 0; k < n; k++) {
        a[col][k] /= p;
        inv[col][k] /= p;
      }
      for (int r = 0; r < n; r++) {
        if (r != col) {
          double f = a[r][col];
          for (int k = 0; k < n; k++) {
            a[r][k] -= f * a[col][k];
            inv[r][k] -= f * inv[col][k];
          }
        }
      }
    }
    return inv;
  }

  private static int pivot(double[][] a, int col) {
    int pivot = col;
    for (int r = col + 1; r < a.length; r++) {
      if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
        pivot = r;
      }
    }
    return pivot;
  }

  private static void swap(double[][] a, int i, int j) {
    double[] t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  private static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  private static double frobenius(double[][] a) {
    double s = 0;
    for (double[] row : a) {
      for (double v : row) {
        s += v * v;
      }
    }
    return Math.sqrt(s);
  }
}
