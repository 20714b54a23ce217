package org.robustmri.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.robustmri.io.DataException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A data distribution as the paper defines it: a list of attribute filters over catalog columns. The keys
 * inside one filter are ANDed, the filters of the list are ORed, e.g.
 * <pre>
 * - {protocolName: CORPD_FBK, systemModel: Skyra}
 * - {protocolName: CORPDFS_FBK, systemFieldStrength_T: {min: 2.5, max: 3.5}}
 * - {systemModel: [Aera, Avanto]}
 * </pre>
 * A value is an exact match, a list (any of its items), a range mapping with {@code min}/{@code max} (inclusive)
 * and/or {@code gt}/{@code lt} (exclusive), or empty/null (the cell is empty). Values that read as numbers on
 * both sides compare numerically ({@code 2.8936} equals "2.8936" and "2.89360"); everything else compares as text.
 *
 * <p>Specification problems (malformed YAML, unknown keys, bad ranges) are {@link IllegalArgumentException}s
 * naming the specification.
 */
public final class Distribution {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The config keys of the paper's experiment files. */
    public static final String TRAIN_ATTR = "train_attr";
    public static final String TEST_ATTR = "test_attr";

    private final String name;
    private final List<Filter> filters;

    private Distribution(String name, List<Filter> filters) {
        this.name = Objects.requireNonNull(name, "name");
        if (filters.isEmpty()) throw new IllegalArgumentException(name + ": a distribution needs at least one filter");
        this.filters = List.copyOf(filters);
    }

    // ----------------------------------------------------------------------------------------------- conditions

    /** A test on one cell. */
    public sealed interface Condition permits Exact, AnyOf, Range, Empty {
        boolean test(String cell);
    }

    /** Equal text, or equal numbers when both read as numbers. */
    public record Exact(String value) implements Condition {
        @Override
        public boolean test(String cell) {
            String c = cell.trim();
            Double a = number(value), b = number(c);
            if (a != null && b != null) return a.doubleValue() == b.doubleValue();
            if (isBoolean(value) && isBoolean(c)) return value.equalsIgnoreCase(c); // YAML True vs CSV true
            return value.equals(c);
        }

        @Override
        public String toString() {
            return value;
        }
    }

    /** Any of several conditions (a YAML list). */
    public record AnyOf(List<Condition> options) implements Condition {
        public AnyOf {
            options = List.copyOf(options);
        }

        @Override
        public boolean test(String cell) {
            for (Condition c : options) if (c.test(cell)) return true;
            return false;
        }

        @Override
        public String toString() {
            return options.toString();
        }
    }

    /** A numeric range; null bounds are open. A cell that is not a number never matches. */
    public record Range(Double min, Double max, Double gt, Double lt) implements Condition {
        public Range {
            if (min == null && max == null && gt == null && lt == null) {
                throw new IllegalArgumentException("a range needs at least one of min, max, gt, lt");
            }
            for (Double d : new Double[]{min, max, gt, lt}) {
                if (d != null && d.isNaN()) throw new IllegalArgumentException("a range bound is NaN");
            }
        }

        @Override
        public boolean test(String cell) {
            Double v = number(cell.trim());
            if (v == null) return false;
            return (min == null || v >= min) && (max == null || v <= max) && (gt == null || v > gt) && (lt == null || v < lt);
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            if (min != null) parts.add("min: " + fmt(min));
            if (gt != null) parts.add("gt: " + fmt(gt));
            if (max != null) parts.add("max: " + fmt(max));
            if (lt != null) parts.add("lt: " + fmt(lt));
            return "{" + String.join(", ", parts) + "}";
        }
    }

    /** The cell is empty (a YAML null or empty string). */
    public record Empty() implements Condition {
        @Override
        public boolean test(String cell) {
            return cell.trim().isEmpty();
        }

        @Override
        public String toString() {
            return "''";
        }
    }

    /** One filter: every condition must hold (AND). */
    public record Filter(Map<String, Condition> conditions) {
        public Filter {
            if (conditions.isEmpty()) throw new IllegalArgumentException("a filter needs at least one attribute");
            conditions = Collections.unmodifiableMap(new LinkedHashMap<>(conditions));
        }

        public boolean matches(CatalogEntry e) {
            for (Map.Entry<String, Condition> c : conditions.entrySet()) {
                if (!c.getValue().test(e.get(c.getKey()))) return false;
            }
            return true;
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            conditions.forEach((k, v) -> parts.add(k + ": " + v));
            return "{" + String.join(", ", parts) + "}";
        }
    }

    // ------------------------------------------------------------------------------------------------- creation

    /** A distribution from filters given as maps (values as in YAML: scalars, lists, range maps, null). */
    public static Distribution of(String name, List<Map<String, ?>> filters) {
        return fromNode(YAML.valueToTree(filters), name);
    }

    /** Parses YAML text: a list of filters, or one filter mapping. */
    public static Distribution parse(String yaml, String name) {
        return fromNode(readYaml(yaml, name), name);
    }

    /**
     * Reads a distribution file: a list of filters, one filter mapping, or an experiment config (the paper's
     * {@code training_examples/*.yml}) from which {@code key} ({@code train_attr} or {@code test_attr}) is taken.
     * With a null key a config yields its {@code train_attr}.
     */
    public static Distribution read(Path yaml, String key) {
        Map.Entry<String, JsonNode> named = filtersOf(yaml, key);
        return fromNode(named.getValue(), named.getKey());
    }

    /** The filters {@link #read} finds in a file, as the YAML tree that configs embed; checked to parse. */
    public static JsonNode readFilters(Path yaml) {
        Map.Entry<String, JsonNode> named = filtersOf(yaml, null);
        fromNode(named.getValue(), named.getKey());
        return named.getValue();
    }

    private static Map.Entry<String, JsonNode> filtersOf(Path yaml, String key) {
        String text;
        try {
            text = Files.readString(yaml, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataException(yaml, "no such file");
        } catch (IOException e) {
            throw new DataException(yaml, "cannot read: " + e.getMessage(), e);
        }
        JsonNode root = readYaml(text, yaml.toString());
        String what = yaml.toString();
        if (key != null) {
            if (!root.isObject() || !root.has(key)) {
                throw new IllegalArgumentException(what + ": has no '" + key + "' entry"
                        + (root.isObject() ? " (entries: " + String.join(", ", fieldNames(root)) + ")" : ""));
            }
            return Map.entry(what + " " + key, root.get(key));
        }
        if (root.isObject() && (root.has(TRAIN_ATTR) || root.has(TEST_ATTR))) {
            String k = root.has(TRAIN_ATTR) ? TRAIN_ATTR : TEST_ATTR;
            return Map.entry(what + " " + k, root.get(k));
        }
        return Map.entry(what, root);
    }

    private static JsonNode readYaml(String text, String name) {
        try {
            JsonNode n = YAML.readTree(text);
            if (n == null || n.isMissingNode() || n.isNull()) throw new IllegalArgumentException(name + ": empty specification");
            return n;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(name + ": not valid YAML: " + e.getOriginalMessage());
        }
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** A distribution from a parsed YAML/JSON tree (a list of mappings or one mapping). */
    public static Distribution fromNode(JsonNode node, String name) {
        List<Filter> filters = new ArrayList<>();
        if (node.isObject()) {
            filters.add(filter(node, name, 1));
        } else if (node.isArray()) {
            int i = 0;
            for (JsonNode f : node) {
                i++;
                if (!f.isObject()) throw new IllegalArgumentException(name + ": filter " + i + " is not a mapping of attributes: " + f);
                filters.add(filter(f, name, i));
            }
        } else {
            throw new IllegalArgumentException(name + ": expected a list of attribute filters, got " + node);
        }
        if (filters.isEmpty()) throw new IllegalArgumentException(name + ": the list of filters is empty");
        return new Distribution(name, filters);
    }

    private static Filter filter(JsonNode f, String name, int index) {
        Map<String, Condition> m = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = f.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                m.put(e.getKey(), condition(e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(name + ": filter " + index + ", attribute '" + e.getKey() + "': " + ex.getMessage());
            }
        }
        if (m.isEmpty()) throw new IllegalArgumentException(name + ": filter " + index + " has no attributes");
        return new Filter(m);
    }

    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Set<String> RANGE_KEYS = Set.of("min", "max", "gt", "lt", "ge", "le");

    private static Condition condition(JsonNode v) {
        if (v == null || v.isNull()) return new Empty();
        if (v.isArray()) {
            if (v.isEmpty()) throw new IllegalArgumentException("an empty list matches nothing");
            List<Condition> options = new ArrayList<>();
            for (JsonNode o : v) options.add(condition(o));
            return new AnyOf(options);
        }
        if (v.isObject()) {
            Double min = null, max = null, gt = null, lt = null;
            Iterator<Map.Entry<String, JsonNode>> it = v.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey().toLowerCase(Locale.ROOT);
                if (!RANGE_KEYS.contains(k)) {
                    throw new IllegalArgumentException("unknown range bound '" + e.getKey() + "' (use min, max, gt, lt)");
                }
                JsonNode b = e.getValue();
                if (b == null || b.isNull()) continue; // `gt:` with no value leaves that side open
                Double d = b.isNumber() ? Double.valueOf(b.asDouble()) : number(b.asText());
                if (d == null) throw new IllegalArgumentException("range bound '" + e.getKey() + "' is not a number: " + b.asText());
                switch (k) {
                    case "min", "ge" -> min = d;
                    case "max", "le" -> max = d;
                    case "gt" -> gt = d;
                    default -> lt = d;
                }
            }
            return new Range(min, max, gt, lt);
        }
        String s = v.isTextual() ? v.textValue() : v.asText();
        return s.trim().isEmpty() ? new Empty() : new Exact(s.trim());
    }

    // ------------------------------------------------------------------------------------------------ selection

    public String name() {
        return name;
    }

    public List<Filter> filters() {
        return filters;
    }

    /** Every attribute key used by the filters, in first-use order. */
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        for (Filter f : filters) for (String k : f.conditions().keySet()) if (!out.contains(k)) out.add(k);
        return out;
    }

    /** Fails when a filter names a column the catalog does not have, naming the key and the known columns. */
    public void checkKeys(Catalog catalog) {
        for (int i = 0; i < filters.size(); i++) {
            for (String k : filters.get(i).conditions().keySet()) {
                if (!catalog.hasColumn(k)) {
                    throw new IllegalArgumentException(name + ": filter " + (i + 1) + " uses attribute '" + k
                            + "' but " + catalog.source() + " has no such column; known columns: "
                            + String.join(", ", catalog.columns()));
                }
            }
        }
    }

    /** True when any filter matches (OR of ANDs). */
    public boolean matches(CatalogEntry e) {
        for (Filter f : filters) if (f.matches(e)) return true;
        return false;
    }

    /** The rows of {@code catalog} this distribution selects, in catalog order, after checking its keys. */
    public Selection select(Catalog catalog) {
        checkKeys(catalog);
        List<CatalogEntry> chosen = new ArrayList<>();
        int[] perFilter = new int[filters.size()];
        for (CatalogEntry e : catalog.entries()) {
            boolean any = false;
            for (int i = 0; i < filters.size(); i++) {
                if (filters.get(i).matches(e)) {
                    perFilter[i]++;
                    any = true;
                }
            }
            if (any) chosen.add(e);
        }
        return new Selection(this, catalog, chosen, perFilter);
    }

    /** The specification as YAML-like text, one filter a line. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Filter f : filters) sb.append("- ").append(f).append('\n');
        return sb.toString();
    }

    static Double number(String s) {
        if (s == null) return null;
        String t = s.trim();
        if (t.isEmpty()) return null;
        if (!NUMBER.matcher(t).matches()) return null; // plain decimals only: no NaN/Infinity, hex or 1f/1d suffixes
        try {
            double d = Double.parseDouble(t);
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isBoolean(String s) {
        return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
