package org.robustmri.io;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;

/** Reads a YAML file into a record, every Jackson failure turned into one line naming the file and the key. */
public final class YamlFiles {
    private YamlFiles() {
    }

    /**
     * {@code what} names the kind of file in messages ("training config"); config errors are
     * {@link IllegalArgumentException}s, I/O errors {@link DataException}s.
     */
    public static <T> T read(ObjectMapper yaml, Path file, Class<T> type, String what) {
        try {
            return yaml.readValue(file.toFile(), type);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            String at = e.getPathReference().replaceAll("[a-z.]*\\." + type.getSimpleName() + "(\\$)?", "");
            throw new IllegalArgumentException(file + ": unknown key '" + e.getPropertyName() + "'" + (at.isEmpty() ? "" : " at " + at)
                    + "; known: " + e.getKnownPropertyIds(), e);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String key = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("(top level)");
            throw new IllegalArgumentException(file + ": key '" + key + "' has the wrong type: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IllegalArgumentException(file + ": no such " + what + " file", e);
        } catch (IOException e) {
            throw new DataException(file, "cannot read " + what + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }
}
