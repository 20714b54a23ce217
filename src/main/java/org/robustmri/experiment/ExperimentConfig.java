package org.robustmri.experiment;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.robustmri.io.DataException;
import org.robustmri.model.ModelRegistry;
import org.robustmri.model.ModelSpec;
import org.robustmri.train.TrainSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A robustness study in YAML (snake_case keys; unknown keys are errors): the data (simulated or catalogs),
 * named distributions, training sets (single distributions and mixtures with weights and data-size factors),
 * test sets, models, the training recipe, seeds and analyses.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentConfig(
        String name,
        Simulate simulate,
        Data data,
        Map<String, JsonNode> distributions,
        List<TrainingSet> trainingSets,
        List<String> testSets,
        List<ModelEntry> models,
        Recipe recipe,
        Seeds seeds,
        List<String> analyses,
        Integer panelSlices,
        Boolean normalizeOutput,
        String earlyStopping,
        Integer parallel,
        String similarityEmbedding,
        Integer similarityMaxSlices,
        String pathologyBoxes,
        List<String> baselines) {

    /** The baselines without weights evaluated next to zero-filling ({@code baselines: [cs-tv, ...]}), as specs. */
    public List<ModelSpec> baselineSpecs() {
        List<ModelSpec> out = new java.util.ArrayList<>();
        if (baselines != null) for (String b : baselines) out.add(ModelRegistry.parse(b));
        return out;
    }

    /** Simulated data: the same named distributions in train, validation and test splits (different subjects). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Simulate(List<String> distributions, Integer trainVolumes, Integer validationVolumes, Integer testVolumes,
                           Integer slices, Integer matrix, Long seed, String library) {
    }

    /** Catalogs of existing data (paths relative to the config file), and where the files are. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Data(List<String> trainCatalogs, List<String> validationCatalogs, List<String> testCatalogs, String dataRoot) {
    }

    /**
     * A training set: one distribution, or a mixture of several with weights and a data-size factor. Its volumes come
     * from the study's training catalogs, or from its own {@code catalogs} (e.g. one of the paper's fixed subset CSVs,
     * paths relative to the config). {@code sampling: fixed} (default) trains on the same distinct slices every
     * epoch; {@code redraw} draws a new subset each epoch.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TrainingSet(String name, List<String> components, JsonNode weights, String dataFraction, Long slicesPerEpoch,
                              String sampling, List<String> catalogs) {
        public TrainingSet(String name, List<String> components, JsonNode weights, String dataFraction, Long slicesPerEpoch) {
            this(name, components, weights, dataFraction, slicesPerEpoch, null, null);
        }
    }

    /**
     * A registered model name or a family, with parameter overrides as further keys, e.g.
     * {@code {model: unet, chans: 8, pools: 3}} or {@code {model: varnet, cascades: 4, chans: 8, sens_chans: 4}}.
     * Two keys restrict where a costly model is trained, when a budget forbids the full grid: {@code training_sets}
     * (names; default all) and {@code model_seeds} (default the study's model seeds).
     */
    public static final class ModelEntry {
        private final String model;
        private final Map<String, Object> params = new LinkedHashMap<>();
        private List<String> trainingSets;
        private List<Long> modelSeeds;

        @JsonCreator
        public ModelEntry(@JsonProperty("model") String model) {
            this.model = model;
        }

        public ModelEntry(String model, Map<String, ?> params) {
            this(model);
            this.params.putAll(params);
        }

        @JsonProperty("model")
        public String model() {
            return model;
        }

        @JsonAnySetter
        void set(String key, Object value) {
            params.put(key, value);
        }

        @JsonProperty("training_sets")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public List<String> trainingSets() {
            return trainingSets;
        }

        @JsonProperty("training_sets")
        void trainingSets(List<String> names) {
            this.trainingSets = names == null ? null : List.copyOf(names);
        }

        @JsonProperty("model_seeds")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public List<Long> modelSeeds() {
            return modelSeeds;
        }

        @JsonProperty("model_seeds")
        void modelSeeds(List<Long> seeds) {
            this.modelSeeds = seeds == null ? null : List.copyOf(seeds);
        }


        @JsonAnyGetter
        public Map<String, Object> params() {
            return params;
        }

        /** The model this entry names (an unknown name or parameter is an error). */
        public ModelSpec spec() {
            if (model == null) throw new IllegalArgumentException("every models entry needs 'model: NAME'");
            return ModelRegistry.resolve(model, params);
        }

        /** The name runs are labelled with: the registered name, or the family's label for custom sizes. */
        public String label() {
            return spec().name();
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Recipe(Double lr, Integer epochs, Integer batchSize, String loss, Double gradClip, TrainSpec.Mask mask,
                         Integer threads, Integer validationVolumes, String batching, Double validationHoldout) {
    }

    /** Every run is repeated for each model seed and each data seed. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Seeds(List<Long> model, List<Long> data) {
    }

    public static final List<String> ALL_ANALYSES = List.of("p_vs_q", "diversity", "robustness", "overfitting", "matrix", "similarity");

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static ExperimentConfig read(Path file) {
        try {
            return YAML.readValue(file.toFile(), ExperimentConfig.class);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown key '" + e.getPropertyName() + "' at "
                    + e.getPathReference().replaceAll("org\\.robustmri\\.experiment\\.ExperimentConfig(\\$)?", "") + "; known: "
                    + e.getKnownPropertyIds(), e);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String key = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("(top level)");
            throw new IllegalArgumentException(file + ": key '" + key + "' has the wrong type: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IllegalArgumentException(file + ": no such experiment config file", e);
        } catch (IOException e) {
            throw new DataException(file, "cannot read experiment config: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    public String toYaml() {
        try {
            return YAML.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
