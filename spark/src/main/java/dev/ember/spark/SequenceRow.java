// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * One validated sequence of the input: its id, its values and its covariates (per step: one value
 * per value; per series: a vector).
 *
 * <pre>{@code
 * SequenceRow r = new SequenceRow(7L, new double[] {0.1, 0.4}, Map.of());
 * }</pre>
 *
 * @param id the row id
 * @param values the sequence
 * @param covariates named covariates: per-step ones have the sequence's length
 */
public record SequenceRow(long id, double[] values, Map<String, double[]> covariates)
    implements Serializable {}
