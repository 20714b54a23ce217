package org.robustmri.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Registered models by name. The trainer asks the registry for a model by spec, so a new architecture
 * (VarNet, ViT) is one registration here and never a change to training code.
 */
public final class ModelRegistry {
    /** A registered architecture: its spec and how to build it from a spec and a seed. */
    public record Entry(ModelSpec spec, long parameterCount, BiFunction<ModelSpec, Long, ReconstructionModel> factory) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
    private static final Map<String, BiFunction<ModelSpec, Long, ReconstructionModel>> FAMILIES = new LinkedHashMap<>();

    static {
        FAMILIES.put("unet", NormalizedUNet::new);
        register(ModelSpec.unet("unet-xsmall", 10, 4), 757_501);
        register(ModelSpec.unet("unet-small", 32, 4), 7_756_097);
        register(ModelSpec.unet("unet-large", 128, 4), 124_093_697);
    }

    private ModelRegistry() {
    }

    private static void register(ModelSpec spec, long referenceParameters) {
        long n = parameterCount(spec);
        if (n != referenceParameters) {
            throw new IllegalStateException(spec.name() + " has " + n + " parameters, the reference " + referenceParameters);
        }
        ENTRIES.put(spec.name(), new Entry(spec, n, FAMILIES.get(spec.family())));
    }

    /** Exact parameter count of a spec, computed from its layout. */
    public static long parameterCount(ModelSpec spec) {
        return switch (spec.family()) {
            case "unet" -> UNet.parameterCount(spec.inChans(), spec.outChans(), spec.chans(), spec.pools());
            default -> throw new IllegalArgumentException("unknown model family '" + spec.family() + "'");
        };
    }

    public static List<Entry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(ENTRIES.values()));
    }

    /** The spec of a registered name; an unknown name is an error listing the known ones. */
    public static ModelSpec spec(String name) {
        Entry e = ENTRIES.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", ENTRIES.keySet()));
        }
        return e.spec();
    }

    /** A custom-size model of a family, for small demos: e.g. {@code custom("unet", 8, 3)}. */
    public static ModelSpec custom(String family, int chans, int pools) {
        if (!FAMILIES.containsKey(family)) {
            throw new IllegalArgumentException("unknown model family '" + family + "'; known: " + String.join(", ", FAMILIES.keySet()));
        }
        return new ModelSpec(family + "-c" + chans + "-p" + pools, family, chans, pools, 1, 1, 0.0);
    }

    public static ReconstructionModel create(ModelSpec spec, long seed) {
        BiFunction<ModelSpec, Long, ReconstructionModel> f = FAMILIES.get(spec.family());
        if (f == null) throw new IllegalArgumentException("unknown model family '" + spec.family() + "'");
        return f.apply(spec, seed);
    }
}
