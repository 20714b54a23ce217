package org.robustmri.similarity;

import java.nio.file.Path;

/**
 * Embeddings by name: {@code random-conv} (seed 0), {@code random-conv-centred} (the same, centred on a fixed noise set),
 * {@code random-conv:SEED}, {@code safetensors:FILE} (a user's convolution features), and
 * {@code clip:weights=FILE[,act=quickgelu|gelu][,heads=N]} (CLIP's visual tower, the paper's similarity).
 */
public final class Embeddings {
    public static final String DEFAULT = "random-conv";

    private Embeddings() {
    }

    public static Embedding of(String name) {
        return of(name, Path::of);
    }

    /** As {@link #of(String)}, the files it names found by {@code files} (a study resolves them against its config). */
    public static Embedding of(String name, java.util.function.Function<String, Path> files) {
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
        if (n.startsWith("safetensors:")) return ConvFeatureEmbedding.fromSafetensors(files.apply(n.substring("safetensors:".length())));
        if (n.startsWith("clip:")) return clip(n.substring("clip:".length()), files);
        throw new IllegalArgumentException("unknown embedding '" + n + "': use random-conv, random-conv-centred, random-conv:SEED, safetensors:FILE"
                + " or clip:weights=FILE");
    }

    private static Embedding clip(String options, java.util.function.Function<String, Path> files) {
        String weights = null, act = null;
        int heads = 0;
        for (String part : options.split(",")) {
            if (part.isBlank()) continue;
            int eq = part.indexOf('=');
            String key = eq < 0 ? "" : part.substring(0, eq).trim(), value = eq < 0 ? "" : part.substring(eq + 1).trim();
            switch (key) {
                case "weights" -> weights = value;
                case "act" -> act = value;
                case "heads" -> {
                    try {
                        heads = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("clip heads takes a whole number, got '" + value + "'");
                    }
                }
                default -> throw new IllegalArgumentException("clip takes weights=FILE, act=quickgelu|gelu and heads=N, got '" + part.trim() + "'");
            }
        }
        if (weights == null || weights.isEmpty()) {
            throw new IllegalArgumentException("clip needs weights=FILE.safetensors (the visual tower of OpenAI CLIP or open_clip; nothing is downloaded)");
        }
        return ClipEmbedding.fromSafetensors(files.apply(weights), act, heads);
    }
}
