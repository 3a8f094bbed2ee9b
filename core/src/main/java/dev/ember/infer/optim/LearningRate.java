// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A learning rate as a function of the optimizer's step count, with optax's schedules as
 * factories. The optimizer evaluates it at {@link OptimizerState#step()} before counting the
 * step, so the first update uses {@code at(0)}.
 *
 * <pre>{@code
 * LearningRate lr = LearningRate.warmup(100, LearningRate.cosineDecay(0.01, 10_000, 0.1));
 * lr.at(0);       // 0.0    (linear warm-up from 0 ...)
 * lr.at(50);      // 0.005
 * lr.at(100);     // 0.01   (... to the start of the cosine decay, then 10 000 steps of it)
 * lr.at(10_100);  // 0.001  (alpha * 0.01 from then on)
 * Optimizer adam = Adam.of(lr);
 * LearningRate custom = step -> 0.1 / Math.sqrt(1 + step); // any serializable lambda will do
 * }</pre>
 *
 * <p>The factories return records, so schedules compare by value, serialize, and print as the
 * call that made them ({@code cosineDecay(0.01, 10000, 0.1)}). Their arguments are validated:
 * learning rates must be finite and {@code > 0}, step counts {@code > 0}. A schedule may return
 * 0 (the first step of a warm-up, the end of a cosine decay with {@code alpha = 0}); the
 * optimizers reject a negative or non-finite value when they meet it.
 *
 * <p>References: I. Loshchilov and F. Hutter, <i>SGDR: Stochastic Gradient Descent with Warm
 * Restarts</i>, ICLR 2017 (cosine decay); P. Goyal et al., <i>Accurate, Large Minibatch SGD:
 * Training ImageNet in 1 Hour</i>, 2017 (linear warm-up).
 */
@FunctionalInterface
public interface LearningRate extends Serializable {

  /**
   * The learning rate for the update that starts at {@code step}.
   *
   * @param step the number of updates already applied, {@code >= 0}
   */
  double at(long step);

  /**
   * A stable text of this schedule with all its arguments, which checkpoints record to recognise
   * a run: the factories' schedules print as the call that made them ({@code
   * cosineDecay(0.01, 10000, 0.1)}); any other schedule as {@link CustomSpec#of} (its class
   * only), so a schedule of one's own should override this with its arguments. Changing the text
   * of a schedule makes checkpoints that recorded the old text refuse to resume.
   */
  default String spec() {
    return CustomSpec.of(this);
  }

  /** The same rate at every step. */
  static LearningRate constant(double value) {
    return new Constant(value);
  }

  /**
   * optax's {@code exponential_decay}: {@code initial * decayRate^(step / decaySteps)}, with the
   * exponent rounded down when {@code staircase} (the rate then drops every {@code decaySteps}).
   */
  static LearningRate exponentialDecay(
      double initial, double decayRate, long decaySteps, boolean staircase) {
    return new ExponentialDecay(initial, decayRate, decaySteps, staircase);
  }

  /**
   * A step schedule, JAX's {@code piecewise_constant}: {@code values[k]} where {@code k} is the
   * number of boundaries strictly below {@code step}. With boundaries {@code [100, 1000]} and
   * values {@code [0.1, 0.01, 0.001]}, steps 0..100 use 0.1, steps 101..1000 use 0.01, and later
   * steps 0.001.
   *
   * @param boundaries strictly increasing step numbers, {@code >= 0}
   * @param values one more than the boundaries, each finite and {@code > 0}
   */
  static LearningRate piecewiseConstant(long[] boundaries, double[] values) {
    return new PiecewiseConstant(boundaries, values);
  }

  /**
   * optax's {@code cosine_decay_schedule}: from {@code initial} at step 0 down a half cosine to
   * {@code alpha * initial} at {@code decaySteps}, then constant.
   *
   * @param alpha the final rate as a fraction of the initial one, in {@code [0, 1]}
   */
  static LearningRate cosineDecay(double initial, long decaySteps, double alpha) {
    return new CosineDecay(initial, decaySteps, alpha);
  }

  /**
   * A linear warm-up before another schedule, as optax builds it ({@code
   * join_schedules([linear_schedule(0, peak, warmupSteps), after], [warmupSteps])}): {@code
   * after.at(0) * step / warmupSteps} for {@code step < warmupSteps}, then {@code
   * after.at(step - warmupSteps)}. The schedule after the warm-up is shifted, not cut: it starts
   * at its own step 0, so the rate is continuous and {@code after} runs in full. The very first
   * update (step 0) has rate 0 and leaves the parameters unchanged, also as in optax.
   */
  static LearningRate warmup(long warmupSteps, LearningRate after) {
    return new Warmup(warmupSteps, after);
  }

  /**
   * A constant rate; see {@link #constant}.
   *
   * @param value the rate, finite and {@code > 0}
   */
  record Constant(double value) implements LearningRate {
    private static final long serialVersionUID = 1L;

    /** Validates. */
    public Constant {
      Checks.positive("LearningRate.constant", "value", value);
    }

    @Override
    public double at(long step) {
      Checks.step("LearningRate.constant", step);
      return value;
    }

    @Override
    public String spec() {
      return "constant(" + value + ")";
    }

    @Override
    public String toString() {
      return spec();
    }
  }

  /**
   * An exponential decay; see {@link #exponentialDecay}.
   *
   * @param initial the rate at step 0, finite and {@code > 0}
   * @param decayRate the factor per {@code decaySteps} steps, finite and {@code > 0}
   * @param decaySteps the steps over which the rate is multiplied by {@code decayRate}, {@code > 0}
   * @param staircase whether the exponent is rounded down to an integer
   */
  record ExponentialDecay(double initial, double decayRate, long decaySteps, boolean staircase)
      implements LearningRate {
    private static final long serialVersionUID = 1L;

    /** Validates. */
    public ExponentialDecay {
      Checks.positive("LearningRate.exponentialDecay", "initial", initial);
      Checks.positive("LearningRate.exponentialDecay", "decayRate", decayRate);
      Checks.positive("LearningRate.exponentialDecay", "decaySteps", decaySteps);
    }

    @Override
    public double at(long step) {
      Checks.step("LearningRate.exponentialDecay", step);
      // The staircase exponent is an integer division, exact for any step.
      double exponent = staircase ? (double) (step / decaySteps) : (double) step / decaySteps;
      return initial * Math.pow(decayRate, exponent);
    }

    @Override
    public String spec() {
      return "exponentialDecay(" + initial + ", " + decayRate + ", " + decaySteps + ", "
          + staircase + ")";
    }

    @Override
    public String toString() {
      return spec();
    }
  }

  /**
   * A step schedule; see {@link #piecewiseConstant}. The arrays are copied in and out.
   *
   * @param boundaries strictly increasing step numbers, {@code >= 0}
   * @param values the rates, one more than the boundaries, each finite and {@code > 0}
   */
  record PiecewiseConstant(long[] boundaries, double[] values) implements LearningRate {
    private static final long serialVersionUID = 1L;

    /** Validates and copies. */
    public PiecewiseConstant {
      String owner = "LearningRate.piecewiseConstant";
      Objects.requireNonNull(boundaries, "boundaries");
      Objects.requireNonNull(values, "values");
      if (values.length != boundaries.length + 1) {
        throw new IllegalArgumentException(
            owner + ": values must have one more element than boundaries, but got "
                + boundaries.length + " boundaries and " + values.length + " values");
      }
      for (int i = 0; i < boundaries.length; i++) {
        if (boundaries[i] < 0 || (i > 0 && boundaries[i] <= boundaries[i - 1])) {
          throw new IllegalArgumentException(
              owner + ": boundaries must be >= 0 and strictly increasing, got "
                  + Arrays.toString(boundaries));
        }
      }
      for (int i = 0; i < values.length; i++) {
        Checks.positive(owner, "values[" + i + "]", values[i]);
      }
      boundaries = boundaries.clone();
      values = values.clone();
    }

    @Override
    public long[] boundaries() {
      return boundaries.clone();
    }

    @Override
    public double[] values() {
      return values.clone();
    }

    @Override
    public double at(long step) {
      Checks.step("LearningRate.piecewiseConstant", step);
      int k = 0;
      while (k < boundaries.length && step > boundaries[k]) {
        k++;
      }
      return values[k];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PiecewiseConstant p
          && Arrays.equals(boundaries, p.boundaries)
          && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(boundaries) + Arrays.hashCode(values);
    }

    @Override
    public String spec() {
      return "piecewiseConstant(" + Arrays.toString(boundaries) + ", " + Arrays.toString(values)
          + ")";
    }

    @Override
    public String toString() {
      return spec();
    }
  }

  /**
   * A cosine decay; see {@link #cosineDecay}.
   *
   * @param initial the rate at step 0, finite and {@code > 0}
   * @param decaySteps the length of the decay, {@code > 0}
   * @param alpha the final rate as a fraction of {@code initial}, in {@code [0, 1]}
   */
  record CosineDecay(double initial, long decaySteps, double alpha) implements LearningRate {
    private static final long serialVersionUID = 1L;

    /** Validates. */
    public CosineDecay {
      Checks.positive("LearningRate.cosineDecay", "initial", initial);
      Checks.positive("LearningRate.cosineDecay", "decaySteps", decaySteps);
      Checks.fraction("LearningRate.cosineDecay", "alpha", alpha);
    }

    @Override
    public double at(long step) {
      Checks.step("LearningRate.cosineDecay", step);
      double progress = (double) Math.min(step, decaySteps) / decaySteps;
      double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
      return initial * ((1 - alpha) * cosine + alpha);
    }

    @Override
    public String spec() {
      return "cosineDecay(" + initial + ", " + decaySteps + ", " + alpha + ")";
    }

    @Override
    public String toString() {
      return spec();
    }
  }

  /**
   * A linear warm-up; see {@link #warmup}.
   *
   * @param warmupSteps the length of the warm-up, {@code > 0}
   * @param after the schedule that follows, started at its own step 0
   */
  record Warmup(long warmupSteps, LearningRate after) implements LearningRate {
    private static final long serialVersionUID = 1L;

    /** Validates. */
    public Warmup {
      Checks.positive("LearningRate.warmup", "warmupSteps", warmupSteps);
      Objects.requireNonNull(after, "LearningRate.warmup: after");
    }

    @Override
    public double at(long step) {
      Checks.step("LearningRate.warmup", step);
      return step < warmupSteps
          ? after.at(0) * ((double) step / warmupSteps)
          : after.at(step - warmupSteps);
    }

    @Override
    public String spec() {
      return "warmup(" + warmupSteps + ", " + after.spec() + ")";
    }

    @Override
    public String toString() {
      return spec();
    }
  }
}
