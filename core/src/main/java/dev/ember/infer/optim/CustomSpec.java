// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

/**
 * The stable text of an object that has no spec of its own (a lambda, a user's class): its
 * class's name, which reads the same in every JVM that runs the same code. A lambda's class name
 * ends in a suffix the JVM makes up at run time ({@code Outer$$Lambda$41/0x00000008000c1234});
 * it is cut off, leaving the class the lambda was written in.
 *
 * <pre>{@code
 * LearningRate custom = step -> 0.1 / Math.sqrt(1 + step);
 * CustomSpec.of(custom);             // "custom(lambda in com.example.Fit)"
 * CustomSpec.className(Adam.class);  // "dev.ember.infer.optim.Adam"
 * }</pre>
 *
 * <p>A checkpoint records such a text to recognise the run that wrote it. It names the class
 * only, not the values inside: two lambdas written in one class, or one class with other fields,
 * read the same. That is why the built-in schedules and optimizers override {@code spec()} with
 * every hyper-parameter, and why a user's implementation should too.
 */
public final class CustomSpec {
  private CustomSpec() {}

  /** {@code custom(<class name>)}, with {@link #className} of the object's class. */
  public static String of(Object o) {
    return "custom(" + className(o.getClass()) + ")";
  }

  /**
   * The class's binary name, or {@code lambda in <class>} for a lambda's class, without the
   * suffix the JVM generates for it.
   */
  public static String className(Class<?> c) {
    String name = c.getName();
    int lambda = name.indexOf("$$Lambda");
    return lambda < 0 ? name : "lambda in " + name.substring(0, lambda);
  }
}
