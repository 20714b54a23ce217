package org.robustmri.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a model is, in enough detail to rebuild it: a name (registered, e.g. {@code varnet-small}, or made up for a
 * custom size), its family and the family's parameters in the family's order (e.g. {@code cascades}, {@code chans},
 * {@code pools}, {@code sens_chans}, {@code sens_pools} for VarNet). Values are kept as canonical strings so a spec
 * round-trips through checkpoint metadata unchanged; {@link ModelFamily} validates and interprets them.
 */
public record ModelSpec(String name, String family, Map<String, String> params) {
    private static final String PARAM_PREFIX = "model.";

    public ModelSpec {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public String param(String key) {
        String v = params.get(key);
        if (v == null) throw new IllegalArgumentException(name + " has no parameter '" + key + "'");
        return v;
    }

    public int intParam(String key) {
        return Integer.parseInt(param(key));
    }

    public double doubleParam(String key) {
        return Double.parseDouble(param(key));
    }

    /** The spec as safetensors metadata strings, so a checkpoint says which model it belongs to. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model_name", name);
        m.put("model_family", family);
        params.forEach((k, v) -> m.put(PARAM_PREFIX + k, v));
        m.put("model", toString());
        return m;
    }

    /**
     * The spec recorded by {@link #toMetadata()}, or empty when the metadata does not hold one. Checkpoints of
     * earlier versions recorded a U-Net as {@code model_chans}, {@code model_pools}, ...; they are read too.
     */
    public static Optional<ModelSpec> fromMetadata(Map<String, String> m) {
        String family = m.get("model_family");
        if (family == null) return Optional.empty();
        Map<String, String> p = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k.startsWith(PARAM_PREFIX)) p.put(k.substring(PARAM_PREFIX.length()), v);
        });
        if (p.isEmpty() && m.containsKey("model_chans")) {
            p.put("chans", m.get("model_chans"));
            p.put("pools", m.get("model_pools"));
            p.put("in_chans", m.getOrDefault("model_in_chans", "1"));
            p.put("out_chans", m.getOrDefault("model_out_chans", "1"));
            p.put("drop_prob", m.getOrDefault("model_drop_prob", "0.0"));
        }
        return Optional.of(new ModelSpec(m.getOrDefault("model_name", "custom"), family, p));
    }

    /** A stable one-line description recorded next to every result. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append("[family=").append(family);
        params.forEach((k, v) -> sb.append(',').append(k).append('=').append(v));
        return sb.append(']').toString();
    }
}
