// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.examples.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small command-line parser for the examples' mains: options {@code --name value} and switches
 * {@code --name}, each declared with a description, a default and a check, and {@code --help}
 * built from the declarations. A bad command line is an {@link IllegalArgumentException} that
 * names the option, what it got and what it accepts ({@link UsageException}).
 *
 * <pre>{@code
 * Flags flags = new Flags("train", "Fits a model.")
 *     .option("steps", "N", "1000", "SVI steps")
 *     .flag("quick", "a small run");
 * Flags.Parsed p = flags.parse(new String[] {"--steps", "20"});
 * int steps = p.intValue("steps", 1);   // 20, checked >= 1
 * boolean quick = p.has("quick");        // false
 * }</pre>
 */
public final class Flags {
  private final String command;
  private final String summary;
  private final Map<String, Spec> specs = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  /** A bad command line: what was wrong, for the user; mains exit with status 2 on it. */
  public static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** A usage error with {@code message}. */
    public UsageException(String message) {
      super(message);
    }

    /** A usage error with {@code message}, caused by {@code cause}. */
    public UsageException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private record Spec(String name, String arg, String defaultValue, String help, boolean repeated) {}

  /**
   * A main's body, run so that a failure prints one line on standard error and exits with a
   * non-zero status: 2 for a bad command line, 1 for any other failure; {@code --verbose} among
   * {@code args} adds the stack trace ({@link FailureReport}).
   *
   * <pre>{@code
   * public static void main(String[] args) {
   *   Flags.runMain("Train", args, () -> run(args, System.out));
   * }
   * }</pre>
   */
  public static void runMain(String command, String[] args, Runnable body) {
    int status = FailureReport.run(command, args, body, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Options of the command {@code command}, described by {@code summary} in the help. */
  public Flags(String command, String summary) {
    this.command = command;
    this.summary = summary;
  }

  /** An option {@code --name ARG} with a default (null: none, or required when checked). */
  public Flags option(String name, String arg, String defaultValue, String help) {
    specs.put(name, new Spec(name, arg, defaultValue, help, false));
    return this;
  }

  /** An option that may be given several times ({@code --conf k=v --conf k2=v2}). */
  public Flags repeated(String name, String arg, String help) {
    specs.put(name, new Spec(name, arg, null, help, true));
    return this;
  }

  /** A switch {@code --name} without a value. */
  public Flags flag(String name, String help) {
    specs.put(name, new Spec(name, null, null, help, false));
    return this;
  }

  /** A paragraph at the end of the help. */
  public Flags note(String text) {
    notes.add(text);
    return this;
  }

  /** The help text: usage, every option with its default, and the notes. */
  public String help() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: ").append(command).append(" [options]\n\n").append(summary).append("\n\n");
    sb.append("Options:\n");
    for (Spec s : specs.values()) {
      String left = "  --" + s.name() + (s.arg() == null ? "" : " " + s.arg());
      sb.append(String.format(Locale.ROOT, "%-30s %s", left, s.help()));
      if (s.defaultValue() != null) {
        sb.append(" (default: ").append(s.defaultValue()).append(')');
      }
      if (s.repeated()) {
        sb.append(" (repeatable)");
      }
      sb.append('\n');
    }
    sb.append(String.format(Locale.ROOT, "%-30s %s%n", "  --verbose",
        "on a failure, prints the stack trace too"));
    sb.append(String.format(Locale.ROOT, "%-30s %s%n", "  --help", "prints this help"));
    for (String n : notes) {
      sb.append('\n').append(n).append('\n');
    }
    return sb.toString();
  }

  /** Parses {@code args}; {@link Parsed#help()} is true when {@code --help} was given. */
  public Parsed parse(String[] args) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        help = true;
        continue;
      }
      if (a.equals("--verbose")) {
        continue; // read by runMain, before parsing
      }
      if (!a.startsWith("--")) {
        throw new UsageException("unexpected argument '" + a + "'; options start with "
            + "--, see --help");
      }
      String name = a.substring(2);
      String inline = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Spec s = specs.get(name);
      if (s == null) {
        throw new UsageException("unknown option --" + name + "; the options are "
            + specs.keySet().stream().map(k -> "--" + k).toList() + " (see --help)");
      }
      String value;
      if (s.arg() == null) {
        if (inline != null) {
          throw new UsageException("option --" + name + " takes no value, got '"
              + inline + "'");
        }
        value = "true";
      } else if (inline != null) {
        value = inline;
      } else {
        if (i + 1 >= args.length) {
          throw new UsageException("option --" + name + " needs a value (" + s.arg()
              + ")");
        }
        value = args[++i];
      }
      List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
      if (!s.repeated() && !list.isEmpty()) {
        throw new UsageException("option --" + name + " is given twice");
      }
      list.add(value);
    }
    return new Parsed(values, help);
  }

  /** A parsed command line. */
  public final class Parsed {
    private final Map<String, List<String>> values;
    private final boolean help;

    private Parsed(Map<String, List<String>> values, boolean help) {
      this.values = values;
      this.help = help;
    }

    /** Whether {@code --help} was given. */
    public boolean help() {
      return help;
    }

    /** Whether the option or switch was given. */
    public boolean has(String name) {
      return values.containsKey(name);
    }

    /** The option's value, its default, or null. */
    public String string(String name) {
      List<String> v = values.get(name);
      if (v != null) {
        return v.get(v.size() - 1);
      }
      Spec s = specs.get(name);
      if (s == null) {
        throw new IllegalStateException("undeclared option " + name);
      }
      return s.defaultValue();
    }

    /** The option's value or default; an error if there is neither. */
    public String required(String name) {
      String v = string(name);
      if (v == null) {
        throw new UsageException("option --" + name + " is required (see --help)");
      }
      return v;
    }

    /** Every value of a repeatable option, in order. */
    public List<String> all(String name) {
      return List.copyOf(values.getOrDefault(name, List.of()));
    }

    /** An integer option, at least {@code min}. */
    public int intValue(String name, int min) {
      return (int) longValue(name, min, Integer.MAX_VALUE);
    }

    /**
     * An integer option, at least {@code min}; under {@code --quick}, {@code quickValue} unless
     * the option is given explicitly (explicit options win).
     */
    public int intValue(String name, int min, int quickValue) {
      return has(name) || !has("quick") ? intValue(name, min) : quickValue;
    }

    /** A long option in {@code [min, max]}. */
    public long longValue(String name, long min, long max) {
      String v = required(name);
      long x;
      try {
        x = Long.parseLong(v.replace("_", ""));
      } catch (NumberFormatException e) {
        throw new UsageException("option --" + name + " needs an integer, got '" + v
            + "'");
      }
      if (x < min || x > max) {
        throw new UsageException("option --" + name + " must be in [" + min + ", "
            + max + "], got " + x);
      }
      return x;
    }

    /** A finite double option, strictly above {@code exclusiveMin}. */
    public double doubleValue(String name, double exclusiveMin) {
      String v = required(name);
      double x;
      try {
        x = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new UsageException("option --" + name + " needs a number, got '" + v
            + "'");
      }
      if (!Double.isFinite(x) || x <= exclusiveMin) {
        throw new UsageException("option --" + name + " must be a finite number above "
            + exclusiveMin + ", got " + v);
      }
      return x;
    }

    /** A finite double option in the open interval {@code (exclusiveMin, exclusiveMax)}. */
    public double doubleValue(String name, double exclusiveMin, double exclusiveMax) {
      double x = doubleValue(name, exclusiveMin);
      if (x >= exclusiveMax) {
        throw new UsageException("option --" + name + " must be in (" + exclusiveMin + ", "
            + exclusiveMax + "), got " + x);
      }
      return x;
    }

    /** An option whose value must be one of {@code choices}. */
    public String choice(String name, String... choices) {
      String v = required(name);
      for (String c : choices) {
        if (c.equals(v)) {
          return v;
        }
      }
      throw new UsageException("option --" + name + " must be one of "
          + String.join(", ", choices) + ", got '" + v + "'");
    }
  }
}
