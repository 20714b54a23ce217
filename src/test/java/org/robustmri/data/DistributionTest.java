package org.robustmri.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.robustmri.data.CatalogTest.SPLITS;

/** Counts asserted here were checked independently against the CSVs with a short pandas-free script. */
class DistributionTest {
    static final Catalog TRAIN = Catalog.read(CatalogTest.TRAINSET_01);
    static final Path EXAMPLES = SPLITS.resolve("training_examples");

    static Selection select(String yaml) {
        return Distribution.parse(yaml, "spec").select(TRAIN);
    }

    @Test
    void exactSetAndRangeMatches() {
        assertThat(select("- {protocolName: AXT2}").rows()).isEqualTo(644);
        assertThat(select("- {systemModel: [Aera, Avanto]}").rows()).isEqualTo(772);
        Selection threeTesla = select("- {systemFieldStrength_T: {min: 2.5, max: 3.5}}");
        assertThat(threeTesla.rows()).isEqualTo(853);
        assertThat(threeTesla.slices()).isEqualTo(18091);
        assertThat(select("- {systemFieldStrength_T: {gt: 1.0, lt: 2.0}}").slices()).isEqualTo(14324);
        assertThat(select("- {systemFieldStrength_T: {gt: , lt: 2.0}}").rows()).isEqualTo(772); // an open side
        // numbers compare as numbers: 2.8936 == "2.8936" == "2.89360", but not 2.89362
        assertThat(select("- {systemFieldStrength_T: 2.8936}").rows()).isEqualTo(640);
        assertThat(select("- {systemFieldStrength_T: '2.89360'}").rows()).isEqualTo(640);
        assertThat(select("- {receiverChannels: 15.0, protocolName: CORPD_FBK}").rows()).isEqualTo(165);
        // a single mapping is one filter
        assertThat(select("protocolName: CORPD_FBK").rows()).isEqualTo(165);
    }

    @Test
    void keysAreAndedWithinAFilterAndFiltersOredAcross() {
        Selection and = select("- {protocolName: AXT2, systemModel: Skyra}");
        assertThat(and.rows()).isEqualTo(128);
        assertThat(and.slices()).isEqualTo(2026);
        Selection or = select("""
                - protocolName: AXT2
                  systemModel: Skyra
                - protocolName: CORPD_FBK
                """);
        assertThat(or.rows()).isEqualTo(293);
        assertThat(or.slices()).isEqualTo(7995);
        assertThat(or.rowsPerFilter()).containsExactly(128, 165);
        Selection kneeAt3T = select("- {datasetName: fastmri_knee, systemFieldStrength_T: {min: 2.5}}");
        assertThat(kneeAt3T.rows()).isEqualTo(213);
        assertThat(kneeAt3T.slices()).isEqualTo(7961);
        // overlapping filters select a row once
        assertThat(select("- {protocolName: AXT2}\n- {systemModel: Skyra, protocolName: AXT2}").rows()).isEqualTo(644);
        assertThat(select("- {protocolName: NOPE}\n- {protocolName: AXT2}").emptyFilters()).containsExactly(1);
    }

    @Test
    void thePapersExperimentConfigsSelectFromThePapersCsvs() {
        Catalog test = Catalog.read(CatalogTest.TESTSET);
        Distribution pd = Distribution.read(EXAMPLES.resolve("unet-small_pd.yml"), Distribution.TRAIN_ATTR);
        assertThat(pd.filters()).hasSize(3);
        assertThat(pd.select(TRAIN).rows()).isEqualTo(165);
        assertThat(pd.select(TRAIN).slices()).isEqualTo(5969);
        assertThat(pd.select(TRAIN).countsBy("systemModel")).containsOnlyKeys("Aera", "Biograph_mMR", "Skyra");
        Distribution pdTest = Distribution.read(EXAMPLES.resolve("unet-small_pd.yml"), Distribution.TEST_ATTR);
        assertThat(pdTest.filters()).hasSize(16);
        assertThat(pdTest.select(test).rows()).isEqualTo(104);
        assertThat(pdTest.select(test).slices()).isEqualTo(2152);
        // with no key a config gives its train_attr
        assertThat(Distribution.read(EXAMPLES.resolve("unet-small_pdfs.yml"), null).select(TRAIN).slices()).isEqualTo(6042);
        assertThat(Distribution.read(EXAMPLES.resolve("unet-small_all.yml"), null).select(TRAIN).rows()).isEqualTo(1625);

        Catalog pathology = Catalog.read(CatalogTest.PATHOLOGY);
        Path nfa = EXAMPLES.resolve("unet-small_normal_for_age.yml");
        Selection normal = Distribution.read(nfa, Distribution.TRAIN_ATTR).select(pathology);
        assertThat(normal.rows()).isEqualTo(87);
        assertThat(normal.slices()).isEqualTo(1360);
        Selection both = Distribution.read(nfa, Distribution.TEST_ATTR).select(pathology);
        assertThat(both.rows()).isEqualTo(831);
        assertThat(both.slices()).isEqualTo(2104);

        Catalog full = Catalog.read(CatalogTest.FULL_TEST);
        Path knee = EXAMPLES.resolve("unet-large_fmknee.yml");
        assertThat(Distribution.read(knee, Distribution.TRAIN_ATTR).select(full).slices()).isEqualTo(7135);
        Selection sixSets = Distribution.read(knee, Distribution.TEST_ATTR).select(full);
        assertThat(sixSets.rows()).isEqualTo(874);
        assertThat(sixSets.slices()).isEqualTo(20979);
        assertThat(sixSets.countsBy("datasetName")).hasSize(6);
    }

    @Test
    void anUnknownKeyIsAnErrorNamingItAndTheKnownColumns() {
        assertThatThrownBy(() -> select("- {protocolName: AXT2, scanner: Skyra}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'scanner'").hasMessageContaining("filter 1")
                .hasMessageContaining("known columns: folderDirectory, filename, end_slice, start_slice, protocolName");
        // the pathology config's key exists only in the pathology CSV
        Distribution label = Distribution.read(EXAMPLES.resolve("unet-small_normal_for_age.yml"), null);
        assertThatThrownBy(() -> label.select(TRAIN)).hasMessageContaining("'label'");
    }

    @Test
    void malformedSpecificationsAreClearErrors() {
        assertThatThrownBy(() -> select("- {systemFieldStrength_T: {above: 2}}")).hasMessageContaining("unknown range bound 'above'");
        assertThatThrownBy(() -> select("- {systemFieldStrength_T: {min: high}}")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> select("- {protocolName: []}")).hasMessageContaining("empty list");
        assertThatThrownBy(() -> select("[]")).hasMessageContaining("empty");
        assertThatThrownBy(() -> select("- AXT2")).hasMessageContaining("filter 1 is not a mapping");
        assertThatThrownBy(() -> select("- {a: [b")).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> Distribution.read(EXAMPLES.resolve("unet-small_pd.yml"), "val_attr"))
                .hasMessageContaining("no 'val_attr' entry").hasMessageContaining("train_attr");
    }

    @Test
    void javaApiMatchesTheYaml() {
        Distribution d = Distribution.of("P", List.of(Map.of("protocolName", List.of("CORPD_FBK", "CORPDFS_FBK"),
                "systemFieldStrength_T", Map.of("lt", 2))));
        Selection s = d.select(TRAIN);
        assertThat(s.rows()).isEqualTo(120); // Aera knee, both contrasts
        assertThat(s.entries()).allMatch(e -> e.get("systemModel").equals("Aera"));
        assertThat(d.keys()).containsExactlyInAnyOrder("protocolName", "systemFieldStrength_T");
        assertThat(s.asCatalog().columns()).isEqualTo(TRAIN.columns());
    }
}
