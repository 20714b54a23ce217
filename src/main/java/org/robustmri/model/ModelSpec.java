package org.robustmri.model;

import java.util.Locale;

/**
 * What a model is, in enough detail to rebuild it: registered name, family and sizes.
 *
 * @param name     registered name (e.g. {@code unet-small}) or {@code custom}
 * @param family   architecture family, e.g. {@code unet}
 * @param chans    base channels
 * @param pools    number of pooling levels
 */
public record ModelSpec(String name, String family, int chans, int pools, int inChans, int outChans, double dropProb) {
    public ModelSpec {
        if (chans < 1) throw new IllegalArgumentException("chans must be positive, got " + chans);
        if (pools < 1) throw new IllegalArgumentException("pools must be positive, got " + pools);
    }

    public static ModelSpec unet(String name, int chans, int pools) {
        return new ModelSpec(name, "unet", chans, pools, 1, 1, 0.0);
    }

    /** The spec as safetensors metadata strings, so a checkpoint says which model it belongs to. */
    public java.util.Map<String, String> toMetadata() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("model_name", name);
        m.put("model_family", family);
        m.put("model_chans", Integer.toString(chans));
        m.put("model_pools", Integer.toString(pools));
        m.put("model_in_chans", Integer.toString(inChans));
        m.put("model_out_chans", Integer.toString(outChans));
        m.put("model_drop_prob", Double.toString(dropProb));
        m.put("model", toString());
        return m;
    }

    /** The spec recorded by {@link #toMetadata()}, or empty when the metadata does not hold one. */
    public static java.util.Optional<ModelSpec> fromMetadata(java.util.Map<String, String> m) {
        if (!m.containsKey("model_family") || !m.containsKey("model_chans") || !m.containsKey("model_pools")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new ModelSpec(m.getOrDefault("model_name", "custom"), m.get("model_family"),
                Integer.parseInt(m.get("model_chans")), Integer.parseInt(m.get("model_pools")),
                Integer.parseInt(m.getOrDefault("model_in_chans", "1")), Integer.parseInt(m.getOrDefault("model_out_chans", "1")),
                Double.parseDouble(m.getOrDefault("model_drop_prob", "0"))));
    }

    /** A stable one-line description recorded next to every result. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s[family=%s,chans=%d,pools=%d,in=%d,out=%d,drop=%s,norm=per-image-mean-std]",
                name, family, chans, pools, inChans, outChans, dropProb);
    }
}
