package org.robustmri.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An architecture: its parameters (names, kinds, defaults), how many weights a spec has, and how to build one.
 * Registering a family in {@link ModelRegistry} is all a new architecture needs; nothing in training or evaluation
 * names a family.
 */
public abstract class ModelFamily {
    /** One parameter of a family. {@code choices} is non-empty for choice parameters; a {@code Path} parameter is free text. */
    public record Param(String name, Class<?> type, String defaultValue, List<String> choices, String help) {
        public static Param integer(String name, int defaultValue, String help) {
            return new Param(name, Integer.class, Integer.toString(defaultValue), List.of(), help);
        }

        public static Param real(String name, double defaultValue, String help) {
            return new Param(name, Double.class, Double.toString(defaultValue), List.of(), help);
        }

        public static Param choice(String name, String defaultValue, List<String> choices, String help) {
            return new Param(name, String.class, defaultValue, List.copyOf(choices), help);
        }

        /** Free text (a file name); empty until given (the family says when it needs it). */
        public static Param text(String name, String help) {
            return new Param(name, Path.class, "", List.of(), help);
        }

        /** The canonical text of a value of this parameter, or an error saying what is expected. */
        String canonical(String family, Object value) {
            String text = String.valueOf(value).trim();
            try {
                if (type == Integer.class) {
                    double d = Double.parseDouble(text);
                    if (d != Math.rint(d) || d < 1 || d > Integer.MAX_VALUE) throw new NumberFormatException();
                    return Integer.toString((int) d);
                }
                if (type == Double.class) {
                    double d = Double.parseDouble(text);
                    if (!Double.isFinite(d) || d < 0) throw new NumberFormatException();
                    return Double.toString(d);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(family + " parameter '" + name + "' must be "
                        + (type == Integer.class ? "a positive integer" : "a non-negative number") + ", got '" + text + "'");
            }
            if (type == Path.class) return text;
            String lower = text.toLowerCase(Locale.ROOT);
            if (!choices.contains(lower)) {
                throw new IllegalArgumentException(family + " parameter '" + name + "' must be one of " + choices + ", got '" + text + "'");
            }
            return lower;
        }
    }

    private final String name;
    private final List<Param> params;

    protected ModelFamily(String name, List<Param> params) {
        this.name = name;
        this.params = List.copyOf(params);
    }

    public final String name() {
        return name;
    }

    public final List<Param> params() {
        return params;
    }

    /**
     * A spec of this family: defaults overridden by {@code values} (any value type whose text parses); an unknown
     * key is an error listing the known ones.
     */
    public final ModelSpec spec(String specName, Map<String, ?> values) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> known = new ArrayList<>();
        for (Param p : params) known.add(p.name());
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown " + name + " parameter '" + k + "'; known: " + String.join(", ", known));
            }
        }
        for (Param p : params) {
            Object v = values.get(p.name());
            out.put(p.name(), p.canonical(name, v == null ? p.defaultValue() : v));
        }
        ModelSpec s = new ModelSpec(specName == null ? label(out) : specName, name, out);
        validate(s);
        return s;
    }

    /** A spec read back (e.g. from metadata): re-canonicalised, missing parameters take their defaults. */
    public final ModelSpec normalise(ModelSpec s) {
        return spec(s.name(), s.params());
    }

    /** A short name for a custom size, e.g. {@code unet-c8-p3}. */
    protected abstract String label(Map<String, String> params);

    /** The architecture in words with its size, e.g. "U-Net, 8 channels, 3 pools, 120k parameters". */
    public String describe(ModelSpec spec) {
        return spec.name() + ", " + parameters(parameterCount(spec));
    }

    /** A parameter count as people say it: 120k, 1.9M, 124M. */
    public static String parameters(long n) {
        if (n == 0) return "no weights";
        if (n < 1000) return n + " parameters";
        if (n < 1_000_000) return Math.round(n / 1000.0) + "k parameters";
        double m = n / 1e6;
        return (m < 10 ? String.format(java.util.Locale.ROOT, "%.1f", m) : String.valueOf(Math.round(m))) + "M parameters";
    }

    /** Cross-parameter checks; throw {@link IllegalArgumentException}. */
    protected void validate(ModelSpec spec) {
    }

    public abstract long parameterCount(ModelSpec spec);

    /** True when the family only takes column masks (1-D); 2-D masks are refused before training or reconstruction. */
    public boolean columnMasksOnly() {
        return false;
    }

    /**
     * What this family's models consume, per slice: the same transform as {@link ReconstructionModel#transform}, here
     * so datasets can be planned before a model is built.
     */
    public abstract org.robustmri.data.SampleTransform<? extends org.robustmri.data.Sample> transform(boolean requireTarget);

    /** The samples a model of this spec consumes (a family whose input is a parameter decides by the spec). */
    public org.robustmri.data.SampleTransform<? extends org.robustmri.data.Sample> transform(ModelSpec spec, boolean requireTarget) {
        return transform(requireTarget);
    }

    public abstract ReconstructionModel create(ModelSpec spec, long seed);
}
