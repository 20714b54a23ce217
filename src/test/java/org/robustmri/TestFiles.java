package org.robustmri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locations of the shipped sample data and golden vectors used by the tests. */
public final class TestFiles {
    public static final Path REAL_KSPACE = Path.of("samples", "real-kspace");
    public static final Path FIXTURES = Path.of("src", "test", "resources", "h5");

    private TestFiles() {
    }

    public static List<Path> realKspaceFiles() {
        try (Stream<Path> s = Files.list(REAL_KSPACE)) {
            return s.filter(p -> p.toString().endsWith(".h5")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode golden(String name) {
        try (InputStream in = TestFiles.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) throw new IllegalStateException("missing golden file " + name);
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
        return out;
    }

    public static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asDouble();
        return out;
    }
}
