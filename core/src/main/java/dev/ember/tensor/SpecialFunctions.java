// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import dev.ember.autodiff.Autodiff;
import org.apache.commons.numbers.gamma.Digamma;
import org.apache.commons.numbers.gamma.Erf;
import org.apache.commons.numbers.gamma.InverseErf;
import org.apache.commons.numbers.gamma.LogGamma;
import org.apache.commons.numbers.gamma.Trigamma;

/**
 * Special functions from Apache Commons Numbers, elementwise, with their derivatives:
 * {@code (log Γ)' = ψ}, {@code ψ' = ψ₁} (trigamma), {@code erf'(x) = 2/√π e^(-x²)} and
 * {@code erfinv'(y) = √π/2 e^(erfinv(y)²)}.
 */
final class SpecialFunctions {
  private SpecialFunctions() {}

  private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
  private static final double SQRT_PI_OVER_TWO = Math.sqrt(Math.PI) / 2.0;

  static Tensor logGamma(Tensor a) {
    double[] x = a.readDense();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = LogGamma.value(x[i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null
        ? out
        : Autodiff.op(out, "logGamma", (g, grads) -> grads.addProduct(0, g, a.digamma()), a);
  }

  static Tensor digamma(Tensor a) {
    double[] x = a.readDense();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Digamma.value(x[i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null
        ? out
        : Autodiff.op(out, "digamma", (g, grads) -> grads.addProduct(0, g, a.trigamma()), a);
  }

  static Tensor trigamma(Tensor a) {
    double[] x = a.readDense();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Trigamma.value(x[i]);
    }
    Tensor out = new Tensor(r, a.shape);
    if (a.node() == null) {
      return out;
    }
    return Autodiff.op(
        out,
        "trigamma",
        (g, grads) -> {
          throw new UnsupportedOperationException(
              "trigamma: its derivative (polygamma of order 2) is not implemented; "
                  + "third derivatives of logGamma are not available");
        },
        a);
  }

  static Tensor erf(Tensor a) {
    double[] x = a.readDense();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = Erf.value(x[i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null
        ? out
        : Autodiff.op(
            out, "erf",
            (g, grads) -> grads.addProduct(0, g, a.square().neg().exp().mul(TWO_OVER_SQRT_PI)),
            a);
  }

  static Tensor erfinv(Tensor a) {
    double[] x = a.readDense();
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = InverseErf.value(x[i]);
    }
    Tensor out = new Tensor(r, a.shape);
    return a.node() == null
        ? out
        : Autodiff.op(
            out, "erfinv",
            (g, grads) -> grads.addProduct(0, g,
                grads.output().square().exp().mul(SQRT_PI_OVER_TWO)),
            a);
  }
}
