// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * Constraints: the supports of distributions and the domains of parameters. {@link
 * dev.ember.dist.constraints.Constraints} has the factories; {@link
 * dev.ember.dist.constraints.Constraint} the contract ({@code check}, {@code eventDim}, {@code
 * isDiscrete}, {@code feasibleLike}).
 *
 * <pre>{@code
 * Constraint c = Constraints.interval(0.0, 1.0);
 * Tensor inside = c.check(value);                            // boolean, value's batch shape
 * Tensor unconstrained = Transforms.bijectTo(c).inverse(c.feasibleLike(value)); // zeros
 * }</pre>
 *
 * <p>The semantics (which boundaries are open, the tolerances of the simplex and correlation
 * checks, the feasible points) follow NumPyro's {@code numpyro.distributions.constraints}; the
 * bijections from unconstrained space are in {@link dev.ember.dist.transforms}.
 */
package dev.ember.dist.constraints;
