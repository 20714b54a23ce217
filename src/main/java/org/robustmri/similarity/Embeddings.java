package org.robustmri.similarity;

import java.nio.file.Path;

/**
 * Embeddings by name: {@code random-conv} (seed 0), {@code random-conv-centred} (the same, centred on a fixed noise set),
 * {@code random-conv:SEED}, {@code safetensors:FILE}.
 */
public final class Embeddings {
    public static final String DEFAULT = "random-conv";

    private Embeddings() {
    }

    public static Embedding of(String name) {
        String n = name.trim();
        if (n.equals("random-conv")) return ConvFeatureEmbedding.random(0);
        if (n.equals("random-conv-centred")) return ConvFeatureEmbedding.random(0).centred();
        if (n.startsWith("random-conv:")) {
            try {
                return ConvFeatureEmbedding.random(Long.parseLong(n.substring("random-conv:".length()).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("random-conv:SEED takes a whole number, got '" + n + "'");
            }
        }
        if (n.startsWith("safetensors:")) return ConvFeatureEmbedding.fromSafetensors(Path.of(n.substring("safetensors:".length())));
        throw new IllegalArgumentException("unknown embedding '" + n + "': use random-conv, random-conv-centred, random-conv:SEED or safetensors:FILE");
    }
}
