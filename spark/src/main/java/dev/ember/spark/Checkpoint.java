// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.infer.SviState;

/**
 * A fit's position, as one checkpoint holds it ({@link CheckpointFormat} says how it is stored,
 * {@link CheckpointStore} where): the run it belongs to, the SVI state after {@code
 * state().step()} steps (global params, their optimizer moments, the key, the skipped steps), the
 * loss of every step so far, and, for a guide with per-series params, their layout and a summary
 * of the per-series state the executors wrote next to it.
 *
 * <pre>{@code
 * Checkpoint c = new Checkpoint(run, state, losses, SeriesParams.none(), null);
 * store.commit(c);
 * }</pre>
 *
 * @param run what defines the run ({@link RunDefinition}); a resume must match it
 * @param state the SVI state; its constraints are the model's, not stored
 * @param losses the loss of every step so far
 * @param series the per-series params' layout ({@link SeriesParams#none()} if there are none)
 * @param seriesState what the per-series folder holds, or null without per-series params
 */
record Checkpoint(RunDefinition run, SviState state, double[] losses, SeriesParams series,
    SeriesStateFiles.Summary seriesState) {}
