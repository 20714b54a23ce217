package org.robustmri.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Everything that can be read of a fastMRI-layout file, part by part, and what is broken: a part that cannot be read
 * (a dataset's shape, the k-space geometry, the attributes, the ISMRMRD header) is named among the problems while the
 * rest is still shown; shapes that disagree (a target unlike the header's recon size, k-space narrower than its target)
 * are flagged too.
 */
public final class FileInspection {
    /** What was read, in display order, and the problems found. */
    public record Inspected(Map<String, Object> info, List<String> problems) {
    }

    private FileInspection() {
    }

    public static Inspected inspect(Path file) {
        Map<String, Object> info = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        info.put("file", file.toString());
        FastMriFile f;
        try {
            f = FastMriFile.open(file);
        } catch (DataException e) {
            problems.add(e.getMessage());
            return new Inspected(info, problems);
        }
        try (f) {
            Map<String, Object> datasets = new LinkedHashMap<>();
            for (String name : f.datasetNames()) {
                Map<String, Object> d = new LinkedHashMap<>();
                part(problems, name, () -> d.put("shape", f.shapeOf(name)), file);
                part(problems, name, () -> d.put("dtype", f.dtypeOf(name)), file);
                datasets.put(name, d);
            }
            info.put("datasets", datasets);
            if (f.has(FastMriFile.KSPACE)) {
                part(problems, "kspace", () -> {
                    KspaceGeometry g = f.kspace();
                    Map<String, Object> k = new LinkedHashMap<>();
                    k.put("layout", g.layout().name().toLowerCase(Locale.ROOT));
                    k.put("multicoil", g.multiCoil());
                    k.put("slices", g.slices());
                    k.put("coils", g.coils());
                    k.put("height", g.height());
                    k.put("width", g.width());
                    k.put("storage", g.contiguous() ? "contiguous" : "chunked");
                    return info.put("kspace", k);
                }, file);
            } else {
                problems.add("no kspace dataset");
            }
            part(problems, "attributes", () -> info.put("attributes", f.attributes()), file);
            if (f.has(FastMriFile.HEADER)) {
                part(problems, FastMriFile.HEADER, () -> f.header().map(h -> info.put("header", header(h))).orElse(null), file);
            }
            part(problems, "target", () -> {
                var key = f.targetKey();
                if (key.isEmpty()) return null;
                int[] s = f.shapeOf(key.get());
                java.util.Optional<IsmrmrdHeader> h;
                try {
                    h = f.header();
                } catch (DataException e) {
                    h = java.util.Optional.empty(); // already a problem of its own
                }
                if (h.isPresent() && (s[s.length - 2] != h.get().reconX() || s[s.length - 1] != h.get().reconY())) {
                    problems.add(key.get() + " is " + s[s.length - 2] + "x" + s[s.length - 1] + " but the header's recon size is "
                            + h.get().reconX() + "x" + h.get().reconY());
                }
                if (f.has(FastMriFile.KSPACE) && f.kspace().width() < s[s.length - 1]) {
                    problems.add("k-space is " + f.kspace().width() + " columns wide, narrower than the " + key.get());
                }
                return null;
            }, file);
        }
        return new Inspected(info, problems);
    }

    /** Runs one read; its failure becomes a problem of {@code part}. */
    private static void part(List<String> problems, String part, Supplier<Object> read, Path file) {
        try {
            read.get();
        } catch (RuntimeException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            if (m.startsWith(file + ": ")) m = m.substring(file.toString().length() + 2);
            problems.add(part + ": " + m);
        }
    }

    private static Map<String, Object> header(IsmrmrdHeader h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vendor", h.vendor());
        m.put("model", h.model());
        m.put("fieldStrengthT", Double.isNaN(h.fieldStrengthT()) ? "unknown" : h.fieldStrengthT());
        m.put("receiverChannels", h.receiverChannels());
        m.put("institution", h.institution());
        m.put("protocol", h.protocol());
        m.put("encodedSize", new int[]{h.encodedX(), h.encodedY(), h.encodedZ()});
        m.put("reconSize", new int[]{h.reconX(), h.reconY(), h.reconZ()});
        if (h.hasFieldOfView()) m.put("reconFieldOfViewMm", new double[]{h.fovX(), h.fovY(), h.fovZ()});
        m.put("phaseEncodeCenter", h.peCenter());
        m.put("phaseEncodeMaximum", h.peMaximum());
        if (h.hasEncodingLimits()) {
            m.put("paddingLeft", h.paddingLeft());
            m.put("paddingRight", h.paddingRight());
        }
        return m;
    }
}
