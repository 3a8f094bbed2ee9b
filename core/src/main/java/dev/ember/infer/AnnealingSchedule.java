// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import dev.ember.infer.optim.CustomSpec;
import java.io.Serializable;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A KL-annealing weight {@code beta} as a function of the SVI step: the factor applied to the
 * chosen latent sites of model and guide (see {@code Annealing}), never to observations.
 *
 * <pre>{@code
 * AnnealingSchedule warmUp = AnnealingSchedule.linear(0.1, 1.0, 2000);
 * warmUp.beta(0);     // 0.1
 * warmUp.beta(1000);  // 0.55
 * warmUp.beta(5000);  // 1.0
 * AnnealingSchedule cyc = AnnealingSchedule.parse("cyclical:0.0->1.0@500x0.5");
 * cyc.beta(125);      // 0.5   (half-way up the ramp of the first cycle)
 * cyc.beta(400);      // 1.0   (held for the second half of the cycle)
 * cyc.beta(500);      // 0.0   (the next cycle starts again)
 * cyc.toString();     // "cyclical:0.0->1.0@500x0.5"
 * }</pre>
 *
 * <p>The factories return records, so schedules compare by value and serialize; each prints as
 * its {@link #parse} spec, so {@code parse(s.toString())} equals {@code s}. Start and end values
 * must be finite and {@code >= 0}; every built-in schedule stays between them. A lambda {@code
 * step -> ...} is also a schedule (and serializable, since the interface is).
 *
 * <p>References: S. R. Bowman et al., <i>Generating Sentences from a Continuous Space</i>, CoNLL
 * 2016 (KL annealing, sigmoid schedule); H. Fu et al., <i>Cyclical Annealing Schedule: A Simple
 * Approach to Mitigating KL Vanishing</i>, NAACL 2019.
 */
@FunctionalInterface
public interface AnnealingSchedule extends Serializable {

  /** The grammar {@link #parse} accepts, quoted in its errors. */
  String GRAMMAR =
      "constant:<beta> | linear:<start>-><end>@<warmupSteps> | cosine:<start>-><end>@<steps>"
          + " | cyclical:<start>-><end>@<period>x<rampFraction>"
          + " | sigmoid:<start>-><end>@<midpoint>/<steepness>"
          + " (e.g. linear:0.1->1.0@2000, cyclical:0.0->1.0@500x0.5, sigmoid:0.0->1.0@1000/0.01)";

  /**
   * The weight at {@code step}.
   *
   * @param step the number of SVI updates already applied, {@code >= 0}
   * @return a finite {@code beta >= 0}
   */
  double beta(long step);

  /**
   * A stable text of this schedule, which checkpoints record to recognise a run: the built-in
   * schedules give their {@link #parse} spec ({@code linear:0.1->1.0@2000}); any other schedule
   * gives {@link CustomSpec#of} (its class only), so a schedule of one's own should override this
   * with its arguments. Changing the text makes checkpoints that recorded the old one refuse to
   * resume.
   */
  default String spec() {
    return CustomSpec.of(this);
  }

  /** The same {@code beta} at every step; spec {@code constant:<beta>}. */
  static AnnealingSchedule constant(double beta) {
    return new Constant(beta);
  }

  /**
   * Linear from {@code start} at step 0 to {@code end} at {@code warmupSteps}, then {@code end};
   * spec {@code linear:<start>-><end>@<warmupSteps>}.
   */
  static AnnealingSchedule linear(double start, double end, long warmupSteps) {
    return new Linear(start, end, warmupSteps);
  }

  /**
   * A half cosine from {@code start} at step 0 to {@code end} at {@code steps}, then {@code end}:
   * {@code end + (start - end) * (1 + cos(pi * step / steps)) / 2}. Flat at both ends, unlike
   * {@link #linear}. Spec {@code cosine:<start>-><end>@<steps>}.
   */
  static AnnealingSchedule cosine(double start, double end, long steps) {
    return new Cosine(start, end, steps);
  }

  /**
   * Fu et al.'s cyclical schedule: the steps are cut into cycles of {@code period}; within each,
   * {@code beta} ramps linearly from {@code start} to {@code end} over the first {@code
   * rampFraction} of the cycle and then holds {@code end}. With {@code tau = (step mod period) /
   * period}: {@code start + (end - start) * min(1, tau / rampFraction)}. Spec {@code
   * cyclical:<start>-><end>@<period>x<rampFraction>}.
   *
   * @param period the cycle length in steps, {@code > 0}
   * @param rampFraction the part of a cycle spent ramping, in {@code (0, 1]} (the paper's R;
   *     0.5 is its recommendation)
   */
  static AnnealingSchedule cyclical(long period, double rampFraction, double start, double end) {
    return new Cyclical(period, rampFraction, start, end);
  }

  /**
   * A logistic curve from {@code start} to {@code end}, half-way at {@code midpoint}: {@code start
   * + (end - start) / (1 + exp(-steepness * (step - midpoint)))}. It only approaches its ends:
   * at step 0 it is {@code start} plus {@code (end - start) / (1 + exp(steepness * midpoint))}.
   * Spec {@code sigmoid:<start>-><end>@<midpoint>/<steepness>}.
   *
   * @param steepness the slope parameter per step, finite and {@code > 0}
   */
  static AnnealingSchedule sigmoid(double start, double end, long midpoint, double steepness) {
    return new Sigmoid(start, end, midpoint, steepness);
  }

  /**
   * A schedule from its text form, for command lines:
   *
   * <pre>{@code
   * constant:<beta>                                  constant:0.5
   * linear:<start>-><end>@<warmupSteps>              linear:0.1->1.0@2000
   * cosine:<start>-><end>@<steps>                    cosine:0.0->1.0@1000
   * cyclical:<start>-><end>@<period>x<rampFraction>  cyclical:0.0->1.0@500x0.5
   * sigmoid:<start>-><end>@<midpoint>/<steepness>    sigmoid:0.0->1.0@1000/0.01
   * }</pre>
   *
   * <p>Numbers are decimals with an optional exponent ({@code 1e-3}, {@code 1.0E-4}); step counts
   * are non-negative integers; surrounding blanks are ignored.
   *
   * @throws IllegalArgumentException quoting the spec and the grammar, if the spec does not
   *     match it or its values are out of range
   */
  static AnnealingSchedule parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    String s = spec.strip();
    try {
      Matcher m;
      if ((m = Pattern.compile("constant:" + number()).matcher(s)).matches()) {
        return constant(num(m, 1));
      }
      if ((m = ramp("linear", "").matcher(s)).matches()) {
        return linear(num(m, 1), num(m, 2), Long.parseLong(m.group(3)));
      }
      if ((m = ramp("cosine", "").matcher(s)).matches()) {
        return cosine(num(m, 1), num(m, 2), Long.parseLong(m.group(3)));
      }
      if ((m = ramp("cyclical", "x" + number()).matcher(s)).matches()) {
        return cyclical(Long.parseLong(m.group(3)), num(m, 4), num(m, 1), num(m, 2));
      }
      if ((m = ramp("sigmoid", "/" + number()).matcher(s)).matches()) {
        return sigmoid(num(m, 1), num(m, 2), Long.parseLong(m.group(3)), num(m, 4));
      }
    } catch (IllegalArgumentException e) { // also NumberFormatException: a step count overflows
      throw new IllegalArgumentException(
          "Invalid annealing schedule '" + spec + "': " + e.getMessage() + ". Accepted: "
              + GRAMMAR, e);
    }
    throw new IllegalArgumentException(
        "Invalid annealing schedule '" + spec + "'. Accepted: " + GRAMMAR);
  }

  /**
   * A constant weight; see {@link #constant}.
   *
   * @param beta the weight, finite and {@code >= 0}
   */
  record Constant(double beta) implements AnnealingSchedule {
    private static final long serialVersionUID = 1L;

    /** Validates. */
    public Constant {
      checkWeight("constant", "beta", beta);
    }

    @Override
    public double beta(long step) {
      checkStep(step);
      return beta;
    }

    @Override
    public String spec() {
      return toString();
    }

    @Override
    public String toString() {
      return "constant:" + beta;
    }
  }

  /**
   * A linear warm-up; see {@link #linear}.
   *
   * @param start the weight at step 0, finite and {@code >= 0}
   * @param end the weight from {@code warmupSteps} on, finite and {@code >= 0}
   * @param warmupSteps the length of the ramp, {@code > 0}
   */
  record Linear(double start, double end, long warmupSteps) implements AnnealingSchedule {
    private static final long serialVersionUID = 1L;

    /** Validates. */
    public Linear {
      checkWeight("linear", "start", start);
      checkWeight("linear", "end", end);
      checkPositive("linear", "warmupSteps", warmupSteps);
    }

    @Override
    public double beta(long step) {
      checkStep(step);
      return step >= warmupSteps ? end : start + (end - start) * ((double) step / warmupSteps);
    }

    @Override
    public String spec() {
      return toString();
    }

    @Override
    public String toString() {
      return "linear:" + start + "->" + end + "@" + warmupSteps;
    }
  }

  /**
   * A half-cosine ramp; see {@link #cosine}.
   *
   * @param start the weight at step 0, finite and {@code >= 0}
   * @param end the weight from {@code steps} on, finite and {@code >= 0}
   * @param steps the length of the ramp, {@code > 0}
   */
  record Cosine(double start, double end, long steps) implements AnnealingSchedule {
    private static final long serialVersionUID = 1L;

    /** Validates. */
    public Cosine {
      checkWeight("cosine", "start", start);
      checkWeight("cosine", "end", end);
      checkPositive("cosine", "steps", steps);
    }

    @Override
    public double beta(long step) {
      checkStep(step);
      if (step >= steps) {
        return end;
      }
      return end + (start - end) * 0.5 * (1 + Math.cos(Math.PI * ((double) step / steps)));
    }

    @Override
    public String spec() {
      return toString();
    }

    @Override
    public String toString() {
      return "cosine:" + start + "->" + end + "@" + steps;
    }
  }

  /**
   * Cyclical annealing; see {@link #cyclical}.
   *
   * @param period the cycle length in steps, {@code > 0}
   * @param rampFraction the part of each cycle spent ramping, in {@code (0, 1]}
   * @param start the weight at the start of each cycle, finite and {@code >= 0}
   * @param end the weight held after the ramp, finite and {@code >= 0}
   */
  record Cyclical(long period, double rampFraction, double start, double end)
      implements AnnealingSchedule {
    private static final long serialVersionUID = 1L;

    /** Validates. */
    public Cyclical {
      checkPositive("cyclical", "period", period);
      if (!(rampFraction > 0 && rampFraction <= 1)) {
        throw new IllegalArgumentException(
            "AnnealingSchedule.cyclical: rampFraction must be in (0, 1], got " + rampFraction);
      }
      checkWeight("cyclical", "start", start);
      checkWeight("cyclical", "end", end);
    }

    @Override
    public double beta(long step) {
      checkStep(step);
      double tau = (double) (step % period) / period; // position in the cycle, [0, 1)
      return start + (end - start) * Math.min(1.0, tau / rampFraction);
    }

    @Override
    public String spec() {
      return toString();
    }

    @Override
    public String toString() {
      return "cyclical:" + start + "->" + end + "@" + period + "x" + rampFraction;
    }
  }

  /**
   * A logistic ramp; see {@link #sigmoid}.
   *
   * @param start the weight approached before {@code midpoint}, finite and {@code >= 0}
   * @param end the weight approached after {@code midpoint}, finite and {@code >= 0}
   * @param midpoint the step at which the weight is half-way, {@code >= 0}
   * @param steepness the slope parameter per step, finite and {@code > 0}
   */
  record Sigmoid(double start, double end, long midpoint, double steepness)
      implements AnnealingSchedule {
    private static final long serialVersionUID = 1L;

    /** Validates. */
    public Sigmoid {
      checkWeight("sigmoid", "start", start);
      checkWeight("sigmoid", "end", end);
      if (midpoint < 0) {
        throw new IllegalArgumentException(
            "AnnealingSchedule.sigmoid: midpoint must be >= 0, got " + midpoint);
      }
      if (!(steepness > 0) || Double.isInfinite(steepness)) {
        throw new IllegalArgumentException(
            "AnnealingSchedule.sigmoid: steepness must be finite and > 0, got " + steepness);
      }
    }

    @Override
    public double beta(long step) {
      checkStep(step);
      // exp overflows to +inf far before the midpoint, which gives exactly start: no NaN.
      double logistic = 1 / (1 + Math.exp(-steepness * ((double) step - midpoint)));
      return start + (end - start) * logistic;
    }

    @Override
    public String spec() {
      return toString();
    }

    @Override
    public String toString() {
      return "sigmoid:" + start + "->" + end + "@" + midpoint + "/" + steepness;
    }
  }

  // ------------------------------------------------------------------ parsing and checks

  /** A decimal with an optional exponent, as one regex group. */
  private static String number() {
    return "([+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)";
  }

  /** {@code <kind>:<start>-><end>@<steps>} followed by {@code tail}. */
  private static Pattern ramp(String kind, String tail) {
    return Pattern.compile(kind + ":" + number() + "->" + number() + "@(\\d+)" + tail);
  }

  private static double num(Matcher m, int group) {
    return Double.parseDouble(m.group(group));
  }

  private static void checkWeight(String factory, String arg, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(
          "AnnealingSchedule." + factory + ": " + arg + " must be finite and >= 0, got " + v);
    }
  }

  private static void checkPositive(String factory, String arg, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(
          "AnnealingSchedule." + factory + ": " + arg + " must be > 0, got " + v);
    }
  }

  private static void checkStep(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("AnnealingSchedule: step must be >= 0, got " + step);
    }
  }
}
