package org.robustmri.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a result was produced, written as JSON next to it: tool and library versions, the command, the
 * inputs, and whatever specs the producer adds (mask, metric, model, seeds).
 */
public final class Provenance {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Map<String, Object> fields = new LinkedHashMap<>();

    public Provenance(String command) {
        String v = Provenance.class.getPackage().getImplementationVersion();
        fields.put("tool", "robustmri " + (v == null ? "dev" : v));
        fields.put("command", command);
        fields.put("created", Instant.now().toString());
        fields.put("java", System.getProperty("java.version"));
        fields.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        fields.put("libtorch", "bytedeco pytorch 2.10.0-1.5.13");
        String conv = org.robustmri.tensor.Torch.convolutions();
        if (conv != null) fields.put("convolutions", conv);
    }

    public Provenance put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    /** Records input files by name and size (enough to notice a different file without hashing gigabytes). */
    public Provenance inputs(List<Path> files) {
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (Path p : files) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.getFileName().toString());
            try {
                m.put("bytes", Files.size(p));
            } catch (IOException e) {
                m.put("bytes", -1);
            }
            list.add(m);
        }
        fields.put("inputs", list);
        return this;
    }

    public Map<String, Object> fields() {
        return fields;
    }

    public void write(Path out) {
        AtomicFiles.write(out, tmp -> JSON.writeValue(tmp.toFile(), fields));
    }
}
