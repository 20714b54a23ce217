package org.robustmri.sim;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The named distributions: the built-in library ({@value #RESOURCE}) plus entries from users' YAML files.
 *
 * <p>A library file has one root key {@code distributions}, a mapping from name to entry. An entry whose name
 * already exists overrides only the keys it gives; {@code base: OTHER} starts a new entry from another one;
 * any other new entry must give every required key. Unknown keys, duplicate keys, wrong types and invalid
 * values are {@link IllegalArgumentException}s that name the file, the entry and the key.
 */
public final class DistributionLibrary {
    public static final String RESOURCE = "/org/robustmri/sim/distributions.yaml";

    static final List<String> REQUIRED = List.of("anatomy", "contrast", "field_strength_t", "coils", "tr_ms", "te_ms",
            "snr", "vendor", "model", "protocol", "sequence_type", "scaling");
    static final List<String> OPTIONAL = List.of("description", "ti_ms", "noise_correlation", "fov_mm",
            "lesion_probability", "lesion_size_mm", "lesion_contrast", "flip_deg", "blur_mm",
            "rotation_90_probability", "coil_loop_scale", "base");
    private static final Set<String> ALLOWED;

    static {
        Set<String> s = new LinkedHashSet<>(REQUIRED);
        s.addAll(OPTIONAL);
        ALLOWED = Collections.unmodifiableSet(s);
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Map<String, Map<String, JsonNode>> raw;
    private final Map<String, DistributionRecipe> byName;

    private DistributionLibrary(Map<String, Map<String, JsonNode>> raw, Map<String, DistributionRecipe> byName) {
        this.raw = raw;
        this.byName = byName;
    }

    /** The library shipped with robustmri. */
    public static DistributionLibrary builtIn() {
        try (InputStream in = DistributionLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new DistributionLibrary(new LinkedHashMap<>(), new LinkedHashMap<>()).withYaml(text, "built-in library");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The built-in library, extended and overridden by {@code userFile} when it is not null. */
    public static DistributionLibrary load(Path userFile) {
        DistributionLibrary lib = builtIn();
        return userFile == null ? lib : lib.withFile(userFile);
    }

    /** A new library with the entries of a YAML file merged in. */
    public DistributionLibrary withFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("library file " + file + " does not exist");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("library file " + file + ": cannot read (" + e.getMessage() + ")");
        }
        return withYaml(text, file.toString());
    }

    /** A new library with the entries of YAML text merged in; {@code source} names it in error messages. */
    public DistributionLibrary withYaml(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String first = String.valueOf(e.getOriginalMessage()).strip().split("\\R", 2)[0];
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblem() != null) {
                    first = (m.getContext() != null ? m.getContext() + ": " : "") + m.getProblem();
                    break;
                }
            }
            throw new IllegalArgumentException(source + ": not valid YAML"
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : "") + ": " + first);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new IllegalArgumentException(source + ": empty file; expected a mapping with key 'distributions'");
        }
        if (!root.isObject()) throw new IllegalArgumentException(source + ": expected a mapping with key 'distributions'");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("distributions")) {
                throw new IllegalArgumentException(source + ": unknown top-level key '" + key + "'; expected only 'distributions'");
            }
        }
        JsonNode entries = root.get("distributions");
        if (entries == null || !entries.isObject()) {
            throw new IllegalArgumentException(source + ": 'distributions' must be a mapping from name to entry");
        }
        Map<String, Map<String, JsonNode>> newRaw = new LinkedHashMap<>(raw);
        Map<String, DistributionRecipe> newByName = new LinkedHashMap<>(byName);
        for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String where = source + ": distribution '" + name + "'";
            if (!e.getValue().isObject()) throw new IllegalArgumentException(where + ": expected a mapping of keys");
            Map<String, JsonNode> fields = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> f = e.getValue().fields(); f.hasNext(); ) {
                Map.Entry<String, JsonNode> kv = f.next();
                if (!ALLOWED.contains(kv.getKey())) {
                    throw new IllegalArgumentException(where + ": unknown key '" + kv.getKey() + "'; allowed keys: "
                            + String.join(", ", ALLOWED));
                }
                fields.put(kv.getKey(), kv.getValue());
            }
            Map<String, JsonNode> merged = new LinkedHashMap<>();
            JsonNode base = fields.remove("base");
            if (base != null) {
                String baseName = text(where, "base", base);
                Map<String, JsonNode> from = newRaw.get(baseName);
                if (from == null) {
                    throw new IllegalArgumentException(where + ": base '" + baseName + "' is not a known distribution; known: "
                            + String.join(", ", newRaw.keySet()));
                }
                merged.putAll(from);
            } else if (newRaw.containsKey(name)) {
                merged.putAll(newRaw.get(name));
            }
            merged.putAll(fields);
            List<String> missing = new ArrayList<>();
            for (String k : REQUIRED) if (!merged.containsKey(k)) missing.add(k);
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(where + ": missing required key(s) " + String.join(", ", missing));
            }
            DistributionRecipe d;
            try {
                d = build(name, merged, where);
            } catch (IllegalArgumentException ex) {
                String msg = ex.getMessage();
                if (!msg.startsWith(source)) {
                    msg = msg.startsWith("distribution '" + name + "'") ? source + ": " + msg : where + ": " + msg;
                }
                throw new IllegalArgumentException(msg, ex);
            }
            newRaw.put(name, merged);
            newByName.put(name, d);
        }
        return new DistributionLibrary(newRaw, newByName);
    }

    private static DistributionRecipe build(String name, Map<String, JsonNode> f, String where) {
        Anatomy anatomy = Anatomy.parse(text(where, "anatomy", f.get("anatomy")));
        return new DistributionRecipe(
                name,
                f.containsKey("description") ? text(where, "description", f.get("description")) : "",
                anatomy,
                Contrast.parse(text(where, "contrast", f.get("contrast"))),
                number(where, "field_strength_t", f.get("field_strength_t")),
                integer(where, "coils", f.get("coils")),
                number(where, "tr_ms", f.get("tr_ms")),
                number(where, "te_ms", f.get("te_ms")),
                f.containsKey("ti_ms") ? number(where, "ti_ms", f.get("ti_ms")) : 0.0,
                number(where, "snr", f.get("snr")),
                text(where, "vendor", f.get("vendor")),
                text(where, "model", f.get("model")),
                text(where, "protocol", f.get("protocol")),
                SequenceType.parse(text(where, "sequence_type", f.get("sequence_type"))),
                f.containsKey("noise_correlation") ? number(where, "noise_correlation", f.get("noise_correlation")) : 0.0,
                number(where, "scaling", f.get("scaling")),
                f.containsKey("fov_mm") ? number(where, "fov_mm", f.get("fov_mm")) : anatomy.defaultFovMm(),
                f.containsKey("lesion_probability") ? number(where, "lesion_probability", f.get("lesion_probability"))
                        : anatomy.defaultLesionProbability(),
                lesionSize(where, f.get("lesion_size_mm"))[0], lesionSize(where, f.get("lesion_size_mm"))[1],
                f.containsKey("lesion_contrast") ? number(where, "lesion_contrast", f.get("lesion_contrast")) : 1.0,
                f.containsKey("flip_deg") ? number(where, "flip_deg", f.get("flip_deg")) : 90.0,
                f.containsKey("blur_mm") ? number(where, "blur_mm", f.get("blur_mm")) : 0.0,
                f.containsKey("rotation_90_probability") ? number(where, "rotation_90_probability", f.get("rotation_90_probability")) : 0.0,
                f.containsKey("coil_loop_scale") ? number(where, "coil_loop_scale", f.get("coil_loop_scale")) : 1.0);
    }

    /** {@code lesion_size_mm: [min, max]} semi-axes; default the phantom's own range. */
    private static double[] lesionSize(String where, JsonNode n) {
        if (n == null) return new double[]{DistributionRecipe.LESION_SIZE_MIN_MM, DistributionRecipe.LESION_SIZE_MAX_MM};
        if (!n.isArray() || n.size() != 2 || !n.get(0).isNumber() || !n.get(1).isNumber()) {
            throw new IllegalArgumentException(where + ": 'lesion_size_mm' must be [min, max] in mm");
        }
        return new double[]{n.get(0).asDouble(), n.get(1).asDouble()};
    }

    private static String text(String where, String key, JsonNode n) {
        if (n == null || !n.isValueNode() || n.isNull()) {
            throw new IllegalArgumentException(where + ": '" + key + "' must be a single value");
        }
        return n.asText();
    }

    private static double number(String where, String key, JsonNode n) {
        if (n != null && n.isNumber()) return n.asDouble();
        if (n != null && n.isTextual()) {
            try {
                return Double.parseDouble(n.asText().trim());
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new IllegalArgumentException(where + ": '" + key + "' must be a number, got " + (n == null ? "nothing" : n.toString()));
    }

    private static int integer(String where, String key, JsonNode n) {
        double v = number(where, key, n);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + ": '" + key + "' must be a whole number, got " + n);
        }
        return (int) v;
    }

    /** The distribution called {@code name}; an unknown name is an error listing the known ones. */
    public DistributionRecipe get(String name) {
        DistributionRecipe d = byName.get(name);
        if (d == null) {
            throw new IllegalArgumentException("unknown distribution '" + name + "'; known: " + String.join(", ", byName.keySet()));
        }
        return d;
    }

    /** Looks up several names in order; duplicates are errors. */
    public List<DistributionRecipe> resolve(List<String> names) {
        if (names == null || names.isEmpty()) throw new IllegalArgumentException("no distributions given");
        Set<String> seen = new LinkedHashSet<>();
        List<DistributionRecipe> out = new ArrayList<>();
        for (String n : names) {
            String name = n.strip();
            if (name.isEmpty()) throw new IllegalArgumentException("empty distribution name in the list");
            if (!seen.add(name)) throw new IllegalArgumentException("distribution '" + name + "' is given twice");
            out.add(get(name));
        }
        return out;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** Names in definition order (built-in first, then new user entries). */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public List<DistributionRecipe> all() {
        return List.copyOf(byName.values());
    }
}
