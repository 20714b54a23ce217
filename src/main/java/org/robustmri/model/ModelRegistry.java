package org.robustmri.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Architectures by family and registered models by name, each with its exact parameter count checked against
 * the reference at class load. Registering a family here is the only place that names one.
 */
public final class ModelRegistry {
    /** A registered model: its spec and parameter count. */
    public record Entry(ModelSpec spec, long parameterCount) {
    }

    private static final Map<String, ModelFamily> FAMILIES = new LinkedHashMap<>();
    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        family(NormalizedUNet.FAMILY);
        family(VarNet.FAMILY);
        family(VisionTransformer.FAMILY);
        family(CompressedSensing.FAMILY);
        family(ScriptedModule.FAMILY);
        register("unet-xsmall", "unet", Map.of("chans", 10, "pools", 4), 757_501);
        register("unet-small", "unet", Map.of("chans", 32, "pools", 4), 7_756_097);
        register("unet-large", "unet", Map.of("chans", 128, "pools", 4), 124_093_697);
        register("varnet-small", "varnet", Map.of("cascades", 8, "chans", 12, "sens_chans", 8), 9_212_090);
        register("varnet-large", "varnet", Map.of("cascades", 12, "chans", 18, "sens_chans", 8), 29_936_966);
        register("vit-small", "vit", Map.of("embed_dim", 44, "heads", 9, "depth", 4), 8_029_000);
        register("vit-large", "vit", Map.of("embed_dim", 64, "heads", 16, "depth", 10), 127_188_068);
        register("cs-tv", "cs", Map.of("reg", "tv"), 0);
        register("cs-l2", "cs", Map.of("reg", "l2", "lambda", 0.001, "iterations", 30), 0);
        register("cs-wavelet", "cs", Map.of("reg", "wavelet", "maps", "espirit", "crop", 0.0, "lambda", 0.003, "iterations", 30), 0);
    }

    private ModelRegistry() {
    }

    private static void family(ModelFamily f) {
        FAMILIES.put(f.name(), f);
    }

    private static void register(String name, String family, Map<String, ?> params, long referenceParameters) {
        ModelSpec spec = family(family).spec(name, params);
        long n = parameterCount(spec);
        if (n != referenceParameters) {
            throw new IllegalStateException(name + " has " + n + " parameters, the reference " + referenceParameters);
        }
        ENTRIES.put(name, new Entry(spec, n));
    }

    /**
     * Refuses, before any data is read, a model that cannot be trained with {@code mask}: one without weights (the
     * compressed-sensing baselines are solved per slice; reconstruct or evaluate them directly), or a 2-D mask for a
     * family that needs column masks.
     */
    public static void checkTrainable(ModelSpec spec, org.robustmri.mask.MaskFunction mask) {
        if (parameterCount(spec) == 0) {
            throw new IllegalArgumentException(spec.name() + " has no weights to train: it reconstructs each slice by itself"
                    + " (use it with reconstruct, or as a study baseline)");
        }
        checkMask(spec, mask);
    }

    /** Refuses a 2-D mask for a family that finds its centre band from a column mask (VarNet). */
    public static void checkMask(ModelSpec spec, org.robustmri.mask.MaskFunction mask) {
        if (mask != null && mask.isTwoDimensional() && family(spec.family()).columnMasksOnly()) {
            throw new IllegalArgumentException(spec.name() + " needs a column mask (it finds its centre band from the columns);"
                    + " " + mask.typeName() + " is a 2-D mask");
        }
    }

    /** The family named {@code name}; unknown names are an error listing the known ones. */
    public static ModelFamily family(String name) {
        ModelFamily f = FAMILIES.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown model family '" + name + "'; known: " + String.join(", ", FAMILIES.keySet()));
        }
        return f;
    }

    public static List<ModelFamily> families() {
        return List.copyOf(FAMILIES.values());
    }

    /** The architecture in words with its size (see {@link ModelFamily#describe}). */
    public static String describe(ModelSpec spec) {
        return family(spec.family()).describe(spec);
    }

    /** A description cut to its family and size ("U-Net, 120k parameters"), for labels with little room. */
    public static String shorten(String description) {
        int first = description.indexOf(", "), last = description.lastIndexOf(", ");
        return first < 0 || first == last ? description : description.substring(0, first) + description.substring(last);
    }

    /** Exact parameter count of a spec, computed from its layout. */
    public static long parameterCount(ModelSpec spec) {
        return family(spec.family()).parameterCount(spec);
    }

    public static List<Entry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(ENTRIES.values()));
    }

    public static boolean isRegistered(String name) {
        return ENTRIES.containsKey(name);
    }

    /** The spec of a registered name; an unknown name is an error listing the known ones. */
    public static ModelSpec spec(String name) {
        Entry e = ENTRIES.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", ENTRIES.keySet())
                    + " (or a family with parameters: " + String.join(", ", FAMILIES.keySet()) + ")");
        }
        return e.spec();
    }

    /**
     * A model from a name and parameter overrides: a registered name with some parameters changed (e.g.
     * {@code varnet-small} with {@code num_low: mask}), or a family with custom sizes (e.g. {@code unet} with
     * {@code chans: 8, pools: 3}). A registered name without overrides is the registered spec; anything else gets
     * the family's label as its name.
     */
    public static ModelSpec resolve(String model, Map<String, ?> overrides) {
        Map<String, ?> o = overrides == null ? Map.of() : overrides;
        Entry e = ENTRIES.get(model);
        if (e != null) {
            if (o.isEmpty()) return e.spec();
            Map<String, Object> merged = new LinkedHashMap<>(e.spec().params());
            merged.putAll(o);
            ModelSpec s = family(e.spec().family()).spec(null, merged);
            return s.params().equals(e.spec().params()) ? e.spec() : s;
        }
        if (FAMILIES.containsKey(model)) return family(model).spec(null, o);
        spec(model); // throws, listing the names
        throw new IllegalStateException();
    }

    /**
     * A spec from text: a registered name ({@code varnet-small}), a family ({@code varnet}), or either followed by
     * parameters ({@code varnet:cascades=2,chans=4} or {@code varnet-small:num_low=mask}).
     */
    public static ModelSpec parse(String text) {
        String t = text.trim();
        int colon = t.indexOf(':');
        if (colon < 0) return resolve(t, Map.of());
        Map<String, String> p = new LinkedHashMap<>();
        for (String kv : t.substring(colon + 1).split(",")) {
            if (kv.isBlank()) continue;
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("model parameter '" + kv + "' is not key=value (in '" + text + "')");
            p.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return resolve(t.substring(0, colon).trim(), p);
    }

    /** A checkpoint's spec, re-validated by its family (missing parameters of older versions take defaults). */
    public static ModelSpec normalise(ModelSpec s) {
        return family(s.family()).normalise(s);
    }

    public static ReconstructionModel create(ModelSpec spec, long seed) {
        return family(spec.family()).create(spec, seed);
    }
}
