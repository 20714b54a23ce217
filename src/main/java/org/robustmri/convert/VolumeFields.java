package org.robustmri.convert;

import org.robustmri.io.IsmrmrdHeader;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a converted volume says about itself: the header fields the paper's catalogs select on and the root attributes
 * robustmri reads. A field the source does not state is {@value IsmrmrdHeader#UNKNOWN}; {@code --set key=value} sets
 * any of them.
 */
public record VolumeFields(Map<String, String> values) {
    public static final List<String> KEYS = List.of("vendor", "model", "field_strength", "institution", "protocol", "anatomy",
            "contrast", "dataset_name", "patient_id", "fov_mm");

    public VolumeFields {
        for (String k : values.keySet()) {
            if (!KEYS.contains(k)) throw new IllegalArgumentException("unknown field '" + k + "'; known: " + String.join(", ", KEYS));
        }
        values = Map.copyOf(values);
    }

    public static VolumeFields none() {
        return new VolumeFields(Map.of());
    }

    /** The fields a source's ISMRMRD header states. */
    public static VolumeFields of(IsmrmrdHeader h) {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "vendor", h.vendor());
        put(m, "model", h.model());
        if (!Double.isNaN(h.fieldStrengthT())) m.put("field_strength", Double.toString(h.fieldStrengthT()));
        put(m, "institution", h.institution());
        put(m, "protocol", h.protocol());
        if (h.hasFieldOfView()) m.put("fov_mm", h.fovX() + "," + h.fovY() + "," + h.fovZ());
        return new VolumeFields(m);
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null && !v.isBlank() && !v.equals(IsmrmrdHeader.UNKNOWN)) m.put(k, v);
    }

    /** These fields with {@code other}'s on top. */
    public VolumeFields with(VolumeFields other) {
        Map<String, String> m = new LinkedHashMap<>(values);
        m.putAll(other.values);
        return new VolumeFields(m);
    }

    /** Parses {@code key=value} settings. */
    public static VolumeFields parse(List<String> settings) {
        Map<String, String> m = new LinkedHashMap<>();
        if (settings != null) {
            for (String kv : settings) {
                int eq = kv.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("--set takes key=value, got '" + kv + "'");
                m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        VolumeFields f = new VolumeFields(m);
        f.fieldStrength();
        f.fov();
        return f;
    }

    public String get(String key) {
        return values.getOrDefault(key, IsmrmrdHeader.UNKNOWN);
    }

    public double fieldStrength() {
        String v = values.get("field_strength");
        if (v == null) return Double.NaN;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field_strength must be a number of tesla, got '" + v + "'");
        }
    }

    /** The field of view in mm (x readout, y phase encode, z slice), or null when not stated. */
    public double[] fov() {
        String v = values.get("fov_mm");
        if (v == null) return null;
        String[] p = v.split(",");
        try {
            if (p.length != 3) throw new NumberFormatException();
            return new double[]{Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2])};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fov_mm must be x,y,z in mm, got '" + v + "'");
        }
    }
}
