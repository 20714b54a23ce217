package org.robustmri.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys in which two configs differ, as {@code path: old -> new} (paths like {@code recipe.lr} or
 * {@code training_sets[2].weights}), so a resume of a changed study can say exactly what changed.
 */
public final class ConfigDiff {
    private ConfigDiff() {
    }

    /** Differences between {@code before} and {@code after}, ignoring the top-level keys in {@code ignored}. */
    public static List<String> changes(JsonNode before, JsonNode after, Set<String> ignored) {
        List<String> out = new ArrayList<>();
        walk("", nullToMissing(before), nullToMissing(after), ignored, out);
        return out;
    }

    private static JsonNode nullToMissing(JsonNode n) {
        return n == null ? NullNode.getInstance() : n;
    }

    private static void walk(String path, JsonNode a, JsonNode b, Set<String> ignored, List<String> out) {
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) keys.add(it.next());
            for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) keys.add(it.next());
            for (String k : keys) {
                if (path.isEmpty() && ignored.contains(k)) continue;
                walk(path.isEmpty() ? k : path + "." + k, value(a.get(k)), value(b.get(k)), ignored, out);
            }
            return;
        }
        if (a.isArray() && b.isArray()) {
            int n = Math.max(a.size(), b.size());
            for (int i = 0; i < n; i++) walk(path + "[" + i + "]", value(a.get(i)), value(b.get(i)), ignored, out);
            return;
        }
        if (!equal(a, b)) out.add(path + ": " + text(a) + " -> " + text(b));
    }

    private static JsonNode value(JsonNode n) {
        return n == null ? NullNode.getInstance() : n;
    }

    private static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        return a.equals(b);
    }

    private static String text(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? "(absent)" : n.isTextual() ? n.asText() : n.toString();
    }
}
