// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * First-order optimizers for SVI, as pure functions of an immutable {@link
 * dev.ember.infer.optim.OptimizerState}: {@link dev.ember.infer.optim.Sgd}, {@link
 * dev.ember.infer.optim.Momentum}, {@link dev.ember.infer.optim.Adam}, {@link
 * dev.ember.infer.optim.ClippedAdam}, {@link dev.ember.infer.optim.Adagrad} and {@link
 * dev.ember.infer.optim.RmsProp}, with {@link dev.ember.infer.optim.LearningRate} schedules.
 *
 * <p>The update rules are NumPyro's (the {@code jax.example_libraries.optimizers} functions its
 * {@code numpyro.optim} classes wrap) and the schedules are optax's, so a run can be compared
 * with NumPyro step by step. Updates work on the tensors' values in plain loops and return
 * untracked tensors: an optimizer step is never part of an autodiff graph.
 */
package dev.ember.infer.optim;
